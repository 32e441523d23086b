// needs resolution (spec §5.9, §8.1 step 5), artifact sources (§9.2) and the §8.2 worked example.
import { describe, expect, it } from 'vitest';
import type { NeedDefinition } from '../../src/model/config.js';
import { ConfigError } from '../../src/errors.js';
import { planPipeline } from '../../src/planner/index.js';
import { context, job, jobNames, pipelineConfig, plannedJob } from './plan-builders.js';

const need = (name: string, extra: Partial<NeedDefinition> = {}): NeedDefinition => ({
  job: name,
  artifacts: true,
  optional: false,
  ...extra,
});

describe('needs', () => {
  it('is null without needs (stage order) and [] for needs: []', () => {
    const config = pipelineConfig([job('build', { stage: 'build' }), job('staged'), job('free', { needs: [] })]);
    const plan = planPipeline(config, context());
    expect(plannedJob(plan, 'staged').needs).toBeNull();
    expect(plannedJob(plan, 'free').needs).toEqual([]);
  });

  it('keeps the artifacts flag of each need', () => {
    const config = pipelineConfig([
      job('build', { stage: 'build' }),
      job('lint', { stage: 'build' }),
      job('test', { needs: [need('build'), need('lint', { artifacts: false })] }),
    ]);
    expect(plannedJob(planPipeline(config, context()), 'test').needs).toEqual([
      { job: 'build', artifacts: true },
      { job: 'lint', artifacts: false },
    ]);
  });

  it('expands a need on a parallel job to all its instances', () => {
    const config = pipelineConfig([
      job('build', { stage: 'build', parallel: { kind: 'count', total: 2 } }),
      job('test', { needs: [need('build')] }),
    ]);
    expect(plannedJob(planPipeline(config, context()), 'test').needs).toEqual([
      { job: 'build 1/2', artifacts: true },
      { job: 'build 2/2', artifacts: true },
    ]);
  });

  it('selects the matrix instances named by needs:parallel:matrix', () => {
    const config = pipelineConfig([
      job('build', {
        stage: 'build',
        parallel: { kind: 'matrix', matrix: [{ PROVIDER: ['aws'], STACK: ['monitoring', 'app1', 'app2'] }] },
      }),
      job('test', { needs: [need('build', { matrix: [{ PROVIDER: ['aws'], STACK: ['app1', 'app2'] }] })] }),
      job('all', { needs: [need('build')] }),
    ]);
    const plan = planPipeline(config, context());
    expect(plannedJob(plan, 'test').needs?.map((n) => n.job)).toEqual(['build: [aws, app1]', 'build: [aws, app2]']);
    expect(plannedJob(plan, 'all').needs).toHaveLength(3);
  });

  it('resolves $[[ matrix.NAME ]] in needs:parallel:matrix to the instance own values', () => {
    const matrix = { kind: 'matrix' as const, matrix: [{ PROVIDER: ['aws', 'gcp'], STACK: ['monitoring', 'app1'] }] };
    const config = pipelineConfig([
      job('build', { stage: 'build', parallel: matrix }),
      job('test', {
        parallel: matrix,
        needs: [need('build', { matrix: [{ PROVIDER: ['$[[ matrix.PROVIDER ]]'], STACK: ['$[[matrix.STACK]]'] }] })],
      }),
    ]);
    const plan = planPipeline(config, context());
    expect(plannedJob(plan, 'test: [gcp, app1]').needs).toEqual([{ job: 'build: [gcp, app1]', artifacts: true }]);
    expect(plannedJob(plan, 'test: [aws, monitoring]').needs).toEqual([{ job: 'build: [aws, monitoring]', artifacts: true }]);
  });

  it('rejects a matrix expression naming a variable the job matrix does not have', () => {
    const config = pipelineConfig([
      job('build', { stage: 'build', parallel: { kind: 'matrix', matrix: [{ OS: ['linux'] }] } }),
      job('test', {
        parallel: { kind: 'matrix', matrix: [{ ARCH: ['amd64'] }] },
        needs: [need('build', { matrix: [{ OS: ['$[[ matrix.OS ]]'] }] })],
      }),
    ]);
    expect(() => planPipeline(config, context())).toThrow("test job: 'OS' does not exist in matrix configuration");
  });

  it('drops an optional need on a job that is not in the pipeline', () => {
    const config = pipelineConfig([
      job('maybe', { stage: 'build', rules: [{ if: '$CI_COMMIT_TAG' }] }),
      job('test', { needs: [need('maybe', { optional: true })] }),
    ]);
    const test = plannedJob(planPipeline(config, context()), 'test');
    // All needs dropped: the job starts immediately, like needs: [].
    expect(test.needs).toEqual([]);
  });

  it('fails pipeline creation when a non-optional need was excluded', () => {
    const config = pipelineConfig([
      job('build', { stage: 'build', rules: [{ if: '$CI_COMMIT_TAG' }] }),
      job('test', { needs: [need('build')] }),
    ]);
    expect(() => planPipeline(config, context())).toThrow(ConfigError);
    expect(() => planPipeline(config, context())).toThrow(
      "'test' job needs 'build' job, but 'build' does not exist in the pipeline. This might be because of the only, " +
        'except, or rules keywords. To need a job that sometimes does not exist in the pipeline, use needs:optional.',
    );
  });

  it('does not check the needs of excluded jobs', () => {
    const config = pipelineConfig([
      job('build', { stage: 'build', rules: [{ if: '$CI_COMMIT_TAG' }] }),
      job('test', { needs: [need('build')], rules: [{ if: '$CI_COMMIT_TAG' }] }),
      job('other'),
    ]);
    expect(jobNames(planPipeline(config, context()))).toEqual(['other']);
  });

  it('leaves cross-pipeline needs out of the schedulable needs', () => {
    const config = pipelineConfig([
      job('build', { stage: 'build' }),
      job('test', { needs: [need('build'), need('create-artifact', { pipeline: '$PARENT_PIPELINE_ID' })] }),
    ]);
    expect(plannedJob(planPipeline(config, context()), 'test').needs).toEqual([{ job: 'build', artifacts: true }]);
  });
});

