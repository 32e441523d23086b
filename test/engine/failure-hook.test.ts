// `onJobFailure` (glci run --shell-on-failure): called once per failed job, on its last attempt, after
// after_script and the save stages and before cleanup; never on success or cancel; no job timeout runs
// while it is awaited; a throwing hook is a warning and cleanup still happens.
import { describe, expect, it } from 'vitest';
import type { JobFailureContext } from '../../src/engine/index.js';
import { variable } from '../support/planned-job.js';
import { harness, job, plan, resultOf, runWith, waitUntil, type Harness } from './fakes.js';

const artifacts = { paths: ['log/'], exclude: [], untracked: false, when: 'always' as const, reports: {} };

/** A hook that records its calls in the executor's call log, so their order shows against the stages. */
function recordingHook(h: Harness, body: (ctx: JobFailureContext) => Promise<void> = async () => undefined) {
  const calls: JobFailureContext[] = [];
  const onJobFailure = async (ctx: JobFailureContext) => {
    calls.push(ctx);
    h.executor.calls.push(`${ctx.job.name}:hook`);
    await body(ctx);
  };
  return { calls, onJobFailure };
}

describe('onJobFailure', () => {
  it('is called once for a failed job, after after_script and the saves, before cleanup, with its environment', async () => {
    const h = harness({ a: { script: { exitCode: 3, output: ['partial output'] } } });
    const savesBefore: string[] = [];
    let outputBefore = '';
    const hook = recordingHook(h, async () => {
      savesBefore.push(...h.services.calls);
      outputBefore = h.output('a');
    });
    const p = plan(['test'], [job('a', { afterScript: ['echo bye'], artifacts, variables: [variable('MY_VAR', 'mine')] })]);
    const result = await runWith(h, p, { onJobFailure: hook.onJobFailure });
    expect(h.executor.calls).toEqual(['a:prepare', 'a:step_script', 'a:after_script', 'a:hook', 'a:cleanup']);
    expect(savesBefore).toEqual(['a:saveArtifacts:failed']);
    // The job's output so far reached the observer before the hook took over the terminal.
    expect(outputBefore).toContain('partial output');
    expect(hook.calls).toHaveLength(1);
    const ctx = hook.calls[0] as JobFailureContext;
    expect(ctx).toMatchObject({ reason: 'script_failure', executor: 'fake' });
    expect(ctx.env.projectDir).toBe('/builds/project');
    expect(ctx.variables).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'MY_VAR', value: 'mine' }), expect.objectContaining({ key: 'CI_PROJECT_DIR', value: '/builds/project' })]));
    expect(resultOf(result, 'a')).toMatchObject({ status: 'failed', exitCode: 3 });
  });

  it('is not called for a job that passes, nor for a job allowed to fail that passes', async () => {
    const h = harness();
    const hook = recordingHook(h);
    await runWith(h, plan(['test'], [job('a'), job('b', { allowFailure: true })]), { onJobFailure: hook.onJobFailure });
    expect(hook.calls).toEqual([]);
  });

  it('waits for the last attempt of a retried job', async () => {
    const h = harness({ a: { script: { exitCode: 1 } } });
    const hook = recordingHook(h);
    const p = plan(['test'], [job('a', { retry: { max: 2, when: ['always'], exitCodes: [] } })]);
    const result = await runWith(h, p, { onJobFailure: hook.onJobFailure });
    expect(resultOf(result, 'a').attempts).toBe(3);
    expect(hook.calls).toHaveLength(1);
    expect(h.executor.calls.filter((c) => c === 'a:step_script' || c === 'a:hook')).toEqual(['a:step_script', 'a:step_script', 'a:step_script', 'a:hook']);
  });

  it('is not called when a retry succeeds', async () => {
    const h = harness({ a: { script: [{ exitCode: 1 }, { exitCode: 0 }] } });
    const hook = recordingHook(h);
    const p = plan(['test'], [job('a', { retry: { max: 1, when: ['always'], exitCodes: [] } })]);
    const result = await runWith(h, p, { onJobFailure: hook.onJobFailure });
    expect(resultOf(result, 'a')).toMatchObject({ status: 'success', attempts: 2 });
    expect(hook.calls).toEqual([]);
  });

  it('is not called for a canceled job', async () => {
    const controller = new AbortController();
    const h = harness({ a: { script: { delayMs: 10_000 } } });
    const hook = recordingHook(h);
    const running = runWith(h, plan(['test'], [job('a')]), { signal: controller.signal, onJobFailure: hook.onJobFailure });
    await waitUntil(() => h.executor.calls.includes('a:step_script'));
    controller.abort();
    expect(resultOf(await running, 'a').status).toBe('canceled');
    expect(hook.calls).toEqual([]);
    expect(h.executor.cleanups).toEqual([1]);
  });

  it('is called for a timed-out job, and the job timeout does not run while it is awaited', async () => {
    const h = harness({ a: { script: { delayMs: 5_000 } } });
    const hook = recordingHook(h, () => new Promise((resolve) => setTimeout(resolve, 300)));
    const result = await runWith(h, plan(['test'], [job('a', { timeoutSeconds: 0.05 })]), { onJobFailure: hook.onJobFailure });
    expect(hook.calls.map((c) => c.reason)).toEqual(['job_execution_timeout']);
    expect(resultOf(result, 'a')).toMatchObject({ status: 'failed', failureReason: 'job_execution_timeout' });
    expect(h.executor.calls.slice(-2)).toEqual(['a:hook', 'a:cleanup']);
  });

  it('logs a throwing hook as a warning and still cleans up', async () => {
    const h = harness({ a: { script: { exitCode: 2 } } });
    const hook = recordingHook(h, async () => {
      throw new Error('no terminal left');
    });
    const result = await runWith(h, plan(['test'], [job('a')]), { onJobFailure: hook.onJobFailure });
    expect(resultOf(result, 'a')).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(h.output('a')).toContain('WARNING: Could not use the environment of the failed job: no terminal left');
    expect(h.executor.cleanups).toEqual([1]);
  });

  it('is not called when prepare failed (there is no environment)', async () => {
    const h = harness({ a: { prepareError: new Error('engine gone') } });
    const hook = recordingHook(h);
    await runWith(h, plan(['test'], [job('a')]), { onJobFailure: hook.onJobFailure });
    expect(hook.calls).toEqual([]);
  });
});
