// `rules:changes` and `rules:exists` clauses (also used by workflow:rules).
// https://docs.gitlab.com/ci/yaml/#ruleschanges — spec §5.14 (entry/rules/rule/{changes,exists}.rb).
import type { ChangesClause, ExistsClause } from '../../model/config.js';
import { checkAllowedKeys } from './keys.js';
import { isMapping, isString, isStringArray } from './shapes.js';
import type { Site } from './site.js';

const MAX_PATHS = 50;
const CHANGES_KEYS: ReadonlySet<string> = new Set(['paths', 'compare_to']);
const EXISTS_KEYS: ReadonlySet<string> = new Set(['paths', 'project', 'ref']);

/** `changes: [globs]` or `changes: {paths: [globs], compare_to: ref}`. */
export function parseChanges(site: Site): ChangesClause | null {
  const raw = site.value;
  if (Array.isArray(raw)) {
    const paths = pathList(site, raw);
    return paths ? { paths } : null;
  }
  if (!isMapping(raw)) {
    site.problems.error(`${site.path} should be an array or a hash`.toLowerCase(), site.location());
    return null;
  }
  let ok = checkAllowedKeys(site, raw, CHANGES_KEYS);
  if (raw.paths === undefined || raw.paths === null) {
    site.config('missing required keys: paths');
    return null;
  }
  const paths = pathList(site.at('paths'), raw.paths);
  const clause: ChangesClause = { paths: paths ?? [] };
  if (raw.compare_to !== undefined && raw.compare_to !== null) {
    if (isString(raw.compare_to)) clause.compareTo = raw.compare_to;
    else {
      site.attr('compare_to', 'should be a string');
      ok = false;
    }
  }
  return ok && paths ? clause : null;
}

/** `exists: glob | [globs]` or `exists: {paths, project, ref}`. */
export function parseExists(site: Site): ExistsClause | null {
  const raw = site.value;
  if (isString(raw)) return { paths: [raw] };
  if (Array.isArray(raw)) {
    const paths = pathList(site, raw);
    return paths ? { paths } : null;
  }
  if (!isMapping(raw)) {
    site.problems.error(`${site.path} should be a string, an array of strings, or a hash`.toLowerCase(), site.location());
    return null;
  }
  let ok = checkAllowedKeys(site, raw, EXISTS_KEYS);
  if (raw.paths === undefined || raw.paths === null) {
    site.config('missing required keys: paths');
    return null;
  }
  if ((raw.ref !== undefined && raw.ref !== null) && (raw.project === undefined || raw.project === null)) {
    site.config('missing required keys: project');
    ok = false;
  }
  const paths = pathList(site.at('paths'), raw.paths);
  const clause: ExistsClause = { paths: paths ?? [] };
  for (const key of ['project', 'ref'] as const) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    if (isString(value)) clause[key] = value;
    else {
      site.attr(key, 'should be a string');
      ok = false;
    }
  }
  return ok && paths ? clause : null;
}

function pathList(site: Site, raw: unknown): string[] | null {
  if (!isStringArray(raw)) {
    site.config('should be an array of strings');
    return null;
  }
  if (raw.length > MAX_PATHS) {
    site.config(`has too many entries (maximum ${MAX_PATHS})`);
    return null;
  }
  return raw;
}
