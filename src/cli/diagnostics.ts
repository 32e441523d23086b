// Warnings go to stderr as FILE:LINE:COLUMN: warning: message, so they never pollute --json stdout.
// `lint` prints them all; commands that do something else print a few and say how many were left out,
// so a large config's repeated warning does not bury the output.
import type { ConfigDiagnostic } from '../model/config.js';
import { formatDiagnostic } from '../errors.js';

export function printWarnings(
  warnings: readonly ConfigDiagnostic[],
  options: { limit?: number; stream?: NodeJS.WritableStream } = {},
): void {
  const stream = options.stream ?? process.stderr;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  for (const w of warnings.slice(0, limit)) stream.write(`${formatDiagnostic(w)}\n`);
  const hidden = warnings.length - Math.min(limit, warnings.length);
  if (hidden > 0) stream.write(`... and ${hidden} more warning${hidden === 1 ? '' : 's'} (glci lint lists them all)\n`);
}
