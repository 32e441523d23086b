// Typed reading of one config.toml table. Every problem is collected (not thrown) so the user sees all
// of them in one ConfigError, each at the FILE:LINE:COLUMN where the key is written; every setting
// read records whether it came from the file or a default, for `glci config show`.
import type { ConfigDiagnostic, PullPolicy } from '../model/config.js';
import type { RunnerConfigWarning, SettingOrigin } from '../model/runner.js';
import type { TableSchema } from './schema.js';
import { didYouMean } from './suggest.js';
import { TomlPositions, joinIndex, joinKey } from './toml-positions.js';

export type TomlTable = Record<string, unknown>;

export interface ParseContext {
  file: string;
  positions: TomlPositions;
  errors: ConfigDiagnostic[];
  warnings: RunnerConfigWarning[];
  origins: Record<string, SettingOrigin>;
  /** TOML paths of valid GitLab Runner keys glci does not use. */
  ignored: string[];
  /** The ignored keys set to something that changes a job (see TableSchema.noted). */
  noted: string[];
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `tls_verify` → `tlsVerify`: model field names are camelCase forms of the TOML keys. */
export function camel(key: string): string {
  return key.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** How a wrong value is shown in a message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return `a date (${value.toISOString()})`;
  if (Array.isArray(value)) return 'an array';
  if (isTable(value)) return 'a table';
  return String(value);
}

/** Whether an ignored key is set to something other than its zero value. */
function isSet(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isTable(value)) return Object.keys(value).length > 0;
  return value !== undefined && value !== false && value !== 0 && value !== '' && value !== 0n;
}

type Convert<T> = (value: unknown, path: string) => T | undefined;

export class Section {
  constructor(
    readonly ctx: ParseContext,
    readonly table: TomlTable,
    /** TOML path, as messages show it: `runners[0].docker`. */
    readonly path: string,
    /** Model path, as `origins` keys it: `runners[0].docker`. */
    readonly modelPath: string,
  ) {}

  keyPath(key: string): string {
    return joinKey(this.path, key);
  }

  error(path: string, message: string): void {
    const at = this.ctx.positions.find(path) ?? { line: 1, column: 1 };
    this.ctx.errors.push({ severity: 'error', message, location: { file: this.ctx.file, ...at } });
  }

  warn(path: string, message: string): void {
    const at = this.ctx.positions.find(path);
    this.ctx.warnings.push({ message, file: this.ctx.file, line: at?.line ?? null, ...(at ? { column: at.column } : {}) });
  }

  setOrigin(key: string, origin: SettingOrigin): void {
    this.ctx.origins[this.modelPath === '' ? camel(key) : `${this.modelPath}.${camel(key)}`] = origin;
  }

  has(key: string): boolean {
    return this.table[key] !== undefined;
  }

  /** Reads `key` with `convert`; absent: undefined and a `default` origin; wrong type: an error. */
  read<T>(key: string, expected: string, convert: Convert<T>): T | undefined {
    const value = this.table[key];
    this.setOrigin(key, value === undefined ? 'default' : 'file');
    if (value === undefined) return undefined;
    const path = this.keyPath(key);
    const converted = convert(value, path);
    if (converted === undefined) this.error(path, `${path} must be ${expected}, not ${describeValue(value)}`);
    return converted;
  }

  string(key: string): string | undefined {
    return this.read(key, 'a string', asString);
  }

  boolean(key: string, fallback: boolean): boolean {
    return this.optionalBoolean(key) ?? fallback;
  }

  optionalBoolean(key: string): boolean | undefined {
    return this.read(key, 'a boolean (true or false)', (v) => (typeof v === 'boolean' ? v : undefined));
  }

  integer(key: string, fallback: number): number {
    return this.optionalInteger(key) ?? fallback;
  }

  optionalInteger(key: string): number | undefined {
    return this.read(key, 'an integer', asInteger);
  }

  strings(key: string): string[] {
    return this.read(key, 'an array of strings', (v, path) => this.list(v, path, 'a string', asString)) ?? [];
  }

  stringMap(key: string): Record<string, string> {
    return this.read(key, 'a table of strings', (v, path) => this.map(v, path, 'a string', asString)) ?? {};
  }

  stringsMap(key: string): Record<string, string[]> {
    const element = (v: unknown, path: string) => this.list(v, path, 'a string', asString);
    return this.read(key, 'a table of string arrays', (v, path) => this.map(v, path, 'an array of strings', element)) ?? {};
  }

