// Rotation of runner authentication tokens that expire (GitLab's "runner token expiration"): like
// GitLab Runner, glci asks for a new token (`POST runners/reset_authentication_token`) before the old
// one runs out and writes it back to config.toml, so a restarted runner keeps working. A token is due
// once three quarters of its life have passed (from `token_obtained_at`), or one day before it expires
// when the file does not say when it was obtained.
import type { RunnerApi } from '../gitlab/api/runner-api.js';
import { shortenRunnerToken as runnerShortToken } from '../variables/runner-token.js';
import type { ProcessLog } from '../log/process-log.js';
import type { RunnerSettings } from '../model/runner.js';
import { updateRunnerToken } from '../runner-config/write-runner.js';

const DAY_MS = 24 * 60 * 60_000;

/** When the token should be replaced (ms since the epoch), or null when it does not expire. */
export function rotationDueAt(runner: Pick<RunnerSettings, 'tokenExpiresAt' | 'tokenObtainedAt'>): number | null {
  const expires = runner.tokenExpiresAt ? Date.parse(runner.tokenExpiresAt) : NaN;
  // GitLab Runner writes 0001-01-01T00:00:00Z for "never".
  if (!Number.isFinite(expires) || expires <= 0) return null;
  const obtained = runner.tokenObtainedAt ? Date.parse(runner.tokenObtainedAt) : NaN;
  if (Number.isFinite(obtained) && obtained > 0 && obtained < expires) return obtained + (expires - obtained) * 0.75;
  return expires - DAY_MS;
}

export interface RotationContext {
  api: RunnerApi;
  configFile: string;
  log: ProcessLog;
  now?: () => number;
}

/** The runner with a fresh token when its token is due, else as it was. Failures are logged and the old token kept. */
export async function rotateTokenIfDue(runner: RunnerSettings, context: RotationContext): Promise<RunnerSettings> {
  const due = rotationDueAt(runner);
  const now = (context.now ?? Date.now)();
  if (due === null || now < due) return runner;
  const short = runnerShortToken(runner.token);
  try {
    const fresh = await context.api.resetToken(runner.token);
    const obtainedAt = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await updateRunnerToken(context.configFile, runner.token, { token: fresh.token, tokenObtainedAt: obtainedAt, tokenExpiresAt: fresh.tokenExpiresAt });
    context.log.info('Runner token rotated', { runner: short, token_expires_at: fresh.tokenExpiresAt ?? 'never' });
    return { ...runner, token: fresh.token, tokenObtainedAt: obtainedAt, tokenExpiresAt: fresh.tokenExpiresAt };
  } catch (error) {
    context.log.error('Failed to rotate the runner token', { runner: short, error: error instanceof Error ? error.message : String(error) });
    return runner;
  }
}
