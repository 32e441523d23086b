// Typed errors with stable codes. Library code throws these; only the CLI boundary (cli/base-command.ts)
// renders them and chooses the exit status. Messages are plain text: colour is a reporter's job.
import type { ConfigDiagnostic, SourceLocation } from './model/config.js';

export type ErrorKind = 'usage' | 'config' | 'executor' | 'system' | 'interrupted';

export class GlciError extends Error {
  /** Stable machine-readable code, e.g. `CONFIG_INVALID`. */
  readonly code: string;
  /** What the user can do about it. */
  readonly hint: string | undefined;
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, code: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.hint = hint;
  }
}

/** Wrong flags or arguments. */
export class UsageError extends GlciError {
  constructor(message: string, hint?: string) {
    super('usage', 'USAGE', message, hint);
  }
}

/** The configuration is invalid; carries every problem found, each with its location when known. */
export class ConfigError extends GlciError {
  readonly diagnostics: ConfigDiagnostic[];

  constructor(diagnostics: ConfigDiagnostic[], hint?: string) {
    super('config', 'CONFIG_INVALID', diagnostics.map(formatDiagnostic).join('\n'), hint);
    this.diagnostics = diagnostics;
  }

  static at(location: SourceLocation | null, message: string, hint?: string): ConfigError {
    return new ConfigError([{ severity: 'error', message, location }], hint);
  }
}

/** An executor could not do its job (daemon unreachable, image missing, API error). */
export class ExecutorError extends GlciError {
  constructor(code: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super('executor', code, message, hint, options);
  }
}

/** The run was interrupted by the user (Ctrl-C). */
export class InterruptedError extends GlciError {
  constructor() {
    super('interrupted', 'INTERRUPTED', 'interrupted');
  }
}

/** `FILE:LINE:COLUMN: message`, or just the message when the location is unknown. */
export function formatDiagnostic(d: ConfigDiagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  if (!d.location) return `${prefix}${d.message}`;
  const { file, line, column } = d.location;
  return `${file}:${line}:${column}: ${prefix}${d.message}`;
}

/** A `rules:if` / `only:variables` expression does not lex or parse (GitLab: `Invalid expression syntax`). */
export class ExpressionError extends GlciError {
  constructor(message: string) {
    super('config', 'EXPRESSION_INVALID', message);
  }
}
