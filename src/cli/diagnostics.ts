// Warnings go to stderr as FILE:LINE:COLUMN: warning: message, so they never pollute --json stdout.
import type { ConfigDiagnostic } from '../model/config.js';
import { formatDiagnostic } from '../errors.js';

export function printWarnings(warnings: readonly ConfigDiagnostic[], stream: NodeJS.WritableStream = process.stderr): void {
  for (const w of warnings) stream.write(`${formatDiagnostic(w)}\n`);
}
