import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The idempotent, lock-protected setup script this module runs (see its header). */
export const ensureDockerScript = fileURLToPath(new URL('./ensure-docker.sh', import.meta.url));

/** Installing docker.io on a fresh machine includes `apt-get update` and several downloads. */
const setupTimeoutMs = 15 * 60_000;

let ready: Promise<void> | undefined;

/**
 * Make sure a real Docker engine answers, installing and starting it when needed.
 * Runs the setup script at most once per process; concurrent callers share that run, and a
 * failed run is forgotten so a later call can try again.
 */
export function ensureDockerEngine(): Promise<void> {
  ready ??= runSetupScript().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

async function runSetupScript(): Promise<void> {
  const result = await execa('bash', [ensureDockerScript], {
    stdin: 'ignore',
    all: true,
    reject: false,
    timeout: setupTimeoutMs,
  });
  if (result.failed) {
    const reason = result.timedOut ? `timed out after ${setupTimeoutMs} ms` : `exit code ${String(result.exitCode)}`;
    throw new Error(`Docker engine setup (${ensureDockerScript}) failed: ${reason}\n${result.all}`);
  }
}
