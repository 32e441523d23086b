// Variable precedence (gitlab-ci-yaml.md §7.1): layers are merged lowest first, a later layer's definition
// of a key replaces an earlier one.
import type { JobVariable } from '../model/plan.js';

/** Merges layers (lowest precedence first): later wins, each key keeps the position of its first definition. */
export function mergeVariableLayers(layers: JobVariable[][]): JobVariable[] {
  const merged = new Map<string, JobVariable>();
  for (const layer of layers) {
    for (const variable of layer) merged.set(variable.key, variable);
  }
  return [...merged.values()];
}
