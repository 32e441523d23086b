// only / except (spec §5.15), including the implicit only: [branches, tags].
import { describe, expect, it } from 'vitest';
import type { PipelineContext } from '../../src/model/plan.js';
import type { PolicyDefinition } from '../../src/model/config.js';
import { planPipeline } from '../../src/planner/index.js';
import {
  context,
  excludedReason,
  job,
  jobNames,
  mergeRequestContext,
  pipelineConfig,
  tagContext,
  yamlVars,
} from './plan-builders.js';

function included(only: PolicyDefinition | null, except: PolicyDefinition | null, ctx: PipelineContext): boolean {
  const plan = planPipeline(pipelineConfig([job('job', { only, except }), job('anchor', { rules: [{ when: 'always' }] })]), ctx);
  return jobNames(plan).includes('job');
}

describe('implicit only: [branches, tags]', () => {
  it('runs a job without rules/only/except in branch and tag pipelines', () => {
    expect(included(null, null, context())).toBe(true);
    expect(included(null, null, tagContext())).toBe(true);
  });

  it('keeps it out of merge request pipelines (neither branch nor tag)', () => {
    const plan = planPipeline(pipelineConfig([job('job'), job('mr', { rules: [{ if: '$CI_MERGE_REQUEST_IID' }] })]), mergeRequestContext());
    expect(jobNames(plan)).toEqual(['mr']);
    expect(excludedReason(plan, 'job')).toBe('only: refs');
  });

  it('still carries the default refs under an explicit only without refs', () => {
    const onlyVariables: PolicyDefinition = { variables: ['$CI_COMMIT_MESSAGE =~ /deploy/'] };
    const mr = mergeRequestContext({ git: { ...mergeRequestContext().git, message: 'please deploy' } });
    expect(included(onlyVariables, null, mr)).toBe(false);
    const push = context({ git: { ...context().git, message: 'please deploy' } });
    expect(included(onlyVariables, null, push)).toBe(true);
  });

  it('applies to a job with only except: when there are no workflow:rules', () => {
    expect(included(null, { refs: ['tags'] }, mergeRequestContext())).toBe(false);
    expect(included(null, { refs: ['tags'] }, context())).toBe(true);
  });

  it('does not apply when only except is given together with workflow:rules', () => {
    const config = pipelineConfig([job('job', { except: { refs: ['tags'] } })], {
      workflow: { rules: [{ when: 'always' }] },
    });
    expect(jobNames(planPipeline(config, mergeRequestContext()))).toEqual(['job']);
  });
});

describe('only/except: refs', () => {
  it('matches branches and tags keywords', () => {
    expect(included({ refs: ['branches'] }, null, context())).toBe(true);
    expect(included({ refs: ['branches'] }, null, tagContext())).toBe(false);
    expect(included({ refs: ['tags'] }, null, tagContext())).toBe(true);
  });

  it('matches pipeline source keywords, singular after dropping _event or plural', () => {
    expect(included({ refs: ['merge_requests'] }, null, mergeRequestContext())).toBe(true);
    expect(included({ refs: ['schedules'] }, null, context({ source: 'schedule' }))).toBe(true);
    expect(included({ refs: ['pushes'] }, null, context())).toBe(true);
    expect(included({ refs: ['web'] }, null, context({ source: 'web' }))).toBe(true);
    expect(included({ refs: ['api'] }, null, context({ source: 'api' }))).toBe(true);
    expect(included({ refs: ['triggers'] }, null, context({ source: 'trigger' }))).toBe(true);
    expect(included({ refs: ['external_pull_requests'] }, null, context({ source: 'external_pull_request_event' }))).toBe(
      true,
    );
    expect(included({ refs: ['schedules'] }, null, context())).toBe(false);
  });

  it('matches branch names exactly and /regex/ patterns, only in branch and tag pipelines', () => {
    expect(included({ refs: ['main'] }, null, context())).toBe(true);
    expect(included({ refs: ['mai'] }, null, context())).toBe(false);
    expect(included({ refs: ['/^release-.*$/'] }, null, context({ ref: 'release-1.2' }))).toBe(true);
    expect(included({ refs: ['/^release-.*$/'] }, null, context())).toBe(false);
    expect(included({ refs: ['/^v\\d+/'] }, null, tagContext())).toBe(true);
    expect(included({ refs: ['feature'] }, null, mergeRequestContext())).toBe(false);
  });

  it('restricts an entry to a project with @path', () => {
    expect(included({ refs: ['branches@group/project'] }, null, context())).toBe(true);
    expect(included({ refs: ['branches@other/project'] }, null, context())).toBe(false);
  });

  it('excludes with except: refs and names the reason', () => {
    const plan = planPipeline(pipelineConfig([job('job', { except: { refs: ['main'] } })]), context());
    expect(jobNames(plan)).toEqual([]);
    expect(excludedReason(plan, 'job')).toBe('except: refs');
    expect(included(null, { refs: ['main'] }, context({ ref: 'dev' }))).toBe(true);
  });
});

describe('only/except: variables, changes, kubernetes', () => {
  it('includes when any only:variables expression is true, excludes when any except one is', () => {
    const ctx = context({ userVariables: { RELEASE: { value: 'yes' } } });
    expect(included({ refs: ['branches'], variables: ['$NOPE', '$RELEASE == "yes"'] }, null, ctx)).toBe(true);
    expect(included({ refs: ['branches'], variables: ['$NOPE'] }, null, ctx)).toBe(false);
    const plan = planPipeline(pipelineConfig([job('job', { except: { variables: ['$RELEASE'] } })]), ctx);
    expect(excludedReason(plan, 'job')).toBe('except: variables');
  });

  it('requires every only condition type (refs AND variables)', () => {
    const ctx = context({ userVariables: { RELEASE: { value: 'yes' } } });
    const plan = planPipeline(pipelineConfig([job('job', { only: { refs: ['tags'], variables: ['$RELEASE'] } })]), ctx);
    expect(excludedReason(plan, 'job')).toBe('only: refs');
  });

  it('evaluates only:changes and except:changes against the diff, always true without one', () => {
    const changed = context({ changedFiles: ['docs/index.md'] });
    expect(included({ refs: ['branches'], changes: ['docs/**/*'] }, null, changed)).toBe(true);
    expect(included({ refs: ['branches'], changes: ['src/**/*'] }, null, changed)).toBe(false);
    expect(included(null, { changes: ['docs/**/*'] }, changed)).toBe(false);
    // Without a diff (tag pipeline) except:changes is true as well, so the job is always excluded.
    expect(included(null, { changes: ['src/**/*'] }, tagContext())).toBe(false);
  });

  it('evaluates kubernetes: active with CI_KUBERNETES_ACTIVE', () => {
    expect(included({ refs: ['branches'], kubernetes: 'active' }, null, context())).toBe(false);
    const active = context({ userVariables: { CI_KUBERNETES_ACTIVE: { value: 'true' } } });
    expect(included({ refs: ['branches'], kubernetes: 'active' }, null, active)).toBe(true);
  });
});

describe('only/except with variables in job scope', () => {
  it('sees the job variables in only:variables', () => {
    const config = pipelineConfig([
      job('job', { variables: yamlVars({ FLAG: 'on' }), only: { variables: ['$FLAG == "on"'] } }),
    ]);
    expect(jobNames(planPipeline(config, context()))).toEqual(['job']);
  });
});
