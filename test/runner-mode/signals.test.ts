// GitLab Runner's signals through the built CLI (`npm run build` first): SIGQUIT lets the running job
// finish and then exits 0; SIGTERM cancels the running job (after_script still runs) and exits; a
// second SIGTERM exits at once with status 1; SIGHUP reloads config.toml.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../acceptance/fixture-git.js';
import { startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';
import { steps, variable } from './harness.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
let coordinator: Coordinator;
const children: ChildProcess[] = [];

beforeAll(async () => {
  coordinator = await startCoordinator({ longPollMs: 1_000 });
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await coordinator?.close();
});

interface Spawned {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
  config: string;
}

async function runnerProcess(token: string): Promise<Spawned> {
  const dir = await mkdtemp(join(tmpdir(), 'glci-signals-'));
  const config = join(dir, 'config.toml');
  await writeFile(config, `concurrent = 2\ncheck_interval = 1\nshutdown_timeout = 3\n[[runners]]\n  name = "signals"\n  url = "${coordinator.url}"\n  token = "${token}"\n  executor = "shell"\n`);
  const child = spawn(process.execPath, [bin, 'runner', 'run', '--config', config, '--working-directory', dir], { env: { ...isolatedEnv(), HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, log: () => text, exited, config };
}

async function until(probe: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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
