// The docker executor's debug shell (`glci run --shell-on-failure`). The build container is stopped
// between stages and its command is a shell reading its script from stdin (stage-runner.ts): started
// again with stdin attached but nothing written, that shell just waits, so the container keeps running
// with everything the job left in it. The user's shell is an exec on a TTY of its own in the project dir,
// bridged to the user's terminal in raw mode (keys such as Ctrl-C go to the container, not to glci) and
// resized with it. When it ends, stdin is closed and the container stops again for cleanup.
import { Readable, type Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { tarChunks } from '../../platform/tar-writer.js';
import type { ShellOptions } from '../executor.js';
import { SOURCE_GITLAB_ENV, shellBanner, shellVariables } from '../shell-session.js';
import type { DockerClient } from './client.js';
import type { Owner } from './image-user.js';

/** Like DETECT_SHELL_SCRIPT (bash preferred), but a login shell, as GitLab's web terminal opens one. */
export const INTERACTIVE_SHELL_SCRIPT = [
  SOURCE_GITLAB_ENV,
  'for shell in /usr/local/bin/bash /usr/bin/bash /bin/bash /usr/local/bin/sh /usr/bin/sh /bin/sh /busybox/sh; do',
  '  if [ -x "$shell" ]; then exec "$shell" -l; fi',
  'done',
  'echo shell not found',
  'exit 1',
].join('\n');

export interface DockerShellRun extends ShellOptions {
  client: DockerClient;
  containerId: string;
  projectDir: string;
  tmpDir: string;
  owner: Owner;
  killGraceMs: number;
}

const EXIT_POLL_MS = 50;
const EXIT_WAIT_MS = 2000;
const STOP_WAIT_MS = 2000;

/** Runs the shell to its end; resolves with its exit status (-1 when it was ended by a cancel). */
export async function runInteractiveShell(run: DockerShellRun): Promise<number> {
  const { client, containerId } = run;
  const { env, files } = shellVariables(run.variables, run.tmpDir);
  // The step script writes file-type variables at its start; a job that failed before it never did.
  if (files.length > 0) await client.putArchive(containerId, run.tmpDir, fileVariablesArchive(files, run.owner));
  const keeper = await client.attachContainer(containerId);
  keeper.output.resume(); // nothing is expected from the waiting shell; drain whatever comes
  try {
    await client.startContainer(containerId);
    const cmd = ['sh', '-c', INTERACTIVE_SHELL_SCRIPT];
    const execId = await client.execCreate(containerId, { cmd, env: Object.entries(env).map(([k, v]) => `${k}=${v}`), workingDir: run.projectDir });
    run.stdout.write(shellBanner('Interactive shell of the build container', run.projectDir, run.variables));
    const stream = await client.execStart(execId);
    await relayTerminal(stream, run, (size) => client.execResize(execId, size));
    return run.signal?.aborted ? -1 : await exitCodeOf(client, execId);
  } finally {
    keeper.stdin.end(); // EOF: the waiting shell exits and the container stops
    await Promise.race([client.waitContainer(containerId).catch(() => undefined), delay(STOP_WAIT_MS, undefined, { ref: false })]);
    await client.stopContainer(containerId, Math.max(1, Math.ceil(run.killGraceMs / 1000))).catch(() => undefined);
    keeper.stdin.destroy();
  }
}

function fileVariablesArchive(files: { name: string; content: string }[], owner: Owner): Readable {
  const mtime = Math.floor(Date.now() / 1000);
  return Readable.from(tarChunks(files.map((f) => ({ type: 'data' as const, path: f.name, mode: 0o600, mtime, data: Buffer.from(f.content) })), owner));
}

/** Bridges the user's terminal and the exec's TTY until the exec ends or the signal aborts. */
async function relayTerminal(stream: Duplex, run: DockerShellRun, resize: (size: { rows: number; columns: number }) => Promise<void>): Promise<void> {
  const { stdin, stdout, signal } = run;
  const wasRaw = stdin.isTTY ? stdin.isRaw : false;
  const forward = (chunk: Buffer) => stream.write(chunk);
  const show = (chunk: Buffer) => stdout.write(chunk);
  const fit = () => void fitTerminal(stdout, resize);
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => {
    finish = resolve;
  });
  stream.on('data', show);
  stream.once('end', finish).once('close', finish).once('error', finish);
  signal?.addEventListener('abort', finish, { once: true });
  stdin.on('data', forward);
  stdout.on('resize', fit);
  // Raw: every key (Ctrl-C, Ctrl-D, arrows) goes to the container's TTY, which does the line editing.
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.resume();
  fit();
  try {
    await ended;
  } finally {
    signal?.removeEventListener('abort', finish);
    stdin.off('data', forward);
    stdout.off('resize', fit);
    stream.off('data', show);
    if (stdin.isTTY) stdin.setRawMode(wasRaw);
    // Paused again: glci does not read the terminal, and a later shell (or the user's) gets the keys.
    stdin.pause();
    stream.destroy();
  }
}

/** The exec's TTY takes the terminal's size; retried briefly because the engine refuses before the process runs. */
async function fitTerminal(stdout: NodeJS.WriteStream, resize: (size: { rows: number; columns: number }) => Promise<void>): Promise<void> {
  const size = { rows: stdout.rows, columns: stdout.columns };
  if (!size.rows || !size.columns) return;
  for (let attempt = 1; attempt <= 10; attempt++) {
    try {
      return await resize(size);
    } catch {
      await delay(10 * attempt, undefined, { ref: false });
    }
  }
}

/** The engine can report the exec as running for a moment after its stream closed. */
async function exitCodeOf(client: DockerClient, execId: string): Promise<number> {
  for (let waited = 0; ; waited += EXIT_POLL_MS) {
    const facts = await client.execInspect(execId);
    if (!facts.running || waited >= EXIT_WAIT_MS) return facts.exitCode ?? -1;
    await delay(EXIT_POLL_MS);
  }
}
