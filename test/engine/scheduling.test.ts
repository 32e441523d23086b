// Scheduling rules of gitlab-ci-yaml.md §8.2: needs, stage order, concurrency, when, resource_group.
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/engine/index.js';
import { harness, job, needs, plan, resultOf, runWith, statuses } from './fakes.js';

describe('runPipeline scheduling', () => {
  it('starts a job the moment its last need ends, while an unrelated slow job still runs', async () => {
    const h = harness({ slow: { script: { delayMs: 400 } }, quick: { script: { delayMs: 30 } } });
    const p = plan(['build', 'test'], [
      job('slow', { stage: 'build' }),
      job('quick', { stage: 'build' }),
      job('dependent', { stage: 'test', needs: needs('quick') }),
    ]);
    const result = await runWith(h, p);
    expect(result.status).toBe('success');
    const gap = h.executor.startOf('dependent') - h.executor.endOf('quick');
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBeLessThan(40);
    expect(h.executor.startOf('dependent')).toBeLessThan(h.executor.endOf('slow'));
  });

  it('starts `needs: []` jobs of a later stage immediately', async () => {
    const h = harness({ build: { script: { delayMs: 200 } } });
    const p = plan(['build', 'test'], [job('build', { stage: 'build' }), job('lint', { stage: 'test', needs: [] })]);
    await runWith(h, p);
    expect(h.executor.startOf('lint')).toBeLessThan(h.executor.endOf('build'));
  });

  it('runs a job without needs only after every job of the earlier stages', async () => {
    const h = harness({ a: { script: { delayMs: 60 } }, b: { script: { delayMs: 120 } } });
    const p = plan(['build', 'test', 'deploy'], [
      job('a', { stage: 'build' }),
      job('b', { stage: 'test' }),
      job('c', { stage: 'deploy' }),
    ]);
    await runWith(h, p);
    expect(h.executor.startOf('b')).toBeGreaterThanOrEqual(h.executor.endOf('a'));
    expect(h.executor.startOf('c')).toBeGreaterThanOrEqual(h.executor.endOf('b'));
  });

  it('never runs more jobs at once than the concurrency limit, and uses all slots', async () => {
    const specs = Object.fromEntries(['j1', 'j2', 'j3', 'j4', 'j5'].map((n) => [n, { script: { delayMs: 40 } }]));
    const h = harness(specs);
    const p = plan(['test'], Object.keys(specs).map((n) => job(n)));
    const result = await runWith(h, p, { concurrency: 2 });
    expect(result.status).toBe('success');
    expect(h.executor.maxActive).toBe(2);
  });

  it('skips on_success jobs after a failure and runs on_failure and always jobs', async () => {
    const h = harness({ build: { script: { exitCode: 1 } } });
    const p = plan(['build', 'test', 'cleanup'], [
      job('build', { stage: 'build' }),
      job('test', { stage: 'test' }),
      job('rollback', { stage: 'cleanup', when: 'on_failure' }),
      job('report', { stage: 'cleanup', when: 'always' }),
    ]);
    const result = await runWith(h, p);
    expect(statuses(result)).toEqual({ build: 'failed', test: 'skipped', rollback: 'success', report: 'success' });
    expect(resultOf(result, 'test').skipReason).toBe('a job in an earlier stage failed');
    expect(resultOf(result, 'build').failureReason).toBe('script_failure');
    expect(result.status).toBe('failed');
    expect(exitCodeFor(result)).toBe(1);
  });

  it('skips on_failure jobs when everything passed, and when the only failure was allowed', async () => {
    const h = harness({ lint: { script: { exitCode: 1 } } });
    const p = plan(['build', 'cleanup'], [
      job('lint', { stage: 'build', allowFailure: true }),
      job('rollback', { stage: 'cleanup', when: 'on_failure' }),
      job('report', { stage: 'cleanup', when: 'always' }),
      job('next', { stage: 'cleanup' }),
    ]);
    const result = await runWith(h, p);
    expect(statuses(result)).toEqual({ lint: 'failed', rollback: 'skipped', report: 'success', next: 'success' });
    expect(resultOf(result, 'lint').allowedToFail).toBe(true);
    expect(result.status).toBe('success');
    expect(exitCodeFor(result)).toBe(0);
  });

  it('allow_failure exit_codes: a listed code is allowed, any other code fails the pipeline', async () => {
    const allowed = harness({ job: { script: { exitCode: 1 } } });
    const p = plan(['test'], [job('job', { allowFailure: { exitCodes: [1] } })]);
    const ok = await runWith(allowed, p);
    expect(resultOf(ok, 'job')).toMatchObject({ status: 'failed', allowedToFail: true, exitCode: 1 });
    expect(ok.status).toBe('success');
    expect(exitCodeFor(ok)).toBe(0);

    const other = harness({ job: { script: { exitCode: 2 } } });
    const bad = await runWith(other, p);
    expect(resultOf(bad, 'job')).toMatchObject({ status: 'failed', allowedToFail: false, exitCode: 2 });
    expect(bad.status).toBe('failed');
    expect(exitCodeFor(bad)).toBe(1);
  });

  it('DAG: a job needing a skipped job is skipped', async () => {
    const h = harness({ build: { script: { exitCode: 1 } } });
    const p = plan(['build', 'test', 'deploy'], [
      job('build', { stage: 'build' }),
      job('test', { stage: 'test' }),
      job('deploy', { stage: 'deploy', needs: needs('test') }),
    ]);
    const result = await runWith(h, p);
    expect(statuses(result)).toEqual({ build: 'failed', test: 'skipped', deploy: 'skipped' });
    expect(resultOf(result, 'deploy').skipReason).toMatch(/needed job was skipped/);
  });

  it('serialises jobs of one resource_group in FIFO order while other jobs run alongside', async () => {
    const spec = { script: { delayMs: 50 } };
    const h = harness({ d1: spec, d2: spec, d3: spec, other: { script: { delayMs: 50 } } });
    const p = plan(['deploy'], [
      job('d1', { resourceGroup: 'prod' }),
      job('d2', { resourceGroup: 'prod' }),
      job('other'),
      job('d3', { resourceGroup: 'prod' }),
    ]);
    const result = await runWith(h, p, { concurrency: 4 });
    expect(result.status).toBe('success');
    const ex = h.executor;
    expect(ex.startOf('d2')).toBeGreaterThanOrEqual(ex.endOf('d1'));
    expect(ex.startOf('d3')).toBeGreaterThanOrEqual(ex.endOf('d2'));
    expect(ex.startOf('other')).toBeLessThan(ex.endOf('d1'));
  });

  it('runs the §8.2 worked example to GitLab’s documented statuses', async () => {
    const h = harness({ lint: { script: { exitCode: 1 } }, unit: { script: { exitCode: 1 } } });
    const p = plan(['build', 'test', 'deploy', 'cleanup'], [
      job('build', { stage: 'build' }),
      job('lint', { stage: 'build', allowFailure: true }),
      job('unit', { stage: 'test' }),
      job('smoke', { stage: 'test', needs: needs('build') }),
      job('deploy', { stage: 'deploy', when: 'manual', allowFailure: true }),
      job('rollback', { stage: 'cleanup', when: 'on_failure' }),
      job('report', { stage: 'cleanup', when: 'always' }),
    ]);
    const result = await runWith(h, p);
    expect(statuses(result)).toEqual({
      build: 'success',
      lint: 'failed',
      unit: 'failed',
      smoke: 'success',
      deploy: 'skipped',
      rollback: 'success',
      report: 'success',
    });
    expect(resultOf(result, 'lint').allowedToFail).toBe(true);
    expect(resultOf(result, 'unit').allowedToFail).toBe(false);
    expect(result.status).toBe('failed');
  });

  it('records interruptible and emits events in lifecycle order', async () => {
    const h = harness();
    const p = plan(['test'], [job('a', { interruptible: true })]);
    const result = await runWith(h, p);
    expect(resultOf(result, 'a').interruptible).toBe(true);
    const types = h.events.map((e) => e.type).filter((t) => t !== 'job_output');
    expect(types).toEqual(['pipeline_start', 'job_queued', 'job_start', 'job_end', 'pipeline_end']);
  });
});
