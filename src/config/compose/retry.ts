// `retry:` — 0..2 or `{max, when, exit_codes}`; and `allow_failure:` — bool or `{exit_codes}`.
// https://docs.gitlab.com/ci/yaml/#retry, #allow_failure — spec §5.12, §5.8 (entry/retry.rb, allow_failure.rb).
import type { AllowFailure, RetryDefinition } from '../../model/config.js';
import { checkAllowedKeys } from './keys.js';
import { integerOrIntegers, isInteger, isMapping, stringOrStrings } from './shapes.js';
import type { Site } from './site.js';

const MAX_RETRY = 2;
const RETRY_KEYS: ReadonlySet<string> = new Set(['max', 'when', 'exit_codes']);
/** `always` plus GitLab's job failure reasons (app/models/concerns/enums/ci/commit_status.rb). */
const RETRY_WHEN: ReadonlySet<string> = new Set([
  'always', 'unknown_failure', 'script_failure', 'api_failure', 'stuck_or_timeout_failure', 'runner_system_failure',
  'missing_dependency_failure', 'runner_unsupported', 'stale_schedule', 'job_execution_timeout', 'archived_failure',
  'unmet_prerequisites', 'scheduler_failure', 'data_integrity_failure', 'forward_deployment_failure', 'user_blocked',
  'project_deleted', 'ci_quota_exceeded', 'pipeline_loop_detected', 'no_matching_runner', 'trace_size_exceeded',
  'builds_disabled', 'environment_creation_failure', 'deployment_rejected', 'failed_outdated_deployment_job',
  'protected_environment_failure', 'insufficient_bridge_permissions', 'downstream_bridge_project_not_found',
  'invalid_bridge_trigger', 'upstream_bridge_project_not_found', 'insufficient_upstream_permissions',
  'bridge_pipeline_is_child_pipeline', 'downstream_pipeline_creation_failed', 'secrets_provider_not_found',
  'reached_max_descendant_pipelines_depth', 'ip_restriction_failure', 'reached_max_pipeline_hierarchy_size',
]);

export const NO_RETRY: RetryDefinition = Object.freeze({ max: 0, when: ['always'], exitCodes: [] }) as RetryDefinition;

/**
 * GitLab words retry errors with the bare location `retry` (entry/retry.rb overrides it), so the
 * job path is added as a hint.
 */
export function parseRetry(at: Site): RetryDefinition | null {
  const site = at.as('retry');
  const hint = at.path;
  const raw = site.value;
  if (isInteger(raw)) return checkCount(raw, (m) => site.config(m, hint)) ? { max: raw, when: ['always'], exitCodes: [] } : null;
  if (!isMapping(raw)) {
    site.config('has to be either an integer or a hash', hint);
    return null;
  }
  let ok = checkAllowedKeys(site, raw, RETRY_KEYS);
  const fail = (key: string, message: string): false => {
    site.attr(key, message, hint);
    return false;
  };
  const out: RetryDefinition = { max: 0, when: [], exitCodes: [] };
  if (raw.max !== undefined && raw.max !== null) {
    if (!isInteger(raw.max)) ok = fail('max', 'must be an integer');
    else if (!checkCount(raw.max, (m) => site.attr('max', m, hint))) ok = false;
    else out.max = raw.max;
  }
  if (raw.exit_codes !== undefined && raw.exit_codes !== null) {
    const codes = integerOrIntegers(raw.exit_codes);
    if (codes) out.exitCodes = codes;
    else ok = fail('exit_codes', 'should be an array of integers or an integer');
  }
  if (raw.when !== undefined && raw.when !== null) {
    const when = stringOrStrings(raw.when);
    const unknown = when?.filter((w) => !RETRY_WHEN.has(w)) ?? [];
    if (when === null) ok = fail('when', 'should be an array of strings or a string');
    else if (unknown.length > 0) {
      ok = fail('when', Array.isArray(raw.when) ? `contains unknown values: ${unknown.join(', ')}` : 'is not included in the list');
    } else out.when = when;
  } else if (raw.exit_codes === undefined || raw.exit_codes === null) {
    // Without `exit_codes`, a bare `{max: N}` retries on any failure (spec §5.12).
    out.when = ['always'];
  }
  return ok ? out : null;
}

function checkCount(value: number, report: (message: string) => void): boolean {
  if (value < 0) report('must be greater than or equal to 0');
  else if (value > MAX_RETRY) report(`must be less than or equal to ${MAX_RETRY}`);
  else return true;
  return false;
}

const ALLOW_FAILURE_KEYS: ReadonlySet<string> = new Set(['exit_codes']);

/** Jobs: bool or `{exit_codes}`; trigger jobs: bool only. */
export function parseAllowFailure(site: Site, owner: Site, bridge: boolean): AllowFailure | undefined {
  const raw = site.value;
  if (typeof raw === 'boolean') return raw;
  if (bridge || !isMapping(raw)) {
    owner.attr('allow_failure', bridge ? 'should be a boolean value' : 'should be a hash or a boolean value');
    return undefined;
  }
  if (!checkAllowedKeys(site, raw, ALLOW_FAILURE_KEYS)) return undefined;
  const codes = integerOrIntegers(raw.exit_codes);
  if (codes === null) {
    site.attr('exit_codes', 'should be an array of integers or an integer');
    return undefined;
  }
  return { exitCodes: codes };
}

