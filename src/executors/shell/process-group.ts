// Runs one script in its own process group, so a timeout or a cancel can stop everything the script
// started (background jobs, pipelines, subshells): SIGTERM to the whole group, SIGKILL after a grace
// period. When the shell itself exits, whatever it left running in the group is stopped the same way,
// as a container's processes end with the container (runner-behavior.md §1.3, §13).
import { readdir, readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { ExecutorError } from '../../errors.js';
import type { StepOutcome } from '../executor.js';

export interface GroupRunOptions {
  command: string;
  args?: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to the shell's stdin, then stdin is closed. */
  input: string;
  onOutput(chunk: Uint8Array): void;
  timeoutMs?: number;
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs: number;
}

const POLL_MS = 50;
/** After the shell exits, how long to wait for its output pipes to drain. */
const DRAIN_MS = 2000;

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nobody left in the group
  }
}

/**
 * Whether the group still has a running member. On Linux zombies are not counted: killed orphans can
 * stay unreaped for a while (or for good, under a PID 1 that does not reap) although nothing runs.
 */
async function groupAlive(pgid: number): Promise<boolean> {
  if (!signalGroup(pgid, 0)) return false;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return true; // no procfs: trust kill(0)
  }
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[2] === String(pgid) && fields[0] !== 'Z') return true;
  }
  return false;
}

/** SIGTERM the group, wait up to `graceMs` for it to empty, then SIGKILL what is left. */
async function stopGroup(pgid: number, graceMs: number): Promise<void> {
  if (!(await groupAlive(pgid))) return;
  signalGroup(pgid, 'SIGTERM');
  for (let waited = 0; waited < graceMs; waited += POLL_MS) {
    await delay(POLL_MS);
    if (!(await groupAlive(pgid))) return;
  }
  signalGroup(pgid, 'SIGKILL');
  for (let waited = 0; waited < graceMs && (await groupAlive(pgid)); waited += POLL_MS) await delay(POLL_MS);
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return 128 + (number ?? 1);
}

/** Runs `command` with `input` on stdin until it exits, times out or is canceled. */
export async function runInProcessGroup(options: GroupRunOptions): Promise<StepOutcome> {
  if (options.signal.aborted) return { exitCode: 1, timedOut: false, canceled: true };
  const subprocess = execa(options.command, [...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    input: options.input,
    detached: true,
    buffer: false,
    reject: false,
    encoding: 'buffer',
    stripFinalNewline: false,
  });
  const pgid = subprocess.pid;
  if (pgid === undefined) {
    const result = await subprocess;
    throw new ExecutorError('SHELL_SPAWN_FAILED', `cannot start ${options.command}: ${result.message}`);
  }
  subprocess.stdout?.on('data', (chunk: Uint8Array) => options.onOutput(chunk));
  subprocess.stderr?.on('data', (chunk: Uint8Array) => options.onOutput(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    subprocess.once('exit', (code, signal) => resolve({ code, signal })),
  );

  let stopReason: 'timeout' | 'cancel' | null = null;
  const stopping: Promise<void>[] = [];
  const stop = (reason: 'timeout' | 'cancel') => {
    if (stopReason !== null) return;
    stopReason = reason;
    stopping.push(stopGroup(pgid, options.killGraceMs));
  };
  const timer = options.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
  const onAbort = () => stop('cancel');
  options.signal.addEventListener('abort', onAbort, { once: true });

  const { code, signal } = await exited;
  clearTimeout(timer);
  options.signal.removeEventListener('abort', onAbort);
  await Promise.all(stopping);
  await stopGroup(pgid, options.killGraceMs);
  // Wait for the output to drain, but never longer than DRAIN_MS; the timer is cancelled so it cannot
  // keep the process alive after the last job.
  const drained = new AbortController();
  await Promise.race([subprocess, delay(DRAIN_MS, undefined, { signal: drained.signal }).catch(() => undefined)]);
  drained.abort();
  subprocess.stdout?.destroy();
  subprocess.stderr?.destroy();
  return { exitCode: exitCodeOf(code, signal), timedOut: stopReason === 'timeout', canceled: stopReason === 'cancel' };
}
