// Job rules (spec §5.14): first match, overrides, rules:changes and rules:exists.
import { describe, expect, it } from 'vitest';
import { planPipeline } from '../../src/planner/index.js';
import {
  context,
  excludedReason,
  job,
  jobNames,
  pipelineConfig,
  plannedJob,
  tagContext,
  variableValue,
  yamlVars,
} from './plan-builders.js';

describe('rules: selection', () => {
  it('excludes a job when no rule matches, or the first matching rule says never', () => {
    const config = pipelineConfig([
      job('keep'),
      job('nomatch', { rules: [{ if: '$CI_COMMIT_TAG' }] }),
      job('never', { rules: [{ if: '$CI_COMMIT_BRANCH', when: 'never' }, { when: 'on_success' }] }),
    ]);
    const plan = planPipeline(config, context());
    expect(jobNames(plan)).toEqual(['keep']);
    expect(excludedReason(plan, 'nomatch')).toBe('rules: no rule matched');
    expect(excludedReason(plan, 'never')).toBe('rules: when never');
  });

  it('uses the first matching rule only', () => {
    const config = pipelineConfig([
      job('deploy', {
        rules: [
          { if: '$CI_COMMIT_BRANCH == "main"', when: 'manual' },
          { if: '$CI_COMMIT_BRANCH', when: 'never' },
        ],
      }),
    ]);
    expect(plannedJob(planPipeline(config, context()), 'deploy').when).toBe('manual');
  });

  it('treats a rule without clauses as always matching', () => {
    const config = pipelineConfig([job('fallback', { rules: [{ if: '$NOPE' }, { when: 'always' }] })]);
    expect(plannedJob(planPipeline(config, context()), 'fallback').when).toBe('always');
  });

  it('defaults a rule when to the job-level when, else on_success', () => {
    const config = pipelineConfig([
      job('manual', { when: 'manual', rules: [{ if: '$CI_COMMIT_BRANCH' }] }),
      job('plain', { rules: [{ if: '$CI_COMMIT_BRANCH' }] }),
    ]);
    const plan = planPipeline(config, context());
    expect(plannedJob(plan, 'manual').when).toBe('manual');
    expect(plannedJob(plan, 'plain').when).toBe('on_success');
  });

  it('sees global and job variables in rules:if, but not the rule own variables', () => {
    const config = pipelineConfig(
      [
        job('global', { rules: [{ if: '$GLOBAL == "g"' }] }),
        job('local', { variables: yamlVars({ LOCAL: 'l' }), rules: [{ if: '$LOCAL == "l"' }] }),
        job('own', { rules: [{ if: '$OWN == "o"', variables: { OWN: 'o' } }] }),
        job('isolated', { inheritVariables: false, rules: [{ if: '$GLOBAL' }] }),
      ],
      { variables: yamlVars({ GLOBAL: 'g' }) },
    );
    const plan = planPipeline(config, context());
    expect(jobNames(plan)).toEqual(['global', 'local']);
  });

  it('does not expand variable values in rules:if comparisons', () => {
    const config = pipelineConfig([job('literal', { rules: [{ if: '$A == "$B"' }] })], {
      variables: yamlVars({ A: '$B', B: 'b' }),
    });
    expect(jobNames(planPipeline(config, context()))).toEqual(['literal']);
  });
});

describe('rules: attribute overrides', () => {
  it('applies the matching rule allow_failure, start_in, interruptible, needs and variables', () => {
    const config = pipelineConfig([
      job('build', { stage: 'build' }),
      job('lint', { stage: 'build' }),
      job('deploy', {
        stage: 'deploy',
        variables: yamlVars({ TARGET: 'dev' }),
        needs: [{ job: 'build', artifacts: true, optional: false }],
        interruptible: true,
        rules: [
          {
            if: '$CI_COMMIT_BRANCH == "main"',
            when: 'delayed',
            startIn: '10 minutes',
            allowFailure: true,
            interruptible: false,
            needs: [{ job: 'lint', artifacts: false, optional: false }],
            variables: { TARGET: 'prod' },
          },
        ],
      }),
    ]);
    const deploy = plannedJob(planPipeline(config, context()), 'deploy');
    expect(deploy.when).toBe('delayed');
    expect(deploy.startInSeconds).toBe(600);
    expect(deploy.allowFailure).toBe(true);
    expect(deploy.interruptible).toBe(false);
    expect(deploy.needs).toEqual([{ job: 'lint', artifacts: false }]);
    expect(variableValue(deploy, 'TARGET')).toBe('prod');
  });

  it('lets rules:variables override parallel:matrix values (matrix values are job variables)', () => {
    const config = pipelineConfig([
      job('deploy', {
        parallel: { kind: 'matrix', matrix: [{ REGION: ['eu'] }] },
        rules: [{ variables: { REGION: 'from-rule' } }],
      }),
    ]);
    expect(variableValue(plannedJob(planPipeline(config, context()), 'deploy: [eu]'), 'REGION')).toBe('from-rule');
  });

  it('runs the §5.14 example for a schedule, a main push, a tag and another branch', () => {
    const example = job('job', {
      when: 'manual',
      variables: yamlVars({ TARGET: 'dev' }),
      rules: [
        { if: '$CI_PIPELINE_SOURCE == "schedule"', when: 'never' },
        {
          if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
          changes: { paths: ['src/**/*'], compareTo: 'refs/heads/main' },
          when: 'on_success',
          variables: { TARGET: 'prod' },
          interruptible: false,
        },
        { if: '$CI_COMMIT_TAG' },
        { when: 'delayed', startIn: '10 minutes' },
      ],
    });
    const config = pipelineConfig([example]);
    expect(excludedReason(planPipeline(config, context({ source: 'schedule' })), 'job')).toBe('rules: when never');

    const onMain = plannedJob(planPipeline(config, context({ changedFiles: ['src/app/main.ts'] })), 'job');
    expect(onMain.when).toBe('on_success');
    expect(variableValue(onMain, 'TARGET')).toBe('prod');

    const onTag = plannedJob(planPipeline(config, tagContext()), 'job');
    expect(onTag.when).toBe('manual');
    expect(onTag.allowFailure).toBe(true);
    expect(variableValue(onTag, 'TARGET')).toBe('dev');

    const docsOnly = plannedJob(planPipeline(config, context({ changedFiles: ['README.md'] })), 'job');
    expect(docsOnly.when).toBe('delayed');
    expect(docsOnly.startInSeconds).toBe(600);
  });
});

