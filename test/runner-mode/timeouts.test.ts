// A job that runs past GitLab's timeout for it (runner_info.timeout) is stopped and reported as
// job_execution_timeout, with GitLab Runner's (sic) wording: `execution took longer than 2s seconds`.
import { describe, expect, it } from 'vitest';
import { steps, useShellRunner, variable } from './harness.js';
import { until } from './runner-process.js';

const shell = useShellRunner();

describe('runner mode, job timeout', () => {
  it('stops the job at runner_info.timeout and reports job_execution_timeout', async () => {
    const coordinator = shell.coordinator();
    const began = Date.now();
    // The steps keep GitLab's default timeout: the job's own (runner_info.timeout) is the one that ends it.
    const id = coordinator.enqueue({
      runner_info: { timeout: 2 },
      variables: [variable('GIT_STRATEGY', 'none')],
      steps: steps(['echo started', 'sleep 30', 'echo never'], ['echo "after: $CI_JOB_STATUS"']),
    });
    const record = await coordinator.waitForJobFinished(id, 30_000);
    const elapsed = Date.now() - began;
    const text = record.trace.toString();
    expect(elapsed, text).toBeLessThan(12_000);
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    const finals = record.updates.filter((u) => u.state !== 'running');
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({ state: 'failed', failure_reason: 'job_execution_timeout', status: 200 });
    expect(finals[0]?.exit_code).toBeUndefined();
    expect(text).toContain('started');
    expect(text).not.toMatch(/^never/m);
    expect(text).toMatch(/ERROR: Job failed: execution took longer than 2s seconds/);
    // after_script still runs after a timeout, and sees GitLab Runner's `timedout` status.
    expect(text).toContain('after: timedout');
    // The process log's line comes just after the final update was taken.
    await until(() => /Job failed.*failure_reason=job_execution_timeout/.test(shell.runner().log()), 'the process log\'s Job failed line', 5_000);
    expect(shell.runner().log()).toMatch(/Job failed.*failure_reason=job_execution_timeout/);
  });
});
