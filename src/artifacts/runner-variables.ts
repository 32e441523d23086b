// Runner-side expansion for cache keys, policies, artifact names and paths (gitlab-ci-yaml.md §7.3,
// mechanism 2): the job's variables after `JobVariables.Expand()`, then `ExpandValue` against them.
import type { JobVariable } from '../model/plan.js';
import { expandRunner, expandRunnerVariables, runnerLookup } from '../variables/index.js';

/** A job's variables as the runner's `GetAllVariables()` returns them, with `ExpandValue` and `Value`. */
export interface RunnerVariables {
  readonly list: JobVariable[];
  /** `ExpandValue`: one runner pass over `text`. */
  expand(text: string): string;
  /** `Value`: the last definition of `key`, or ''. */
  value(key: string): string;
}

export function runnerVariables(vars: readonly JobVariable[]): RunnerVariables {
  const list = expandRunnerVariables(vars);
  const lookup = runnerLookup(list);
  return { list, expand: (text) => expandRunner(text, lookup), value: (key) => lookup(key) ?? '' };
}
