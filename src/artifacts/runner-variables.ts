// Runner-side expansion for cache keys, policies, artifact names and paths (gitlab-ci-yaml.md §7.3,
// mechanism 2): the job's variables after `JobVariables.Expand()`, then `ExpandValue` against them.
import type { JobVariable } from '../model/plan.js';
import { expandRunner, type VariableLookup } from '../variables/index.js';

/** A job's variables as the runner's `GetAllVariables()` returns them, with `ExpandValue` and `Value`. */
export interface RunnerVariables {
  readonly list: JobVariable[];
  /** `ExpandValue`: one runner pass over `text`. */
  expand(text: string): string;
  /** `Value`: the last definition of `key`, or ''. */
  value(key: string): string;
}

function lookupOf(variables: readonly JobVariable[]): VariableLookup {
  const values = new Map<string, string>();
  for (const v of variables) values.set(v.key, v.value);
  return (name) => values.get(name);
}

export function runnerVariables(vars: readonly JobVariable[]): RunnerVariables {
  const rawLookup = lookupOf(vars);
  const list = vars.map((v) => (v.raw ? { ...v } : { ...v, value: expandRunner(v.value, rawLookup) }));
  const lookup = lookupOf(list);
  return { list, expand: (text) => expandRunner(text, lookup), value: (key) => lookup(key) ?? '' };
}
