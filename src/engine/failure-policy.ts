// How a failed attempt is judged: is it allowed to fail (`allow_failure`, gitlab-ci-yaml.md §5.8), and is it
// retried (`retry`, §5.12)? Pure functions.
import type { AllowFailure, RetryDefinition } from '../model/config.js';
import type { FailureReason } from '../model/events.js';

/**
 * `allow_failure: true` covers any failure; `allow_failure: {exit_codes}` only a script failure with one
 * of the listed exit codes — any other failure (another code, a timeout, a system failure) is real.
 */
export function isAllowedFailure(allowFailure: AllowFailure, exitCode: number | null): boolean {
  if (allowFailure === true) return true;
  if (allowFailure === false) return false;
  return exitCode !== null && allowFailure.exitCodes.includes(exitCode);
}

/**
 * Whether a failed attempt is re-run: while retries so far < `max`, when the failure reason is listed in
 * `when` (or `when` has `always`), or the exit code is listed in `exit_codes`. `when` defaults to
 * `[always]` only when `exit_codes` is absent; a config layer that left both empty gets that default here.
 */
export function shouldRetry(
  retry: RetryDefinition,
  reason: FailureReason | undefined,
  exitCode: number | null,
  attemptsMade: number,
): boolean {
  if (attemptsMade - 1 >= retry.max) return false;
  const when = retry.when.length === 0 && retry.exitCodes.length === 0 ? ['always'] : retry.when;
  if (when.includes('always')) return true;
  if (reason !== undefined && when.includes(reason)) return true;
  return exitCode !== null && retry.exitCodes.includes(exitCode);
}
