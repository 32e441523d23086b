// A job that runs past GitLab's timeout for it (runner_info.timeout) is stopped and reported as
// job_execution_timeout, as GitLab Runner reports it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';
import { startRunner, steps, variable, type RunnerUnderTest } from './harness.js';

let coordinator: Coordinator;
let runner: RunnerUnderTest;

beforeAll(async () => {
  coordinator = await startCoordinator({ longPollMs: 1_000 });
  runner = await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell' });
});

afterAll(async () => {
  await runner?.stop();
  await coordinator?.close();
});

describe('runner mode, job timeout', () => {
  it('stops the job at runner_info.timeout and reports job_execution_timeout', async () => {
    const began = Date.now();
    const id = coordinator.enqueue({ runner_info: { timeout: 2 }, variables: [variable('GIT_STRATEGY', 'none')], steps: steps(['echo started', 'sleep 30', 'echo never'], [], 2) });
    const record = await coordinator.waitForJobFinished(id, 30_000);
    expect(Date.now() - began).toBeLessThan(20_000);
    expect(record.updates.at(-1)).toMatchObject({ state: 'failed', failure_reason: 'job_execution_timeout' });
    const text = record.trace.toString();
    expect(text).not.toContain('never');
    expect(text).toMatch(/execution took longer than 2s seconds/);
  });
});
