// Human durations as GitLab reads them with ChronicDuration (gitlab-chronic-duration, with
// raise_exceptions on): `3600`, `1h 30m`, `3 hours and 30 minutes`, `one hour`, `1:30:00`.
// https://docs.gitlab.com/ci/yaml/#timeout — spec §5.13.

const SECOND = 1;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** ChronicDuration counts a month as 30 days and a year as 365.25 days. */
const MONTH = 30 * DAY;
const YEAR = 31_557_600;

const UNITS: ReadonlyMap<string, number> = new Map([
  ...['seconds', 'second', 'secs', 'sec', 's'].map((w) => [w, SECOND] as const),
  ...['minutes', 'minute', 'mins', 'min', 'm'].map((w) => [w, MINUTE] as const),
  ...['hours', 'hour', 'hrs', 'hr', 'h'].map((w) => [w, HOUR] as const),
  ...['days', 'day', 'dy', 'd'].map((w) => [w, DAY] as const),
  ...['weeks', 'week', 'wks', 'wk', 'w'].map((w) => [w, WEEK] as const),
  ...['months', 'month', 'mos', 'mo'].map((w) => [w, MONTH] as const),
  ...['years', 'year', 'yrs', 'y'].map((w) => [w, YEAR] as const),
]);

/** Colon form `h:m:s` reads right to left as seconds, minutes, hours, days... */
const COLON_UNITS = [SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, YEAR];
const JOIN_WORDS = new Set(['and', 'with', 'plus']);
const NUMBER_WORDS: ReadonlyMap<string, number> = new Map(
  [
    'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
    'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty',
  ].map((word, index) => [word, index] as const).concat([['thirty', 30], ['forty', 40], ['fifty', 50], ['sixty', 60]]),
);
const NUMBER = /[0-9]*\.?[0-9]+/g;
const COLON_FORM = /^[0-9]*\.?[0-9]+(:[0-9]*\.?[0-9]+)+$/;

export const ONE_WEEK = WEEK;
export const ONE_MONTH = MONTH;

/**
 * Seconds in `text`, or null when ChronicDuration would reject it (unknown word) or find zero
 * (ChronicDuration returns nil for a zero duration, which GitLab treats as invalid).
 */
export function parseDuration(text: string): number | null {
  const compact = text.toLowerCase().replace(/\s+/g, '');
  const words = COLON_FORM.test(compact) ? colonWords(compact) : tokenize(text.toLowerCase());
  if (words === null) return null;
  let total = 0;
  let sawNumber = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (!/^[0-9]*\.?[0-9]+$/.test(word)) continue;
    sawNumber = true;
    const next = words[i + 1];
    total += Number(word) * (next !== undefined ? (UNITS.get(next) ?? SECOND) : SECOND);
  }
  if (!sawNumber || total === 0) return null;
  return total;
}

/** `1:30` → `1 minutes 30 seconds`, as ChronicDuration's filter_by_type does. */
function colonWords(compact: string): string[] | null {
  const parts = compact.split(':').reverse();
  if (parts.length > COLON_UNITS.length) return null;
  const words: string[] = [];
  parts.forEach((part, index) => words.unshift(part, unitName(COLON_UNITS[index] as number)));
  return words;
}

function unitName(multiplier: number): string {
  for (const [word, value] of UNITS) if (value === multiplier) return word;
  return 'seconds';
}

/** Splits numbers from words, turns number words into digits, drops join words, rejects others. */
function tokenize(lower: string): string[] | null {
  const spaced = lower.replace(NUMBER, (n) => ` ${n} `);
  const words: string[] = [];
  for (const raw of spaced.split(/\s+/)) {
    if (raw === '') continue;
    if (/^[0-9]*\.?[0-9]+$/.test(raw)) {
      words.push(raw);
      continue;
    }
    const word = raw.replace(/^,+|,+$/g, '');
    const numeric = NUMBER_WORDS.get(word);
    if (numeric !== undefined) words.push(String(numeric));
    else if (UNITS.has(word)) words.push(word);
    else if (!JOIN_WORDS.has(word) && word !== '') return null;
  }
  // "hour" alone means one hour: ChronicDuration puts a 1 in front of a leading unit.
  if (words.length > 0 && UNITS.has(words[0] as string)) words.unshift('1');
  return words;
}

/** True when `text` holds a CI/CD variable reference: GitLab skips duration checks then. */
export function hasVariableReference(text: string): boolean {
  return /\$(?:[a-zA-Z_][a-zA-Z0-9_]*|\{[a-zA-Z_][a-zA-Z0-9_]*\}|%[a-zA-Z_][a-zA-Z0-9_]*%)/.test(text);
}
