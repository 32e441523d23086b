// workflow:rules and workflow:name (spec §2.6, §8.1 step 2).
import { describe, expect, it } from 'vitest';
import { planPipeline } from '../../src/planner/index.js';
import {
  context,
  job,
  jobNames,
  mergeRequestContext,
  pipelineConfig,
  plannedJob,
  tagContext,
  variableValue,
  yamlVars,
} from './plan-builders.js';

const FILTERED = 'Pipeline filtered out by workflow rules.';

describe('workflow:rules', () => {
  it('creates every pipeline when there are no workflow:rules', () => {
    const plan = planPipeline(pipelineConfig([job('test')]), context());
    expect(plan.notCreatedReason).toBeUndefined();
    expect(jobNames(plan)).toEqual(['test']);
  });

  it('filters the pipeline out when no rule matches', () => {
    const config = pipelineConfig([job('test')], {
      workflow: { rules: [{ if: '$CI_COMMIT_TAG' }] },
    });
    const plan = planPipeline(config, context());
    expect(plan.notCreatedReason).toBe(FILTERED);
    expect(plan.jobs).toEqual([]);
    expect(plan.stages).toEqual([]);
  });

  it('filters the pipeline out when the first matching rule says when: never', () => {
    const config = pipelineConfig([job('test')], {
      workflow: {
        rules: [{ if: '$CI_PIPELINE_SOURCE == "push"', when: 'never' }, { when: 'always' }],
      },
    });
    expect(planPipeline(config, context()).notCreatedReason).toBe(FILTERED);
    expect(planPipeline(config, context({ source: 'web' })).notCreatedReason).toBeUndefined();
  });

  it('creates the pipeline on the first matching rule, whose when defaults to always', () => {
    const config = pipelineConfig([job('test')], {
      workflow: { rules: [{ if: '$CI_COMMIT_TAG' }, { if: '$CI_COMMIT_BRANCH == "main"' }] },
    });
    expect(jobNames(planPipeline(config, context()))).toEqual(['test']);
    expect(jobNames(planPipeline(config, tagContext()))).toEqual(['test']);
    expect(planPipeline(config, context({ ref: 'dev', git: { ...context().git, branch: 'dev' } })).notCreatedReason).toBe(
      FILTERED,
    );
  });

  it('sees top-level YAML variables and user variables, but not job variables', () => {
    const config = pipelineConfig([job('test', { variables: yamlVars({ JOB_ONLY: 'yes' }) })], {
      variables: yamlVars({ DEPLOY: 'true' }),
      workflow: { rules: [{ if: '$DEPLOY == "true" && $USER_FLAG == "on"' }] },
    });
    expect(planPipeline(config, context({ userVariables: { USER_FLAG: { value: 'on' } } })).notCreatedReason).toBeUndefined();
    expect(planPipeline(config, context()).notCreatedReason).toBe(FILTERED);

    const jobVarConfig = pipelineConfig([job('test', { variables: yamlVars({ JOB_ONLY: 'yes' }) })], {
      workflow: { rules: [{ if: '$JOB_ONLY' }] },
    });
    expect(planPipeline(jobVarConfig, context()).notCreatedReason).toBe(FILTERED);
  });

  it('adds the matching rule variables to the global variables, overriding top-level ones', () => {
    const config = pipelineConfig([job('test'), job('isolated', { inheritVariables: false })], {
      variables: yamlVars({ DEPLOY_VARIABLE: 'default-deploy', OTHER: 'kept' }),
      workflow: {
        rules: [
          { if: '$CI_COMMIT_BRANCH == "feature"', variables: { DEPLOY_VARIABLE: 'feature-deploy' } },
          { if: '$CI_COMMIT_BRANCH == "main"', variables: { DEPLOY_VARIABLE: 'deploy-production', NEW: 'new' } },
        ],
      },
    });
    const plan = planPipeline(config, context());
    const test = plannedJob(plan, 'test');
    expect(variableValue(test, 'DEPLOY_VARIABLE')).toBe('deploy-production');
    expect(variableValue(test, 'NEW')).toBe('new');
    expect(variableValue(test, 'OTHER')).toBe('kept');
    // inherit:variables: false also drops workflow:rules:variables (spec §2.5).
    expect(variableValue(plannedJob(plan, 'isolated'), 'DEPLOY_VARIABLE')).toBeUndefined();
    const globals = Object.fromEntries(plan.globalVariables.map((v) => [v.key, v.value]));
    expect(globals).toEqual({ DEPLOY_VARIABLE: 'deploy-production', OTHER: 'kept', NEW: 'new' });
  });

  it('lets jobs without rules/only/except run in merge request pipelines when workflow:rules exist', () => {
    const withWorkflow = pipelineConfig([job('test')], {
      workflow: { rules: [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }, { if: '$CI_COMMIT_BRANCH' }] },
    });
    expect(jobNames(planPipeline(withWorkflow, mergeRequestContext()))).toEqual(['test']);
    // Without workflow:rules the implicit only: [branches, tags] keeps it out of MR pipelines.
    const without = pipelineConfig([job('test')]);
    const plan = planPipeline(without, mergeRequestContext());
    expect(plan.jobs).toEqual([]);
    expect(plan.notCreatedReason).toBe('No stages / jobs for this pipeline.');
  });
});

describe('workflow:name', () => {
  it('expands variables, workflow rule variables included, into the plan name', () => {
    const config = pipelineConfig([job('test')], {
      variables: yamlVars({ KIND: 'nightly' }),
      workflow: {
        name: 'Pipeline for $CI_COMMIT_BRANCH ($KIND, $PIPELINE_NAME)',
        rules: [{ when: 'always', variables: { PIPELINE_NAME: 'from rule' } }],
      },
    });
    const plan = planPipeline(config, context());
    expect(plan.name).toBe('Pipeline for main (nightly, from rule)');
    expect(variableValue(plannedJob(plan, 'test'), 'CI_PIPELINE_NAME')).toBe('Pipeline for main (nightly, from rule)');
  });

  it('expands unknown variables to empty, strips whitespace, and drops an empty name', () => {
    const named = pipelineConfig([job('test')], { workflow: { name: '  Deploy $UNKNOWN  ', rules: null } });
    expect(planPipeline(named, context()).name).toBe('Deploy');
    const empty = pipelineConfig([job('test')], { workflow: { name: '$UNKNOWN', rules: null } });
    expect(planPipeline(empty, context()).name).toBeUndefined();
  });
});
