// Deprecated `only:` / `except:` — a list of refs or `{refs, variables, changes, kubernetes}`.
// https://docs.gitlab.com/ci/yaml/deprecated_keywords/ — spec §5.15 (entry/policy.rb).
import type { PolicyDefinition } from '../../model/config.js';
import { compileRegexLiteral, validateExpression } from '../../expr/index.js';
import { checkAllowedKeys } from './keys.js';
import { isMapping, isStringArray } from './shapes.js';
import type { Site } from './site.js';

const KEYS: ReadonlySet<string> = new Set(['refs', 'variables', 'changes', 'kubernetes']);
const REFS_MESSAGE = 'should be an array of strings or regular expressions using re2 syntax';

/** GitLab's implicit `only` for jobs without rules/only/except when there are no workflow:rules. */
export const DEFAULT_ONLY_REFS: readonly string[] = ['branches', 'tags'];

export function parsePolicy(site: Site): PolicyDefinition | null {
  const raw = site.value;
  if (Array.isArray(raw)) {
    if (!refsValid(raw)) {
      site.config(REFS_MESSAGE);
      return null;
    }
    return { refs: raw as string[] };
  }
  if (!isMapping(raw)) {
    site.problems.error(`${site.path} has to be either an array of conditions or a hash`.toLowerCase(), site.location());
    return null;
  }
  let ok = checkAllowedKeys(site, raw, KEYS);
  const out: PolicyDefinition = {};
  if (present(raw.refs)) {
    if (refsValid(raw.refs)) out.refs = raw.refs as string[];
    else ok = fail(site, 'refs', REFS_MESSAGE);
  }
  if (present(raw.variables)) {
    if (!isStringArray(raw.variables)) ok = fail(site, 'variables', 'should be an array of strings');
    else {
      const bad = raw.variables.map((e) => validateExpression(e)).find((problem) => problem !== null);
      if (bad) ok = fail(site, 'variables', 'invalid expression syntax', bad);
      else out.variables = raw.variables;
    }
  }
  if (present(raw.changes)) {
    if (isStringArray(raw.changes)) out.changes = raw.changes;
    else ok = fail(site, 'changes', 'should be an array of strings');
  }
  if (present(raw.kubernetes)) {
    if (raw.kubernetes === 'active') out.kubernetes = 'active';
    else ok = fail(site, 'kubernetes', `unknown value: ${String(raw.kubernetes)}`);
  }
  return ok ? out : null;
}

/** Strings, where a `/pattern/flags` entry must be a valid RE2 regular expression. */
function refsValid(value: unknown): boolean {
  if (!isStringArray(value)) return false;
  return value.every((ref) => !(ref.length > 1 && ref.startsWith('/') && ref.endsWith('/')) || compileRegexLiteral(ref) !== null);
}

function fail(site: Site, key: string, message: string, hint?: string): false {
  site.attr(key, message, hint);
  return false;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Merges GitLab's default `only: {refs: [branches, tags]}` into an explicit policy without refs. */
export function withDefaultRefs(policy: PolicyDefinition | null): PolicyDefinition {
  if (policy === null) return { refs: [...DEFAULT_ONLY_REFS] };
  return policy.refs ? policy : { refs: [...DEFAULT_ONLY_REFS], ...policy };
}

