// `glci runner run` as a separate process from the built CLI (`npm run build` first), for the tests of
// what only a real process shows: signals, exit statuses, the process log on stdout/stderr. Every
// process a file starts is killed after each test (`killRunnerProcesses` in afterEach).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolatedEnv } from '../acceptance/fixture-git.js';
import type { Coordinator } from '../support/coordinator/coordinator.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const children: ChildProcess[] = [];

export interface RunnerProcess {
  child: ChildProcess;
  /** stdout and stderr so far, in arrival order. */
  log: () => string;
  exited: Promise<number | null>;
  config: string;
}

export interface RunnerProcessOptions {
  name?: string;
  /** Global keys after concurrent, check_interval and shutdown_timeout. */
  globalToml?: string[];
  args?: string[];
}

/** One shell runner of `token` polling `coordinator`, with concurrent 2, check_interval 1, shutdown_timeout 3. */
export async function startRunnerProcess(coordinator: Coordinator, token: string, options: RunnerProcessOptions = {}): Promise<RunnerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'glci-runner-process-'));
  const config = join(dir, 'config.toml');
  const toml = [
    'concurrent = 2', 'check_interval = 1', 'shutdown_timeout = 3', ...(options.globalToml ?? []),
    '[[runners]]', `  name = "${options.name ?? 'cli'}"`, `  url = "${coordinator.url}"`, `  token = "${token}"`, '  executor = "shell"', '',
  ];
  await writeFile(config, toml.join('\n'), { mode: 0o600 });
  const args = [bin, 'runner', 'run', '--config', config, '--working-directory', dir, ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { env: { ...isolatedEnv(), HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, log: () => text, exited, config };
}

/** Kills what is still running of the processes started so far (afterEach). */
export function killRunnerProcesses(): void {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Waits until `probe` holds, polling every 50 ms; throws with `what` after `ms`. */
export async function until(probe: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