describe('rules:changes', () => {
  const changes = (paths: string[]) => pipelineConfig([job('job', { rules: [{ changes: { paths } }] })]);
  const runs = (paths: string[], changed: string[] | null, ctx = context({ changedFiles: changed })) =>
    jobNames(planPipeline(changes(paths), ctx)).includes('job');

  it('is always true when no diff is available', () => {
    expect(runs(['docs/**/*'], null)).toBe(true);
  });

  it('is always true in tag, schedule and web pipelines, which have no diff', () => {
    expect(runs(['docs/*'], ['src/a.ts'], tagContext({ changedFiles: ['src/a.ts'] }))).toBe(true);
    expect(runs(['docs/*'], ['src/a.ts'], context({ source: 'schedule', changedFiles: ['src/a.ts'] }))).toBe(true);
    expect(runs(['docs/*'], ['src/a.ts'], context({ source: 'web', changedFiles: ['src/a.ts'] }))).toBe(true);
  });

  it('is false for an empty diff', () => {
    expect(runs(['**/*'], [])).toBe(false);
  });

  it('matches when any changed file matches any glob', () => {
    expect(runs(['Dockerfile', 'docker/scripts/**/*'], ['README.md', 'docker/scripts/x/build.sh'])).toBe(true);
    expect(runs(['Dockerfile', 'docker/scripts/**/*'], ['README.md', 'docker/other.sh'])).toBe(false);
  });

  it('uses fnmatch with FNM_PATHNAME: * does not cross directories', () => {
    expect(runs(['src/*.ts'], ['src/lib/a.ts'])).toBe(false);
    expect(runs(['src/*.ts'], ['src/a.ts'])).toBe(true);
    expect(runs(['*.md'], ['docs/a.md'])).toBe(false);
    expect(runs(['**/*.md'], ['a.md'])).toBe(true);
  });

  it('uses FNM_DOTMATCH and brace alternatives', () => {
    expect(runs(['*'], ['.gitlab-ci.yml'])).toBe(true);
    expect(runs(['**/*.json'], ['.config/x.json'])).toBe(true);
    expect(runs(['{src,lib}/*.{js,ts}'], ['lib/a.ts'])).toBe(true);
    expect(runs(['{src,lib}/*.{js,ts}'], ['test/a.ts'])).toBe(false);
  });

  it('expands variables in paths with fully expanded values, keeping unknown ones', () => {
    const config = pipelineConfig(
      [
        job('known', { rules: [{ changes: { paths: ['$DIR/**/*'] } }] }),
        job('unknown', { rules: [{ changes: { paths: ['$NOPE/*'] } }] }),
      ],
      { variables: yamlVars({ BASE: 'serv', DIR: '${BASE}ice' }) },
    );
    const plan = planPipeline(config, context({ changedFiles: ['service/a/b.go', '$NOPE/x'] }));
    expect(jobNames(plan)).toEqual(['known', 'unknown']);
    const none = planPipeline(config, context({ changedFiles: ['other/x'] }));
    expect(jobNames(none)).toEqual([]);
  });
});

describe('rules:exists', () => {
  const files = ['Dockerfile', 'src/main.go', 'src/pkg/util.go', 'docs/guide/intro.md', '.hidden/config'];
  const exists = (paths: string[], vars: Record<string, string> = {}) =>
    jobNames(
      planPipeline(
        pipelineConfig([job('job', { rules: [{ exists: { paths } }] })], { variables: yamlVars(vars) }),
        context({ files }),
      ),
    ).includes('job');

  it('matches exact names and globs against repository files', () => {
    expect(exists(['Dockerfile'])).toBe(true);
    expect(exists(['Makefile'])).toBe(false);
    expect(exists(['src/*.go'])).toBe(true);
    expect(exists(['**/*.go'])).toBe(true);
    expect(exists(['*.go'])).toBe(false);
    expect(exists(['**/config'])).toBe(true);
  });

  it('matches directories with a trailing slash', () => {
    expect(exists(['docs/guide/'])).toBe(true);
    expect(exists(['docs/*/'])).toBe(true);
    expect(exists(['guide/'])).toBe(false);
    expect(exists(['Dockerfile/'])).toBe(false);
  });

  it('expands variables in paths, keeping unknown references', () => {
    expect(exists(['$FILE'], { FILE: 'Dockerfile' })).toBe(true);
    expect(exists(['$MISSING'])).toBe(false);
  });
});
