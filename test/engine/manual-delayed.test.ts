// when: manual (optional and blocking) and when: delayed (gitlab-ci-yaml.md §5.7, §8.2).
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/engine/index.js';
import { ManualClock, harness, waitUntil, job, needs, plan, resultOf, runWith, statuses } from './fakes.js';

describe('manual jobs', () => {
  it('does not run an optional manual job that was not played; the pipeline still passes', async () => {
    const h = harness();
    const p = plan(['build', 'deploy', 'after'], [
      job('build', { stage: 'build' }),
      job('deploy', { stage: 'deploy', when: 'manual', allowFailure: true }),
      job('notify', { stage: 'after' }),
      job('verify', { stage: 'after', needs: needs('deploy') }),
    ]);
    const result = await runWith(h, p);
    expect(statuses(result)).toEqual({ build: 'success', deploy: 'manual', notify: 'success', verify: 'skipped' });
    expect(h.executor.ran('deploy')).toBe(false);
    expect(result.status).toBe('success');
    expect(exitCodeFor(result)).toBe(0);
  });

  it('runs a played manual job like any other', async () => {
    const h = harness();
    const p = plan(['build', 'deploy'], [
      job('build', { stage: 'build' }),
      job('deploy', { stage: 'deploy', when: 'manual', allowFailure: true }),
    ]);
    const result = await runWith(h, p, { playJobs: ['deploy'] });
    expect(resultOf(result, 'deploy').status).toBe('success');
    expect(h.executor.startOf('deploy')).toBeGreaterThanOrEqual(h.executor.endOf('build'));
  });

  it('a blocking manual job holds later stages and dependents; the pipeline is manual', async () => {
    const h = harness();
    const p = plan(['build', 'deploy', 'after'], [
      job('build', { stage: 'build' }),
      job('approve', { stage: 'deploy', when: 'manual', allowFailure: false }),
      job('side', { stage: 'deploy' }),
      job('ship', { stage: 'after' }),
    ]);
    const result = await runWith(h, p);
    expect(statuses(result)).toEqual({ build: 'success', approve: 'manual', side: 'success', ship: 'created' });
    expect(resultOf(result, 'ship').skipReason).toBe('blocked by manual job approve');
    expect(h.executor.ran('ship')).toBe(false);
    expect(result.status).toBe('manual');
    expect(exitCodeFor(result)).toBe(0);
  });

  it('a manual job after a failure is skipped, not offered', async () => {
    const h = harness({ build: { script: { exitCode: 1 } } });
    const p = plan(['build', 'deploy'], [job('build', { stage: 'build' }), job('deploy', { stage: 'deploy', when: 'manual', allowFailure: true })]);
    const result = await runWith(h, p, { playJobs: ['deploy'] });
    expect(statuses(result)).toEqual({ build: 'failed', deploy: 'skipped' });
  });
});

describe('delayed jobs', () => {
  it('starts a delayed job only when its start_in timer fires, counted from when it became runnable', async () => {
    const clock = new ManualClock();
    const h = harness();
    const p = plan(['build', 'deploy'], [
      job('build', { stage: 'build' }),
      job('later', { stage: 'deploy', when: 'delayed', startInSeconds: 30 }),
    ]);
    const running = runWith(h, p, { clock });
    await waitUntil(() => clock.pending().length === 1);
    expect(h.executor.ran('build')).toBe(true);
    expect(clock.pending()[0]?.ms).toBe(30_000);
    const scheduled = h.events.find((e) => e.type === 'job_queued' && e.job.name === 'later');
    expect(scheduled).toBeUndefined();
    clock.fireAll();
    const result = await running;
    expect(resultOf(result, 'later').status).toBe('success');
  });

  it('announces the start_in timer with a job_scheduled event naming when it fires (the live view counts down)', async () => {
    const clock = new ManualClock();
    const h = harness();
    const p = plan(['build', 'deploy'], [job('build', { stage: 'build' }), job('later', { stage: 'deploy', when: 'delayed', startInSeconds: 30 })]);
    const running = runWith(h, p, { clock });
    await waitUntil(() => clock.pending().length === 1);
    const scheduled = h.events.filter((e) => e.type === 'job_scheduled');
    expect(scheduled).toHaveLength(1);
    const event = scheduled[0];
    if (event?.type !== 'job_scheduled') throw new Error('no job_scheduled event');
    expect(event.job).toBe('later');
    expect(event.startsAt - event.time).toBe(30_000);
    const buildEnd = h.events.findIndex((e) => e.type === 'job_end' && e.result.name === 'build');
    expect(h.events.indexOf(event)).toBeGreaterThan(buildEnd);
    clock.fireAll();
    await running;
  });

  it('a played delayed job starts without waiting', async () => {
    const clock = new ManualClock();
    const h = harness();
    const p = plan(['deploy'], [job('later', { stage: 'deploy', when: 'delayed', startInSeconds: 60 })]);
    const result = await runWith(h, p, { clock, playJobs: ['later'] });
    expect(resultOf(result, 'later').status).toBe('success');
    expect(clock.timers).toHaveLength(0);
  });
});
