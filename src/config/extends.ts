// Step 4: `extends` on every top-level entry whose value is a mapping with an `extends` key
// (spec §3.1, GitLab's Config::Extendable::Entry): bases are extended first (results written back),
// then merged in list order under the entry's own value. Checks, in GitLab's order: unknown bases,
// bases that are not mappings, more than 10 ancestors, cycles. GitLab stops at the first error;
// glci reports one error per failing entry.
import type { ConfigDiagnostic, SourceLocation } from '../model/config.js';
import { deepMerge } from './merge.js';
import type { RawMapping } from './raw.js';
import type { LocationTable } from './yaml/location-table.js';
import { hasOwn, isMapping } from './yaml/mapping.js';
import { rubyInspect, rubyToS } from './yaml/ruby-inspect.js';

const MAX_NESTING_LEVELS = 10;

class ExtendsError extends Error {
  constructor(readonly key: string, message: string) {
    super(`${key}: ${message}`);
  }
}

/** Extends `root` in place; returns one error per top-level entry that cannot be extended. */
export function applyExtends(root: RawMapping, table: LocationTable): ConfigDiagnostic[] {
  const extender = new Extender(root, table);
  const errors: ConfigDiagnostic[] = [];
  const seen = new Set<string>();
  for (const key of Object.keys(root)) {
    try {
      extender.extend(key, []);
    } catch (error) {
      if (!(error instanceof ExtendsError)) throw error;
      if (seen.has(error.message)) continue;
      seen.add(error.message);
      errors.push({ severity: 'error', message: error.message, location: extender.extendsLocation(error.key) });
    }
  }
  return errors;
}

class Extender {
  /** Entries already extended → the longest chain of extensible bases below them. */
  readonly #heights = new Map<string, number>();
  /** The values as written, before extension replaced them (for error locations). */
  readonly #written = new Map<string, RawMapping>();

  constructor(
    private readonly root: RawMapping,
    private readonly table: LocationTable,
  ) {}

  /** Extends `key` (reached through `ancestors`); returns its height. */
  extend(key: string, ancestors: readonly string[]): number {
    const value = this.root[key];
    if (!isMapping(value) || !hasOwn(value, 'extends')) return -1;
    const height = this.#heights.get(key);
    // A finished entry has no cycle below it; it only needs re-walking when the depth limit could be hit.
    if (height !== undefined && ancestors.length + height <= MAX_NESTING_LEVELS) return height;
    if (!this.#written.has(key)) this.#written.set(key, value);
    const bases = extendsKeys(value.extends);
    const unknown = bases.filter((base) => !hasOwn(this.root, base));
    if (unknown.length > 0) throw new ExtendsError(key, `unknown keys in \`extends\` (${unknown.join(', ')})`);
    const invalid = bases.filter((base) => !isMapping(this.root[base]));
    if (invalid.length > 0) throw new ExtendsError(key, `invalid base hashes in \`extends\` (${invalid.join(', ')})`);
    if (ancestors.length > MAX_NESTING_LEVELS) throw new ExtendsError(key, 'nesting too deep in `extends`');
    if (ancestors.includes(key)) throw new ExtendsError(key, 'circular dependency detected in `extends`');
    const below = [...ancestors, key];
    const heights = bases.map((base) => this.extend(base, below));
    let merged: RawMapping = {};
    for (const base of bases) merged = deepMerge(merged, this.root[base] as RawMapping, this.table);
    this.root[key] = deepMerge(merged, this.root[key] as RawMapping, this.table);
    const own = Math.max(0, ...heights.map((h) => h + 1));
    this.#heights.set(key, own);
    return own;
  }

  /** Where the `extends` key of `key` is written. */
  extendsLocation(key: string): SourceLocation | null {
    const value = this.#written.get(key) ?? this.root[key];
    if (!isMapping(value)) return this.table.locate(this.root, key);
    return this.table.locate(value, 'extends') ?? this.table.locate(this.root, key);
  }
}

/** Ruby `Array(value).map(&:to_s)`: a string, a list, or nothing. */
function extendsKeys(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => (typeof item === 'object' && item !== null ? rubyInspect(item) : rubyToS(item, false)));
}
