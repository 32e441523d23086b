// when / allow_failure / start_in (spec §5.6–5.8), played manual jobs, GitLab-side keyword expansion
// (§5.5, §5.19, §5.20), stages of the plan and the empty pipeline (§8.1 steps 6–7).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { planPipeline } from '../../src/planner/index.js';
import {
  context,
  excludedReason,
  job,
  jobNames,
  pipelineConfig,
  plannedJob,
  variableValue,
  yamlVars,
} from './plan-builders.js';

describe('when and allow_failure', () => {
  it('defaults to on_success and allow_failure false', () => {
    const test = plannedJob(planPipeline(pipelineConfig([job('test')]), context()), 'test');
    expect(test.when).toBe('on_success');
    expect(test.allowFailure).toBe(false);
  });

  it('defaults allow_failure to true for a job-level when: manual', () => {
    const deploy = plannedJob(planPipeline(pipelineConfig([job('deploy', { when: 'manual' })]), context()), 'deploy');
    expect(deploy.when).toBe('manual');
    expect(deploy.allowFailure).toBe(true);
  });

  it('keeps allow_failure false for a job made manual only by rules:when', () => {
    const config = pipelineConfig([job('deploy', { rules: [{ when: 'manual' }] })]);
    expect(plannedJob(planPipeline(config, context()), 'deploy').allowFailure).toBe(false);
  });

  it('lets rules:allow_failure override the job value and discard exit_codes', () => {
    const config = pipelineConfig([
      job('codes', { allowFailure: { exitCodes: [137] }, rules: [{ when: 'on_success' }] }),
      job('ruled', { allowFailure: { exitCodes: [137] }, rules: [{ allowFailure: false }] }),
      job('manual', { when: 'manual', rules: [{ allowFailure: false }] }),
    ]);
    const plan = planPipeline(config, context());
    expect(plannedJob(plan, 'codes').allowFailure).toEqual({ exitCodes: [137] });
    expect(plannedJob(plan, 'ruled').allowFailure).toBe(false);
    expect(plannedJob(plan, 'manual').allowFailure).toBe(false);
  });

  it('converts start_in to seconds for delayed jobs', () => {
    const config = pipelineConfig(
      [
        job('bare', { when: 'delayed', startIn: '30' }),
        job('hours', { when: 'delayed', startIn: '1 hour and 30 minutes' }),
        job('variable', { when: 'delayed', startIn: '$DELAY' }),
        job('day', { rules: [{ when: 'delayed', startIn: '1 day' }] }),
      ],
      { variables: yamlVars({ DELAY: '5 minutes' }) },
    );
    const plan = planPipeline(config, context());
    expect(plannedJob(plan, 'bare').startInSeconds).toBe(30);
    expect(plannedJob(plan, 'hours').startInSeconds).toBe(5400);
    expect(plannedJob(plan, 'variable').startInSeconds).toBe(300);
    expect(plannedJob(plan, 'day').startInSeconds).toBe(86_400);
  });

  it('marks manual jobs listed in playedManualJobs as played, keeping when: manual', () => {
    const config = pipelineConfig([
      job('deploy', { when: 'manual' }),
      job('other', { when: 'manual' }),
      job('shard', { when: 'manual', parallel: { kind: 'count', total: 2 } }),
      job('auto', {}),
    ]);
    const plan = planPipeline(config, context({ playedManualJobs: ['deploy', 'shard', 'auto'] }));
    const deploy = plannedJob(plan, 'deploy');
    expect(deploy.when).toBe('manual');
    expect(deploy.played).toBe(true);
    expect(variableValue(deploy, 'CI_JOB_MANUAL')).toBe('true');
    expect(plannedJob(plan, 'other').played).toBeUndefined();
    expect(plannedJob(plan, 'shard 2/2').played).toBe(true);
    expect(plannedJob(plan, 'auto').played).toBeUndefined();
  });
});

describe('GitLab-side keyword expansion', () => {
  it('expands tags with the job variables, keeping unknown references', () => {
    const config = pipelineConfig([job('build', { variables: yamlVars({ ARCH: 'arm64' }), tags: ['docker-$ARCH', '$NONE'] })]);
    expect(plannedJob(planPipeline(config, context()), 'build').tags).toEqual(['docker-arm64', '$NONE']);
  });

  it('expands environment name and url and resource_group with the job variables', () => {
    const config = pipelineConfig(
      [
        job('review', {
          stage: 'deploy',
          variables: yamlVars({ APP: 'shop' }),
          environment: { name: 'review/$CI_COMMIT_REF_SLUG', url: 'https://$APP.$DOMAIN/$MISSING', action: 'start' },
          resourceGroup: 'deploy-$APP',
        }),
      ],
      { variables: yamlVars({ DOMAIN: 'example.com' }) },
    );
    const review = plannedJob(planPipeline(config, context()), 'review');
    expect(review.environment).toEqual({ name: 'review/main', url: 'https://shop.example.com/$MISSING', action: 'start' });
    expect(review.resourceGroup).toBe('deploy-shop');
    expect(variableValue(review, 'CI_ENVIRONMENT_NAME')).toBe('review/main');
  });
});

describe('stages and the empty pipeline', () => {
  it('lists only the stages that have jobs, in stages order, keeping each job stage index', () => {
    const config = pipelineConfig([job('deploy', { stage: 'deploy' }), job('build', { stage: 'build' })]);
    const plan = planPipeline(config, context());
    expect(plan.stages).toEqual(['build', 'deploy']);
    expect(jobNames(plan)).toEqual(['build', 'deploy']);
    expect(plannedJob(plan, 'build').stageIndex).toBe(1);
    expect(plannedJob(plan, 'deploy').stageIndex).toBe(3);
  });

  it('keeps configuration order inside a stage', () => {
    const config = pipelineConfig([job('b'), job('a'), job('c', { stage: 'build' })]);
    expect(jobNames(planPipeline(config, context()))).toEqual(['c', 'b', 'a']);
  });

  it('does not create a pipeline without jobs', () => {
    const plan = planPipeline(pipelineConfig([job('job', { rules: [{ if: '$NOPE' }] })]), context());
    expect(plan.notCreatedReason).toBe('No stages / jobs for this pipeline.');
    expect(plan.jobs).toEqual([]);
    expect(excludedReason(plan, 'job')).toBe('rules: no rule matched');
  });

  it('does not create a pipeline with only .pre and .post jobs', () => {
    const config = pipelineConfig([
      job('setup', { stage: '.pre' }),
      job('cleanup', { stage: '.post' }),
      job('test', { rules: [{ if: '$NOPE' }] }),
    ]);
    const plan = planPipeline(config, context());
    expect(plan.notCreatedReason).toBe('No stages / jobs for this pipeline.');
    expect(plan.jobs).toEqual([]);
    expect(plan.stages).toEqual([]);
  });

  it('creates .pre and .post jobs alongside other jobs', () => {
    const config = pipelineConfig([job('setup', { stage: '.pre' }), job('test'), job('cleanup', { stage: '.post' })]);
    const plan = planPipeline(config, context());
    expect(plan.stages).toEqual(['.pre', 'test', '.post']);
    expect(jobNames(plan)).toEqual(['setup', 'test', 'cleanup']);
  });

  it('rejects a job whose stage does not exist', () => {
    const config = pipelineConfig([job('test', { stage: 'nope' })]);
    expect(() => planPipeline(config, context())).toThrow(ConfigError);
    expect(() => planPipeline(config, context())).toThrow(
      'test job: chosen stage nope does not exist; available stages are .pre, build, test, deploy, .post',
    );
  });
});
