// Reading a scalar as the string GitLab would make of it (Ruby `to_s`, spec §2.7). Whether a
// number was written as a float comes from the resolution half's location index.
import { rubyToS } from './ruby-to-s.js';
import type { Site } from './site.js';

/** `holder[key]` as GitLab's `to_s`, or null when it is not a scalar (null, list, mapping). */
export function scalarString(site: Site, holder: object, key: string | number): string | null {
  const value = (holder as Record<string | number, unknown>)[key];
  const float = typeof value === 'number' && (site.problems.locations.isFloat?.(holder, key) ?? false);
  return rubyToS(value, float);
}
