// Cancellation (DESIGN.md habit 5, runner-behavior.md §1.1): the first abort stops scripts gracefully
// (after_script and cleanup still run), a forced abort kills after_script too; timers are cleared.
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/engine/index.js';
import { ManualClock, harness, job, plan, resultOf, runWith, statuses, waitUntil } from './fakes.js';

describe('cancel', () => {
  it('graceful: stops the script, runs after_script, cleans up once, cancels waiting jobs and clears timers', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const h = harness({ long: { script: { delayMs: 10_000 } }, short: { script: { delayMs: 10_000 } } });
    const p = plan(['build', 'test', 'deploy'], [
      job('long', { stage: 'build', afterScript: ['echo cleanup'] }),
      job('short', { stage: 'build' }),
      job('delayed', { stage: 'build', when: 'delayed', startInSeconds: 600 }),
      job('next', { stage: 'test' }),
    ]);
    const running = runWith(h, p, { signal: controller.signal, clock });
    await waitUntil(() => h.executor.calls.includes('long:step_script') && h.executor.calls.includes('short:step_script'));
    expect(clock.pending()).toHaveLength(1);
    const started = performance.now();
    controller.abort();
    const result = await running;
    expect(performance.now() - started).toBeLessThan(2000);
    expect(statuses(result)).toEqual({ long: 'canceled', short: 'canceled', delayed: 'canceled', next: 'canceled' });
    expect(h.executor.ran('long', 'after_script')).toBe(true);
    expect(h.services.request('long', 'after_script').jobStatus).toBe('canceled');
    expect(h.executor.cleanups).toEqual([1, 1]);
    expect(clock.pending()).toHaveLength(0);
    expect(h.executor.ran('next')).toBe(false);
    expect(h.output('long')).toContain('ERROR: Job failed: canceled');
    expect(result.status).toBe('canceled');
    expect(exitCodeFor(result)).toBe(130);
  });

  it('forced: a second signal kills after_script too, and cleanup still runs', async () => {
    const controller = new AbortController();
    const force = new AbortController();
    const h = harness({ a: { script: { delayMs: 10_000 }, afterScript: { delayMs: 10_000 } } });
    const p = plan(['test'], [job('a', { afterScript: ['sleep 100'] })]);
    const running = runWith(h, p, { signal: controller.signal, forceSignal: force.signal });
    await waitUntil(() => h.executor.calls.includes('a:step_script'));
    controller.abort();
    await waitUntil(() => h.executor.calls.includes('a:after_script'));
    const started = performance.now();
    force.abort();
    const result = await running;
    expect(performance.now() - started).toBeLessThan(2000);
    expect(resultOf(result, 'a').status).toBe('canceled');
    expect(h.executor.steps.find((s) => s.step === 'after_script')?.outcome.canceled).toBe(true);
    expect(h.executor.cleanups).toEqual([1]);
  });

  it('an already aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const h = harness();
    const result = await runWith(h, plan(['test'], [job('a')]), { signal: controller.signal });
    expect(statuses(result)).toEqual({ a: 'canceled' });
    expect(h.executor.prepared).toHaveLength(0);
    expect(result.status).toBe('canceled');
  });

  it('does not retry a job that was canceled', async () => {
    const controller = new AbortController();
    const h = harness({ a: { script: { delayMs: 10_000 } } });
    const p = plan(['test'], [job('a', { retry: { max: 2, when: ['always'], exitCodes: [] } })]);
    const running = runWith(h, p, { signal: controller.signal });
    await waitUntil(() => h.executor.calls.includes('a:step_script'));
    controller.abort();
    const result = await running;
    expect(resultOf(result, 'a')).toMatchObject({ status: 'canceled', attempts: 1 });
  });
});