  booleanMap(key: string): Record<string, boolean> {
    const element = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
    return this.read(key, 'a table of booleans', (v, path) => this.map(v, path, 'a boolean (true or false)', element)) ?? {};
  }

  /** A sub-table (`[runners.docker]`), or null when absent or not a table (an error then). */
  child(key: string): Section | null {
    const value = this.read(key, 'a table', (v) => (isTable(v) ? v : undefined));
    const modelPath = this.modelPath === '' ? camel(key) : `${this.modelPath}.${camel(key)}`;
    return value ? new Section(this.ctx, value, this.keyPath(key), modelPath) : null;
  }

  /** An array of tables (`[[runners]]`); `hint` explains the usual mistake when it is something else. */
  tables(key: string, hint: string): Section[] {
    const value = this.read(key, `an array of tables (${hint})`, (v) => (Array.isArray(v) && v.every(isTable) ? v : undefined));
    const modelPath = this.modelPath === '' ? camel(key) : `${this.modelPath}.${camel(key)}`;
    return (value ?? []).map((t, i) => new Section(this.ctx, t, joinIndex(this.keyPath(key), i), joinIndex(modelPath, i)));
  }

  /** Unknown keys become warnings (GitLab Runner loads such files); ignored ones are recorded. */
  checkKeys(schema: TableSchema, elsewhere?: { schema: TableSchema; table: string }): void {
    for (const [key, value] of Object.entries(this.table)) {
      if (schema.read.includes(key)) continue;
      const path = this.keyPath(key);
      if (schema.ignored.includes(key)) {
        this.ctx.ignored.push(path);
        if (schema.noted.includes(key) && isSet(value)) this.ctx.noted.push(path);
        continue;
      }
      let suggestion = didYouMean(key, [...schema.read, ...schema.ignored]);
      if (suggestion === '' && elsewhere?.schema.read.includes(key)) suggestion = ` (it belongs in ${elsewhere.table})`;
      this.warn(path, `unknown setting ${path}, ignored${suggestion}`);
    }
  }

  private list<T>(value: unknown, path: string, expected: string, convert: Convert<T>): T[] | undefined {
    if (!Array.isArray(value)) return undefined;
    const out: T[] = [];
    value.forEach((element: unknown, i) => {
      const at = joinIndex(path, i);
      const converted = convert(element, at);
      if (converted === undefined) this.error(at, `${at} must be ${expected}, not ${describeValue(element)}`);
      else out.push(converted);
    });
    return out;
  }

  private map<T>(value: unknown, path: string, expected: string, convert: Convert<T>): Record<string, T> | undefined {
    if (!isTable(value)) return undefined;
    const out: Record<string, T> = {};
    for (const [key, element] of Object.entries(value)) {
      const at = joinKey(path, key);
      const converted = convert(element, at);
      if (converted === undefined) this.error(at, `${at} must be ${expected}, not ${describeValue(element)}`);
      else out[key] = converted;
    }
    return out;
  }
}

export const PULL_POLICIES: readonly PullPolicy[] = ['always', 'if-not-present', 'never'];

/**
 * One policy list of `[runners.docker]` or `[runners.kubernetes]` (both take GitLab's docker policy
 * names): `pull_policy` may be a string or an array, `allowed_pull_policies` only an array.
 * Unset or empty: undefined, so each table applies its own default.
 */
export function readPullPolicyList(s: Section, key: string, allowString: boolean): PullPolicy[] | undefined {
  const expected = allowString ? 'a string or an array of strings' : 'an array of strings';
  const list = s.read(key, expected, (v) => {
    if (allowString && typeof v === 'string') return [v];
    return Array.isArray(v) && v.every((e) => typeof e === 'string') ? (v as string[]) : undefined;
  });
  if (list === undefined || list.length === 0) return undefined;
  const path = s.keyPath(key);
  const policies: PullPolicy[] = [];
  list.forEach((value, i) => {
    const policy = PULL_POLICIES.find((p) => p === value);
    if (policy) policies.push(policy);
    // GitLab Runner's own wording (common/config.go), then where and what is allowed.
    else s.error(Array.isArray(s.table[key]) ? joinIndex(path, i) : path, `unsupported ${key} config: ${JSON.stringify(value)} (${path} takes ${PULL_POLICIES.join(', ')})`);
  });
  return policies;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function asInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  // @iarna/toml returns integers beyond 2^53 as bigint; no setting glci reads needs that range.
  if (typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return undefined;
}
