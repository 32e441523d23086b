// GitLab's deep merge (ActiveSupport `Hash#deep_merge`), used by include (spec §4.6) and extends
// (spec §3.1): mappings merge recursively; anything else from the later side replaces the
// earlier value — sequences are replaced, never concatenated, and an explicit null replaces too.
// Inputs are never modified and untouched values are shared, so merging costs O(keys merged).
import type { RawMapping } from './raw.js';
import type { LocationTable } from './yaml/location-table.js';
import { assignKey, hasOwn, isMapping } from './yaml/mapping.js';

export function deepMerge(base: RawMapping, override: RawMapping, table: LocationTable): RawMapping {
  const out: RawMapping = {};
  for (const key of Object.keys(base)) assignKey(out, key, base[key]);
  for (const key of Object.keys(override)) {
    const next = override[key];
    const previous = hasOwn(out, key) ? out[key] : undefined;
    assignKey(out, key, isMapping(previous) && isMapping(next) ? deepMerge(previous, next, table) : next);
  }
  // Later wins for locations too: keys are looked up in `override` first, then in `base`.
  table.derive(out, [base, override]);
  return out;
}
