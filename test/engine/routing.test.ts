// Runner routing in the engine: each job on the executor its route names, a runner's `limit` besides the
// global concurrency (GitLab: `concurrent` global, `limit` per `[[runners]]`), stuck jobs and their
// dependents, and GitLab Runner's `Running with …` / `  on <runner>` log header.
import { describe, expect, it } from 'vitest';
import { exitCodeFor, type JobRoute } from '../../src/engine/index.js';
import type { Executor } from '../../src/executors/executor.js';
import type { PlannedJob } from '../../src/model/plan.js';
import { FakeExecutor, harness, job, needs, plan, resultOf, runWith, statuses } from './fakes.js';

/** A fake under another name, sharing the fake's records. */
function named(name: string, fake: FakeExecutor): Executor {
  return { name, prepare: (j, options, io) => fake.prepare(j, options, io) };
}

type Routes = Record<string, JobRoute>;

function routeBy(routes: Routes, calls: string[] = []): (job: PlannedJob) => JobRoute {
  return (j) => {
    calls.push(j.name);
    const route = routes[j.name];
    if (!route) throw new Error(`no route for ${j.name}`);
    return route;
  };
}

const STUCK = "This job is stuck because you don't have any active runners online or available with any of these tags assigned to them: gpu";

describe('runPipeline with routes', () => {
  it('runs each job on the executor of its route, naming it in the prepare section and CI_*_ENVIRONMENT', async () => {
    const h = harness();
    const docker = named('docker', h.executor);
    const shell = named('shell', h.executor);
    const p = plan(['test'], [job('in-container'), job('on-host')]);
    const route = routeBy({
      'in-container': { kind: 'run', executor: docker, runner: 'a', limit: 0 },
      'on-host': { kind: 'run', executor: shell, runner: 'b', limit: 0 },
    });
    const result = await runWith(h, p, { route, executorNames: ['docker', 'shell'] });
    expect(result.status).toBe('success');
    expect(h.output('in-container')).toContain('Preparing the "docker" executor');
    expect(h.output('on-host')).toContain('Preparing the "shell" executor');
    const keys = (name: string) => h.services.request(name, 'step_script').variables.map((v) => v.key);
    expect(keys('in-container')).toContain('CI_DISPOSABLE_ENVIRONMENT');
    expect(keys('on-host')).toContain('CI_SHARED_ENVIRONMENT');
    const start = h.events.find((e) => e.type === 'pipeline_start');
    expect(start).toMatchObject({ executor: 'docker, shell' });
  });

  it('never runs more jobs of a runner than its limit, and lets jobs of other runners pass', async () => {
    const slow = { script: { delayMs: 60 } };
    const h = harness({ a1: slow, a2: slow, a3: slow, b1: slow });
    const limited: JobRoute = { kind: 'run', executor: h.executor, runner: 'a', limit: 1 };
    const free: JobRoute = { kind: 'run', executor: h.executor, runner: 'b', limit: 0 };
    const p = plan(['test'], [job('a1'), job('a2'), job('a3'), job('b1')]);
    const result = await runWith(h, p, { route: routeBy({ a1: limited, a2: limited, a3: limited, b1: free }), concurrency: 4 });
    expect(result.status).toBe('success');
    const ex = h.executor;
    expect(ex.startOf('a2')).toBeGreaterThanOrEqual(ex.endOf('a1'));
    expect(ex.startOf('a3')).toBeGreaterThanOrEqual(ex.endOf('a2'));
    expect(ex.startOf('b1')).toBeLessThan(ex.endOf('a1'));
    expect(ex.maxActive).toBe(2);
  });

  it('keeps the global concurrency across runners', async () => {
    const slow = { script: { delayMs: 30 } };
    const h = harness({ a: slow, b: slow, c: slow, d: slow });
    const routes: Routes = Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [n, { kind: 'run', executor: h.executor, runner: n, limit: 2 }]));
    const result = await runWith(h, plan(['test'], ['a', 'b', 'c', 'd'].map((n) => job(n))), { route: routeBy(routes), concurrency: 2 });
    expect(result.status).toBe('success');
    expect(h.executor.maxActive).toBe(2);
  });

  it('a limit of 2 runs two jobs of the runner at once, not three', async () => {
    const slow = { script: { delayMs: 40 } };
    const h = harness({ j1: slow, j2: slow, j3: slow });
    const route: JobRoute = { kind: 'run', executor: h.executor, runner: 'r', limit: 2 };
    await runWith(h, plan(['test'], [job('j1'), job('j2'), job('j3')]), { route: () => route, concurrency: 8 });
    expect(h.executor.maxActive).toBe(2);
  });

  it('asks the route once per job, also when the job is retried', async () => {
    const h = harness({ flaky: { script: [{ exitCode: 1 }, { exitCode: 0 }] } });
    const calls: string[] = [];
    const route = routeBy({ flaky: { kind: 'run', executor: h.executor, runner: 'r', limit: 1 } }, calls);
    const result = await runWith(h, plan(['test'], [job('flaky', { retry: { max: 1, when: ['always'], exitCodes: [] } })]), { route });
    expect(resultOf(result, 'flaky')).toMatchObject({ status: 'success', attempts: 2 });
    expect(calls).toEqual(['flaky']);
  });
});

