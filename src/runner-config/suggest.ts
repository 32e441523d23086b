// "did you mean X?" for misspelt config.toml keys and values. Keys are compared case-insensitively
// with `-` and `_` treated alike, because `pull-policy` and `Privileged` are the usual slips.

function normalise(word: string): string {
  return word.toLowerCase().replace(/-/g, '_');
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** The closest candidate when it is close enough to be a typo, else null. */
export function closest(word: string, candidates: readonly string[]): string | null {
  const target = normalise(word);
  const limit = target.length <= 4 ? 1 : target.length <= 10 ? 2 : 3;
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(target, normalise(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` (did you mean "x"?)`, or nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closest(word, candidates);
  return match === null ? '' : ` (did you mean ${match}?)`;
}
