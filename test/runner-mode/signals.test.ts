// GitLab Runner's signals through the built CLI (`npm run build` first): SIGQUIT lets the running job
// finish and then exits 0; SIGTERM cancels the running job (after_script still runs) and exits; a
// second SIGTERM exits at once with status 1; SIGHUP reloads config.toml.
import { appendFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';
import { steps, variable } from './harness.js';
import { killRunnerProcesses, startRunnerProcess, until } from './runner-process.js';

let coordinator: Coordinator;

beforeAll(async () => {
  coordinator = await startCoordinator({ longPollMs: 1_000 });
});
afterEach(killRunnerProcesses);
afterAll(async () => {
  await coordinator?.close();
});

const runnerProcess = (token: string) => startRunnerProcess(coordinator, token, { name: 'signals' });

const job = (script: string[]) => ({ variables: [variable('GIT_STRATEGY', 'none')], steps: steps(script, ['echo "after: $CI_JOB_STATUS"']) });
const traceOf = (id: number) => coordinator.jobs.get(id)?.trace.toString() ?? '';

describe('runner signals', () => {
  it('SIGQUIT: the running job finishes, then the process exits 0', async () => {
    const runner = await runnerProcess(coordinator.createRunner());
    const id = coordinator.enqueue(job(['echo started', 'sleep 2', 'echo finished']));
    await until(() => traceOf(id).includes('started'), 'job started');
    runner.child.kill('SIGQUIT');
    const record = await coordinator.waitForJobFinished(id, 30_000);
    expect(record.state).toBe('success');
    expect(record.trace.toString()).toContain('finished');
    expect(await runner.exited).toBe(0);
    expect(runner.log()).toContain('Starting graceful shutdown');
  });

  it('SIGTERM: the running job is canceled (after_script runs) and the process exits', async () => {
    const runner = await runnerProcess(coordinator.createRunner());
    const id = coordinator.enqueue(job(['echo started', 'sleep 60', 'echo never']));
    await until(() => traceOf(id).includes('started'), 'job started');
    const began = Date.now();
    runner.child.kill('SIGTERM');
    const record = await coordinator.waitForJobFinished(id, 30_000);
    expect(record.updates.at(-1)?.state).toBe('failed');
    expect(record.trace.toString()).not.toContain('never');
    expect(await runner.exited).toBe(0);
    expect(Date.now() - began).toBeLessThan(15_000);
  });

  it('a second SIGTERM exits at once with status 1', async () => {
    const runner = await runnerProcess(coordinator.createRunner());
    const id = coordinator.enqueue(job(['echo started', 'trap "" TERM; sleep 60']));
    await until(() => traceOf(id).includes('started'), 'job started');
    runner.child.kill('SIGTERM');
    await until(() => runner.log().includes('Starting forceful shutdown'), 'first signal seen');
    const second = Date.now();
    runner.child.kill('SIGTERM');
    expect(await runner.exited).toBe(1);
    expect(Date.now() - second).toBeLessThan(3_000);
  });

  it('SIGHUP reloads config.toml: a runner added to it starts polling', async () => {
    const runner = await runnerProcess(coordinator.createRunner());
    await until(() => runner.log().includes('Configuration loaded'), 'started');
    const second = coordinator.createRunner();
    await appendFile(runner.config, `[[runners]]\n  name = "added"\n  url = "${coordinator.url}"\n  token = "${second}"\n  executor = "shell"\n`);
    runner.child.kill('SIGHUP');
    await until(() => coordinator.requestsTo('request_job').some((r) => r.json?.token === second), 'the added runner polls');
    runner.child.kill('SIGQUIT');
    expect(await runner.exited).toBe(0);
  });
});