describe('stuck jobs', () => {
  it('fail with stuck_or_timeout_failure and the reason, never start, and fail the pipeline', async () => {
    const h = harness();
    const p = plan(['test'], [job('gpu-job', { tags: ['gpu'] })]);
    const result = await runWith(h, p, { route: () => ({ kind: 'stuck', reason: STUCK }) });
    expect(resultOf(result, 'gpu-job')).toMatchObject({
      status: 'failed',
      failureReason: 'stuck_or_timeout_failure',
      skipReason: STUCK,
      exitCode: null,
      attempts: 0,
      allowedToFail: false,
    });
    expect(h.executor.prepared).toEqual([]);
    expect(h.events.some((e) => e.type === 'job_start')).toBe(false);
    expect(result.status).toBe('failed');
    expect(exitCodeFor(result)).toBe(1);
  });

  it('leave dependents as a failed job does: on_success skipped, on_failure and always run, needs skipped', async () => {
    const h = harness();
    const ok: JobRoute = { kind: 'run', executor: h.executor, runner: 'r', limit: 0 };
    const p = plan(['build', 'test', 'cleanup'], [
      job('build', { stage: 'build' }),
      job('stuck', { stage: 'build' }),
      job('test', { stage: 'test' }),
      job('after-stuck', { stage: 'test', needs: needs('stuck') }),
      job('after-build', { stage: 'test', needs: needs('build') }),
      job('rollback', { stage: 'cleanup', when: 'on_failure' }),
      job('report', { stage: 'cleanup', when: 'always' }),
    ]);
    const route = (j: PlannedJob): JobRoute => (j.name === 'stuck' ? { kind: 'stuck', reason: STUCK } : ok);
    const result = await runWith(h, p, { route });
    expect(statuses(result)).toEqual({
      build: 'success',
      stuck: 'failed',
      test: 'skipped',
      'after-stuck': 'skipped',
      'after-build': 'success',
      rollback: 'success',
      report: 'success',
    });
  });

  it('allowed to fail: the pipeline passes and later stages run', async () => {
    const h = harness();
    const ok: JobRoute = { kind: 'run', executor: h.executor, runner: 'r', limit: 0 };
    const p = plan(['build', 'test'], [job('optional', { stage: 'build', allowFailure: true }), job('next', { stage: 'test' })]);
    const route = (j: PlannedJob): JobRoute => (j.name === 'optional' ? { kind: 'stuck', reason: STUCK } : ok);
    const result = await runWith(h, p, { route });
    expect(resultOf(result, 'optional')).toMatchObject({ status: 'failed', allowedToFail: true });
    expect(statuses(result)).toMatchObject({ next: 'success' });
    expect(exitCodeFor(result)).toBe(0);
  });

  it('end at once, while every slot is taken by a running job', async () => {
    const h = harness({ slow: { script: { delayMs: 150 } } });
    const ok: JobRoute = { kind: 'run', executor: h.executor, runner: 'r', limit: 0 };
    const p = plan(['test'], [job('slow'), job('stuck')]);
    const route = (j: PlannedJob): JobRoute => (j.name === 'stuck' ? { kind: 'stuck', reason: STUCK } : ok);
    await runWith(h, p, { route, concurrency: 1 });
    const ends = h.events.filter((e) => e.type === 'job_end').map((e) => (e.type === 'job_end' ? e.result.name : ''));
    expect(ends).toEqual(['stuck', 'slow']);
  });
});

describe('job log header', () => {
  it('opens every attempt with `Running with glci <version>` and `  on <runner>` when a version is given', async () => {
    const h = harness({ flaky: { script: [{ exitCode: 1 }, { exitCode: 0 }] } });
    const route: JobRoute = { kind: 'run', executor: h.executor, runner: 'shell-b', limit: 0 };
    const p = plan(['test'], [job('flaky', { retry: { max: 1, when: ['always'], exitCodes: [] } })]);
    await runWith(h, p, { route: () => route, version: '1.2.3' });
    const log = h.output('flaky');
    expect(log.startsWith('\x1b[0KRunning with glci 1.2.3')).toBe(true);
    expect(log.indexOf('  on shell-b')).toBeLessThan(log.indexOf('Preparing the "fake" executor'));
    expect(log.split('Running with glci 1.2.3')).toHaveLength(3);
  });

  it('is absent without a version, and has no `on` line without a named runner', async () => {
    const plain = harness();
    await runWith(plain, plan(['test'], [job('a')]));
    expect(plain.output('a')).not.toContain('Running with');
    const versioned = harness();
    await runWith(versioned, plan(['test'], [job('a')]), { version: '0.1.0' });
    expect(versioned.output('a')).toContain('Running with glci 0.1.0');
    expect(versioned.output('a')).not.toContain('  on ');
  });
});
