// Single-value job keywords: stage, tags, when, start_in, timeout, interruptible, coverage,
// resource_group, manual_confirmation, dependencies, id_tokens. Spec §5.4–5.7, 5.10, 5.13, 5.20–5.22, 5.26.
import type { JobWhen } from '../../model/config.js';
import { compileRegexLiteral } from '../../expr/index.js';
import { ONE_MONTH, ONE_WEEK, parseDuration } from '../../duration/chronic.js';
import { checkAllowedKeys } from './keys.js';
import { checkDuration } from './rules.js';
import { isMapping, isString, isStringArray, stringOrStrings } from './shapes.js';
import type { Site } from './site.js';

const JOB_WHEN: readonly JobWhen[] = ['on_success', 'on_failure', 'always', 'manual', 'delayed'];
const BRIDGE_WHEN: readonly JobWhen[] = ['on_success', 'on_failure', 'always', 'manual'];
const MAX_TAGS = 50;
const RESOURCE_GROUP = /^[a-zA-Z0-9 \-_/${}.]+$/;

export function parseStage(site: Site): string | null {
  if (isString(site.value)) return site.value;
  site.config('should be a string');
  return null;
}

/** Fewer than 50 strings (GitLab says "less than the limit of 50 tags"). */
export function parseTags(site: Site): string[] | null {
  if (!isStringArray(site.value)) {
    site.config('should be an array of strings');
    return null;
  }
  if (site.value.length >= MAX_TAGS) {
    site.config(`must be less than the limit of ${MAX_TAGS} tags`);
    return null;
  }
  return site.value;
}

export function parseWhen(owner: Site, value: unknown, bridge: boolean): JobWhen | undefined {
  const allowed = bridge ? BRIDGE_WHEN : JOB_WHEN;
  if ((allowed as readonly unknown[]).includes(value)) return value as JobWhen;
  owner.attr('when', `should be one of: ${allowed.join(', ')}`);
  return undefined;
}

/** `start_in` is required with `when: delayed` (≤ 1 week) and must be blank otherwise or with rules. */
export function parseStartIn(owner: Site, raw: Record<string, unknown>, when: JobWhen | undefined): string | undefined {
  const value = raw.start_in;
  const hasRules = raw.rules !== undefined && raw.rules !== null;
  if (when !== 'delayed' || hasRules) {
    if (value !== undefined && value !== null && value !== '' && !hasRules) {
      owner.attr('start_in', 'must be blank', 'start_in only applies to `when: delayed`');
    }
    return undefined;
  }
  const error = checkDuration(value, ONE_WEEK);
  if (error) {
    owner.attr('start_in', error, value === undefined ? '`when: delayed` needs `start_in`' : undefined);
    return undefined;
  }
  return value as string;
}

/** Job `timeout` in seconds (≤ 1 month); a number is not accepted, only a duration string. */
export function parseTimeout(site: Site): number | null {
  const error = checkDuration(site.value, ONE_MONTH);
  if (error) {
    site.config(error, typeof site.value === 'number' ? `write it as a duration, e.g. "${site.value} seconds"` : undefined);
    return null;
  }
  return parseDuration(site.value as string);
}

export function parseBoolean(site: Site): boolean | undefined {
  if (typeof site.value === 'boolean') return site.value;
  site.config('should be a boolean value');
  return undefined;
}

/** `coverage: /regex/` — an RE2 literal between slashes (inline flags like `(?i)` allowed). */
export function parseCoverage(site: Site): string | undefined {
  const value = site.value;
  if (isString(value) && compileRegexLiteral(value) !== null) return value;
  site.config('must be a regular expression with re2 syntax');
  return undefined;
}

export function parseResourceGroup(owner: Site, value: unknown): string | undefined {
  if (!isString(value)) {
    owner.attr('resource_group', 'should be a string');
    return undefined;
  }
  if (!RESOURCE_GROUP.test(value) || value.startsWith('/') || value.endsWith('/')) {
    owner.attr(
      'resource_group',
      "can contain only letters, digits, '-', '_', '/', '$', '{', '}', '.', and spaces, but it cannot start or end with '/'",
    );
    return undefined;
  }
  return value;
}

export function parseString(owner: Site, key: string): string | undefined {
  const value = (owner.value as Record<string, unknown>)[key];
  if (isString(value)) return value;
  owner.attr(key, 'should be a string');
  return undefined;
}

export function parseDependencies(owner: Site, value: unknown): string[] | null {
  if (isStringArray(value)) return value;
  owner.attr('dependencies', 'should be an array of strings');
  return null;
}

const ID_TOKEN_KEYS: ReadonlySet<string> = new Set(['aud']);

/** `id_tokens: {NAME: {aud: string | [strings]}}`. */
export function parseIdTokens(site: Site): Record<string, { aud: string | string[] }> | undefined {
  if (!isMapping(site.value)) {
    site.config('should be a hash');
    return undefined;
  }
  const out: Record<string, { aud: string | string[] }> = {};
  for (const [name, raw] of Object.entries(site.value)) {
    const token = site.at(name);
    if (!isMapping(raw)) {
      token.config('should be a hash');
      continue;
    }
    if (!checkAllowedKeys(token, raw, ID_TOKEN_KEYS)) continue;
    if (stringOrStrings(raw.aud) === null) token.attr('aud', 'should be an array of strings or a string');
    else out[name] = { aud: raw.aud as string | string[] };
  }
  return out;
}
