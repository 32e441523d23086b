// The runner's expansion applied to a whole variable list (gitlab-ci-yaml.md §7.3, mechanism 2):
// `JobVariables.Get` (last definition wins) as the lookup of variables/'s single-pass `expandRunner`,
// and `JobVariables.Expand()` — what `GetAllVariables()` hands to every stage script.
import type { JobVariable } from '../model/plan.js';
import { expandRunner as expandWithLookup, type VariableLookup } from './expand.js';

/** The runner's `JobVariables.Get` over a variable list (the last definition of a key wins). */
export function runnerLookup(variables: readonly JobVariable[]): VariableLookup {
  const values = new Map<string, string>();
  for (const v of variables) values.set(v.key, v.value);
  return (name) => values.get(name);
}

/** Expands `value` with `variables` exactly as the runner's `ExpandValue` does. */
export function expandRunnerValue(value: string, variables: readonly JobVariable[]): string {
  return expandWithLookup(value, runnerLookup(variables));
}

/**
 * The runner's `JobVariables.Expand()`: every non-raw value expanded once against the unexpanded list
 * (so `A: $B`, `B: $C` gives A the literal value of B, not C's).
 */
export function expandRunnerVariables(variables: readonly JobVariable[]): JobVariable[] {
  const lookup = runnerLookup(variables);
  return variables.map((v) => (v.raw ? { ...v } : { ...v, value: expandWithLookup(v.value, lookup) }));
}
