// Turns any thrown value into what the user sees: plain text (or a JSON object with --json),
// never a stack trace, and the exit status of the table in exit-codes.ts.
import { ConfigError, GlciError, formatDiagnostic } from '../errors.js';
import { ExitCode, exitCodeForErrorKind } from './exit-codes.js';

export interface RenderedError {
  exitCode: number;
  text: string;
  json: { error: { code: string; message: string; hint?: string; diagnostics?: unknown[] } };
}

/** oclif's own parse errors (unknown flag, missing argument) carry `oclif.exit`. */
function isOclifUsageError(err: unknown): err is Error & { oclif: { exit?: number } } {
  return err instanceof Error && typeof (err as { oclif?: unknown }).oclif === 'object';
}

export function renderError(err: unknown): RenderedError {
  if (err instanceof ConfigError) {
    const lines = err.diagnostics.map(formatDiagnostic);
    if (err.hint) lines.push(`hint: ${err.hint}`);
    return {
      exitCode: ExitCode.usageOrConfig,
      text: lines.join('\n'),
      json: { error: { code: err.code, message: err.message, hint: err.hint, diagnostics: err.diagnostics } },
    };
  }
  if (err instanceof GlciError) {
    const text = err.hint ? `error: ${err.message}\nhint: ${err.hint}` : `error: ${err.message}`;
    return { exitCode: exitCodeForErrorKind(err.kind), text, json: { error: { code: err.code, message: err.message, hint: err.hint } } };
  }
  if (isOclifUsageError(err)) {
    const exit = err.oclif.exit ?? ExitCode.usageOrConfig;
    return { exitCode: exit === 0 ? 0 : ExitCode.usageOrConfig, text: `error: ${err.message}\nhint: see --help`, json: { error: { code: 'USAGE', message: err.message } } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    exitCode: ExitCode.executorOrSystem,
    text: `error: ${message}\nhint: this is a bug in glci if it is not about your system; set GLCI_DEBUG=1 to see details`,
    json: { error: { code: 'INTERNAL', message } },
  };
}
