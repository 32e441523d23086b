import { fileURLToPath } from 'node:url';
import { runSetupOnce, setupError } from './setup-script.js';

/** The idempotent, lock-protected setup script this module runs (see its header). */
export const ensureDockerScript = fileURLToPath(new URL('./ensure-docker.sh', import.meta.url));

/** Installing docker.io on a fresh machine includes `apt-get update` and several downloads. */
const setupTimeoutMs = 15 * 60_000;

/**
 * Make sure a real Docker engine answers, installing and starting it when needed.
 * Runs the setup script at most once per process; concurrent callers share that run, and a
 * failed run is forgotten so a later call can try again.
 */
export function ensureDockerEngine(): Promise<void> {
  return runSetupOnce(ensureDockerScript, setupTimeoutMs, (result) => {
    if (result.failed) throw setupError('Docker engine setup', ensureDockerScript, setupTimeoutMs, result);
  });
}
