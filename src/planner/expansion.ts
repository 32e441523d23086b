// GitLab's nested expansion of a job's variable values (spec §7.3), handed only the variables it can
// change. Most of a job's ~100 variables (predefined values, plain YAML values) hold no `$` or `%`:
// expansion leaves them as they are, and they matter only as targets of references. Passing just the
// values with references, plus the variables they name, gives the same result at a fraction of the cost
// for a 1,000-job plan.
import type { JobVariable } from '../model/plan.js';
import { expandVariableValues } from '../variables/index.js';

// A superset of what nested expansion reads as a reference (`$$`/`%%` escapes are not told apart, which
// only adds a variable to the subset, never changes a result).
const REFERENCE = /\$([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|%([A-Za-z_][A-Za-z0-9_]*)%/g;

/**
 * `expandVariableValues` of a merged list (one entry per key). Entries that need no expansion are
 * returned as given (shared between jobs: treat JobVariable objects as immutable).
 */
export function expandMergedVariables(merged: readonly JobVariable[], jobName: string): JobVariable[] {
  const active = merged.filter(canChange);
  if (active.length === 0) return [...merged];
  const needed = new Set(active.map((v) => v.key));
  for (const v of active) for (const name of referencedNames(v.value)) needed.add(name);
  const subset = merged.filter((v) => needed.has(v.key));
  const expanded = new Map(expandVariableValues(subset, jobName).map((v) => [v.key, v]));
  return merged.map((v) => expanded.get(v.key) ?? v);
}

/** Whether nested expansion can change the value: not raw, and holding a `$` or `%`. */
export function canChange(v: JobVariable): boolean {
  return !v.raw && (v.value.includes('$') || v.value.includes('%'));
}

/** Names the value may reference (`$NAME`, `${NAME}`, `%NAME%`), each once. */
export function referencedNames(value: string): string[] {
  const names = new Set<string>();
  for (const match of value.matchAll(REFERENCE)) names.add(match[1] ?? match[2] ?? match[3] ?? '');
  return [...names];
}
