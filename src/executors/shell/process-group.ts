// Runs one script in its own process group, so a timeout or a cancel can stop everything the script
// started (background jobs, pipelines, subshells): SIGTERM to the whole group, SIGKILL after a grace
// period. When the shell itself exits, whatever it left running in the group is stopped the same way,
// as a container's processes end with the container (runner-behavior.md §1.3, §13).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constants } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { ExecutorError } from '../../errors.js';
import type { StepOutcome } from '../executor.js';
import { startStep } from '../../log/step-timings.js';

export interface GroupRunOptions {
  command: string;
  args?: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to the shell's stdin, then stdin is closed. */
  input: string;
  /**
   * A folder where `input` may be kept in a file, unlinked as soon as it is opened, that is the shell's
   * stdin: a shell reads its script from a pipe one byte at a time (it must not read past the command it
   * runs), from a file in blocks — thousands of system calls fewer for a job's script. Without it (or
   * when the file cannot be made) stdin is a pipe.
   */
  inputDir?: string;
  onOutput(chunk: Uint8Array): void;
  timeoutMs?: number;
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs: number;
  /** Names the steps in GLCI_DEBUG_TIMINGS records (log/step-timings.ts). */
  timing?: { job: string; step: string };
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

/** The exit of the group's leader, and the moment its output pipes closed (after the exit). */
interface Leader {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  closed: Promise<void>;
}

let inputFiles = 0;

/**
 * `input` in a file that has no name any more, open for reading at offset 0; null when it cannot be
 * made. Synchronous on purpose: four calls of microseconds each, cheaper than four trips through
 * libuv's thread pool while other jobs' work waits in it.
 */
function unnamedInputFile(dir: string, input: string): number | null {
  const path = join(dir, `.glci-script-${process.pid}-${++inputFiles}`);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'wx+', 0o600);
    // Gone from the folder before it holds anything: the job never sees it (it may hold secrets).
    unlinkSync(path);
    const bytes = Buffer.from(input);
    // A positioned write leaves the file offset at 0, where the shell starts reading.
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written, written);
    return fd;
  } catch {
    if (fd !== undefined) closeSync(fd);
    rmSync(path, { force: true });
    return null;
  }
}

/**
 * Spawns the shell as the leader of a new process group with `input` on stdin. node:child_process rather
 * than execa: this runs once per step, and execa cost every `glci run` ~300 kB of modules to load.
 */
async function spawnLeader(options: GroupRunOptions): Promise<{ child: ChildProcess; pgid: number; leader: Leader }> {
  const file = options.inputDir !== undefined ? unnamedInputFile(options.inputDir, options.input) : null;
  let child: ChildProcess;
  try {
    child = spawn(options.command, [...(options.args ?? [])], { cwd: options.cwd, env: options.env, detached: true, stdio: [file ?? 'pipe', 'pipe', 'pipe'] });
  } finally {
    // The shell has its own copy of the descriptor now.
    if (file !== null) closeSync(file);
  }
  // Every listener before the first await: the shell may be done by the time an await returns.
  const failed = new Promise<Error>((resolve) => child.once('error', resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdout?.on('data', (chunk: Uint8Array) => options.onOutput(chunk));
  child.stderr?.on('data', (chunk: Uint8Array) => options.onOutput(chunk));
  if (child.stdin) {
    // A shell that exits before reading all of its script closes the pipe: EPIPE is no error here.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  }
  if (child.pid === undefined) {
    const error = await failed;
    throw new ExecutorError('SHELL_SPAWN_FAILED', `cannot start ${options.command}: ${error.message}`, undefined, { cause: error });
  }
  return { child, pgid: child.pid, leader: { exited, closed } };
}

/** Runs `command` with `input` on stdin until it exits, times out or is canceled. */
export async function runInProcessGroup(options: GroupRunOptions): Promise<StepOutcome> {
  if (options.signal.aborted) return { exitCode: 1, timedOut: false, canceled: true };
  const timed = (phase: string) => startStep(options.timing?.job ?? '-', `${options.timing?.step ?? 'shell'}:${phase}`);
  const untilSpawned = timed('spawn');
  const untilExit = timed('run');
  const { child, pgid, leader } = await spawnLeader(options);
  untilSpawned();

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

  const { code, signal } = await leader.exited;
  untilExit();
  clearTimeout(timer);
  options.signal.removeEventListener('abort', onAbort);
  const untilStopped = timed('stop-group');
  await Promise.all(stopping);
  await stopGroup(pgid, options.killGraceMs);
  untilStopped();
  const untilDrained = timed('drain');
  // Wait for the output to drain, but never longer than DRAIN_MS; the timer is cancelled so it cannot
  // keep the process alive after the last job.
  const drained = new AbortController();
  await Promise.race([leader.closed, delay(DRAIN_MS, undefined, { signal: drained.signal }).catch(() => undefined)]);
  drained.abort();
  child.stdout?.destroy();
  child.stderr?.destroy();
  untilDrained();
  return { exitCode: exitCodeOf(code, signal), timedOut: stopReason === 'timeout', canceled: stopReason === 'cancel' };
}
