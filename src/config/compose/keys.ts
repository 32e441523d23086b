// Key-set checks shared by every mapping entry: unknown keys (with a "did you mean" hint) and
// mutually exclusive keys, worded as GitLab's AllowedKeys / MutuallyExclusiveKeys validators.
import type { RawMapping } from '../raw.js';
import type { Site } from './site.js';

/** Reports `<path> config contains unknown keys: <keys>`; true when every key is allowed. */
export function checkAllowedKeys(site: Site, mapping: RawMapping, allowed: ReadonlySet<string>): boolean {
  const unknown = Object.keys(mapping).filter((key) => !allowed.has(key));
  if (unknown.length === 0) return true;
  const guesses = unknown
    .map((key) => [key, closestKey(key, allowed)] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== null)
    .map(([key, guess]) => (unknown.length === 1 ? `did you mean \`${guess}\`?` : `${key}: did you mean \`${guess}\`?`));
  const where = site.at(unknown[0] as string);
  where.problems.error(
    `${site.path} config contains unknown keys: ${unknown.join(', ')}`.toLowerCase() +
      (guesses.length > 0 ? ` (${guesses.join('; ')})` : ''),
    where.location(),
  );
  return false;
}

/** Reports `<path> config these keys cannot be used together: <keys>` when more than one is set. */
export function checkExclusive(site: Site, mapping: RawMapping, keys: readonly string[]): boolean {
  const present = keys.filter((key) => key in mapping);
  if (present.length <= 1) return true;
  site.at(present[1] as string).as(site.path).config(`these keys cannot be used together: ${present.join(', ')}`);
  return false;
}

/** The allowed key closest to a misspelt one, when it is close enough to be a typo. */
export function closestKey(key: string, allowed: Iterable<string>): string | null {
  const lower = key.toLowerCase();
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  for (const candidate of allowed) {
    const distance = editDistance(lower, candidate);
    if (distance <= bestDistance && (best === null || distance < bestDistance)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Damerau-Levenshtein (optimal string alignment) distance: a swap of two letters costs 1. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = value;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}
