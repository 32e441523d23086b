// The few TOML value forms glci writes into config.toml (runner-config/write-runner.ts): basic strings,
// integers, booleans, string arrays and offset date-times. Hand-written because @iarna/toml's
// stringify rewrites the whole document, losing the user's comments and layout.

export type TomlScalar = string | number | boolean | readonly string[] | TomlDatetime;

/** A date-time written bare (`2026-01-02T03:04:05Z`), as GitLab Runner writes token times. */
export class TomlDatetime {
  constructor(readonly date: Date) {}
}

/** Go's zero time: what GitLab Runner writes for a token that never expires. */
export const ZERO_DATETIME = '0001-01-01T00:00:00Z';

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/** A TOML basic string: quotes, backslashes and every control character escaped. */
export function tomlString(value: string): string {
  const escaped = value.replace(/["\\\u0000-\u001f\u007f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"`;
}

/** RFC 3339 UTC, whole seconds without a fraction (Go's RFC3339Nano drops trailing zeros). */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

export function tomlValue(value: TomlScalar): string {
  if (value instanceof TomlDatetime) return value.date.getUTCFullYear() <= 1 ? ZERO_DATETIME : rfc3339(value.date);
  if (typeof value === 'string') return tomlString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`config.toml values written by glci are integers, not ${value}`);
    return String(value);
  }
  return `[${value.map(tomlString).join(', ')}]`;
}

/** `key = value`; keys outside TOML's bare-key alphabet are quoted. */
export function tomlLine(indent: string, key: string, value: TomlScalar): string {
  const bare = /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
  return `${indent}${bare} = ${tomlValue(value)}\n`;
}

/** A date-time value from an RFC 3339 string, or Go's zero time for null. */
export function datetimeOrZero(value: string | null | undefined): TomlDatetime {
  return new TomlDatetime(value ? new Date(value) : new Date(ZERO_DATETIME));
}
