// Runs one stage in the build container the way GitLab Runner does (runner-behavior.md §1.3): attach
// stdin/stdout/stderr, start the container (its command is the shell-detection script, so the image's
// entrypoint wraps every stage), write the whole script to stdin, half-close it, stream the output and
// read the exit status. The container is started again for the next stage: files persist between
// stages, processes do not. A timeout or cancel stops the container (SIGTERM, then SIGKILL).
import { setTimeout as delay } from 'node:timers/promises';
import type { StepOutcome } from '../executor.js';
import type { DockerClient } from './client.js';

/**
 * `sh -c` argument that execs the first shell found (bash preferred), as GitLab Runner's
 * `BashDetectShellScript`. stderr joins stdout first, so the job log keeps their order.
 */
export const DETECT_SHELL_SCRIPT = [
  'exec 2>&1',
  'for shell in /usr/local/bin/bash /usr/bin/bash /bin/bash /usr/local/bin/sh /usr/bin/sh /bin/sh /busybox/sh; do',
  '  if [ -x "$shell" ]; then exec "$shell"; fi',
  'done',
  'echo shell not found',
  'exit 1',
].join('\n');

export interface StageRun {
  client: DockerClient;
  containerId: string;
  script: string;
  onOutput: (chunk: Uint8Array) => void;
  timeoutMs?: number;
  signal: AbortSignal;
  killGraceMs: number;
}

export async function runStage(run: StageRun): Promise<StepOutcome> {
  if (run.signal.aborted) return { exitCode: -1, timedOut: false, canceled: true };
  const { client, containerId } = run;
  const attachment = await client.attachContainer(containerId);
  const drained = new Promise<void>((resolve) => {
    attachment.output.on('data', (chunk: Buffer) => run.onOutput(chunk));
    attachment.output.on('end', resolve);
    attachment.output.on('close', resolve);
    attachment.output.on('error', () => resolve());
  });
  let stopping: 'timeout' | 'cancel' | null = null;
  const stop = (why: 'timeout' | 'cancel') => {
    if (stopping) return;
    stopping = why;
    void client.stopContainer(containerId, Math.max(1, Math.ceil(run.killGraceMs / 1000))).catch(() => undefined);
  };
  const onAbort = () => stop('cancel');
  run.signal.addEventListener('abort', onAbort, { once: true });
  const timer = run.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), run.timeoutMs) : undefined;
  try {
    await client.startContainer(containerId);
    attachment.stdin.write(run.script);
    // Half-close: the shell reads the script to EOF and runs it (StdinOnce closes the container's stdin).
    attachment.stdin.end();
    const exitCode = await client.waitContainer(containerId);
    await Promise.race([drained, delay(2000, undefined, { ref: false })]);
    return { exitCode, timedOut: stopping === 'timeout', canceled: stopping === 'cancel' };
  } finally {
    if (timer) clearTimeout(timer);
    run.signal.removeEventListener('abort', onAbort);
    attachment.stdin.destroy();
  }
}
