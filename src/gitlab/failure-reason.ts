// The `failure_reason` a final job update carries. GitLab rejects reasons it does not know, so a
// runner sends only those the payload's `features.failure_reasons` lists, mapping the others the way
// GitLab Runner's common/failure_reason_mapper.go does (runner-behavior.md §8.6).
import type { FailureReason } from '../model/events.js';

/** Reasons GitLab Runner itself produces. */
export type RunnerFailureReason =
  | 'script_failure'
  | 'runner_system_failure'
  | 'job_execution_timeout'
  | 'image_pull_failure'
  | 'unknown_failure'
  | 'runner_configuration_error'
  | 'runner_external_dependency_failure'
  | 'runner_interrupted';

/** Every GitLab version with runner failure reasons accepts these. */
export const ALWAYS_ACCEPTED: readonly string[] = ['script_failure', 'runner_system_failure', 'job_execution_timeout'];

/** GitLab Runner's fallbacks for reasons an older GitLab does not list. */
const RUNNER_FALLBACK: Record<string, string> = {
  image_pull_failure: 'runner_system_failure',
  runner_configuration_error: 'script_failure',
  runner_external_dependency_failure: 'runner_system_failure',
};

/**
 * glci's local-mode reasons that GitLab Runner never sends, as the runner reason closest in meaning.
 * Used only when GitLab does not list the glci reason itself (a decision of glci's: the spec is silent).
 */
const GLCI_TO_RUNNER: Record<string, RunnerFailureReason> = {
  stuck_or_timeout_failure: 'job_execution_timeout',
  unmet_prerequisites: 'runner_system_failure',
  missing_dependency_failure: 'runner_system_failure',
  api_failure: 'runner_system_failure',
};

/**
 * The reason to send for `reason`, given the payload's `features.failure_reasons`. Without that list
 * (a GitLab too old to send it) only the always-accepted reasons pass; everything else becomes one of
 * them or `unknown_failure`.
 */
export function gitlabFailureReason(reason: FailureReason | RunnerFailureReason, accepted: readonly string[] | undefined): string {
  const supported = new Set([...ALWAYS_ACCEPTED, ...(accepted ?? [])]);
  if (supported.has(reason)) return reason;
  const runnerReason = GLCI_TO_RUNNER[reason] ?? reason;
  if (supported.has(runnerReason)) return runnerReason;
  const fallback = RUNNER_FALLBACK[runnerReason];
  if (fallback !== undefined && supported.has(fallback)) return fallback;
  return 'unknown_failure';
}
