// Human durations as GitLab reads `start_in` (ChronicDuration, spec §5.13): a bare number is seconds;
// otherwise `<number> <unit>` parts (`1h 30m`, `1 hour and 30 minutes`, `2 days`), or `h:m:s` clocks.

const UNIT_SECONDS: Record<string, number> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86_400, day: 86_400, days: 86_400,
  w: 604_800, wk: 604_800, wks: 604_800, week: 604_800, weeks: 604_800,
  mo: 2_592_000, mos: 2_592_000, month: 2_592_000, months: 2_592_000,
  y: 31_557_600, yr: 31_557_600, yrs: 31_557_600, year: 31_557_600, years: 31_557_600,
};

const NUMBER_WORDS: Record<string, string> = {
  one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
};

/** Seconds for a ChronicDuration-style text, or null when it is not a duration. */
export function parseDurationSeconds(text: string): number | null {
  const normalized = text
    .trim()
    .toLowerCase()
    .replace(/\b(one|two|three|four|five|six|seven|eight|nine|ten)\b/g, (w) => NUMBER_WORDS[w] ?? w)
    .replace(/\band\b|,/g, ' ')
    .trim();
  if (normalized === '') return null;
  if (/^\d+(\.\d+)?$/.test(normalized)) return Math.round(Number(normalized));
  const clock = /^(\d+):(\d{1,2})(?::(\d{1,2}))?$/.exec(normalized);
  if (clock) return clockSeconds(clock);
  return unitSeconds(normalized);
}

function clockSeconds(match: RegExpExecArray): number {
  const [a, b, c] = [Number(match[1]), Number(match[2]), match[3] === undefined ? undefined : Number(match[3])];
  return c === undefined ? a * 60 + b : a * 3600 + b * 60 + c;
}

function unitSeconds(text: string): number | null {
  const part = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(text)) !== null) {
    const unit = UNIT_SECONDS[match[2] ?? ''];
    if (unit === undefined) return null;
    total += Number(match[1]) * unit;
    consumed = part.lastIndex;
  }
  return consumed === text.length && consumed > 0 ? Math.round(total) : null;
}
