// Output shared by the benchmarks: durations in seconds or milliseconds and a left-aligned text table.

export const seconds = (ms) => `${(ms / 1000).toFixed(3)} s`;
export const millis = (ms) => `${ms.toFixed(1)} ms`;

/** `header` and every row are arrays of strings of the same length. */
export function formatTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return `${line(header)}\n${rows.map(line).join('\n')}\n`;
}

/** The number after `--name` in argv, or `fallback` when the flag is absent or not a positive number. */
export function numberFlag(argv, name, fallback) {
  const i = argv.indexOf(name);
  const n = i >= 0 ? Number(argv[i + 1]) : NaN;
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