describe('artifact sources (§9.2)', () => {
  const stages = ['.pre', 'build', 'test', 'deploy', '.post'];
  const base = [
    job('compile', { stage: 'build', parallel: { kind: 'count', total: 2 } }),
    job('docs', { stage: 'build' }),
    job('unit', { stage: 'test' }),
  ];
  const sources = (consumer: Parameters<typeof job>[1]) =>
    plannedJob(planPipeline(pipelineConfig([...base, job('deploy', { stage: 'deploy', ...consumer })], { stages }), context()), 'deploy')
      .artifactSources;

  it('takes every job of the earlier stages without needs or dependencies', () => {
    expect(sources({})).toEqual(['compile 1/2', 'compile 2/2', 'docs', 'unit']);
    const plan = planPipeline(pipelineConfig(base, { stages }), context());
    expect(plannedJob(plan, 'compile 1/2').artifactSources).toEqual([]);
    expect(plannedJob(plan, 'unit').artifactSources).toEqual(['compile 1/2', 'compile 2/2', 'docs']);
  });

  it('takes the dependencies (all instances of parallel ones), or nothing for dependencies: []', () => {
    expect(sources({ dependencies: ['compile'] })).toEqual(['compile 1/2', 'compile 2/2']);
    expect(sources({ dependencies: ['docs', 'unit'] })).toEqual(['docs', 'unit']);
    expect(sources({ dependencies: [] })).toEqual([]);
  });

  it('takes the needs with artifacts: true, or nothing for needs: []', () => {
    expect(sources({ needs: [need('docs'), need('unit', { artifacts: false })] })).toEqual(['docs']);
    expect(sources({ needs: [need('compile')] })).toEqual(['compile 1/2', 'compile 2/2']);
    expect(sources({ needs: [] })).toEqual([]);
  });

  it('takes the dependencies when both needs and dependencies are given', () => {
    expect(sources({ needs: [need('docs'), need('unit')], dependencies: ['unit'] })).toEqual(['unit']);
  });
});

describe('the §8.2 worked example', () => {
  it('creates all seven jobs with their stages, when and needs', () => {
    const config = pipelineConfig(
      [
        job('build', { stage: 'build', script: ['make'] }),
        job('lint', { stage: 'build', script: ['lint'], allowFailure: true }),
        job('unit', { stage: 'test', script: ['test'] }),
        job('smoke', { stage: 'test', needs: [need('build')], script: ['smoke'] }),
        job('deploy', { stage: 'deploy', script: ['deploy'], when: 'manual' }),
        job('rollback', { stage: 'cleanup', script: ['rollback'], when: 'on_failure' }),
        job('report', { stage: 'cleanup', script: ['report'], when: 'always' }),
      ],
      { stages: ['.pre', 'build', 'test', 'deploy', 'cleanup', '.post'] },
    );
    const plan = planPipeline(config, context());
    expect(plan.stages).toEqual(['build', 'test', 'deploy', 'cleanup']);
    expect(plan.jobs.map((j) => [j.name, j.stage, j.when, j.allowFailure])).toEqual([
      ['build', 'build', 'on_success', false],
      ['lint', 'build', 'on_success', true],
      ['unit', 'test', 'on_success', false],
      ['smoke', 'test', 'on_success', false],
      ['deploy', 'deploy', 'manual', true],
      ['rollback', 'cleanup', 'on_failure', false],
      ['report', 'cleanup', 'always', false],
    ]);
    expect(plannedJob(plan, 'smoke').needs).toEqual([{ job: 'build', artifacts: true }]);
    expect(plannedJob(plan, 'unit').needs).toBeNull();
  });
});
