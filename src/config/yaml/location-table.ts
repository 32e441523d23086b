// The LocationIndex implementation. Parsed nodes record their own position and their keys' /
// items' positions as text offsets (turned into line/column only when asked, which keeps loading
// large files cheap). Nodes built later by deep merge (include, extends) do not copy those tables:
// they list the nodes they were merged from, and a key is looked up in the last source that has
// it — the same "later wins" rule the merge applied to the value, so the location always belongs
// to the definition that provided the value, at no cost until a location is asked for.
import type { SourceLocation } from '../../model/config.js';
import type { LocationIndex } from '../raw.js';
import type { LineIndex } from './documents.js';
import { hasOwn } from './mapping.js';

type Key = string | number;

/**
 * A key's position: `offset * 4 + flags` in the node's file (FLOAT: the value was a YAML float;
 * NON_STRING_KEY: the key itself was not a string in YAML, such as `10:`), or an explicit record.
 */
type KeyEntry = number | { location: SourceLocation | null; float: boolean; nonStringKey?: boolean };

const FLOAT = 1;
const NON_STRING_KEY = 2;
const FLAGS = 4;

interface NodeRecord {
  lines: LineIndex | null;
  /** Offset of the node in `lines`' file, or an explicit location. */
  position: number | SourceLocation | null;
  keys: Map<Key, KeyEntry> | undefined;
  /** Merge inputs, earliest first; consulted for keys without an own entry. */
  sources: readonly object[] | undefined;
}

/** Longest chain of merge sources followed before giving up (guards against accidental cycles). */
const MAX_SOURCE_HOPS = 10_000;

export class LocationTable implements LocationIndex {
  readonly #nodes = new WeakMap<object, NodeRecord>();

  locate(node: object, key?: Key): SourceLocation | null {
    if (key === undefined) return this.#nodeLocation(node);
    const found = this.#keyEntry(node, key);
    if (!found) return null;
    const { entry, lines } = found;
    return typeof entry === 'number' ? (lines?.at(Math.floor(entry / FLAGS)) ?? null) : entry.location;
  }

  isFloat(node: object, key: Key): boolean {
    const found = this.#keyEntry(node, key);
    if (!found) return false;
    return typeof found.entry === 'number' ? (found.entry & FLOAT) !== 0 : found.entry.float;
  }

  isNonStringKey(node: object, key: Key): boolean {
    const found = this.#keyEntry(node, key);
    if (!found) return false;
    return typeof found.entry === 'number' ? (found.entry & NON_STRING_KEY) !== 0 : found.entry.nonStringKey === true;
  }

  /** Records where a parsed mapping or sequence starts. */
  setNode(node: object, lines: LineIndex, offset: number): void {
    this.#nodes.set(node, { lines, position: offset, keys: undefined, sources: undefined });
  }

  /** Records where a parsed key (mapping) or item (sequence) is written. */
  setKeyOffset(node: object, key: Key, offset: number, float: boolean, nonStringKey = false): void {
    const record = this.#record(node);
    (record.keys ??= new Map()).set(key, offset * FLAGS + (float ? FLOAT : 0) + (nonStringKey ? NON_STRING_KEY : 0));
  }

  /** Records an explicit location and float flag for a key or item. */
  setKey(node: object, key: Key, location: SourceLocation | null, float = false, nonStringKey = false): void {
    const record = this.#record(node);
    (record.keys ??= new Map()).set(key, nonStringKey ? { location, float, nonStringKey } : { location, float });
  }

  /** Gives `to[toKey]` the location and flags recorded for `from[fromKey]`. */
  copyKey(from: object, fromKey: Key, to: object, toKey: Key): void {
    this.setKey(to, toKey, this.locate(from, fromKey), this.isFloat(from, fromKey), this.isNonStringKey(from, fromKey));
  }

  /** Declares `node` as the deep merge of `sources` (earliest first); it is located where the last one is. */
  derive(node: object, sources: readonly object[]): void {
    this.#nodes.set(node, { lines: null, position: null, keys: undefined, sources });
  }

  #nodeLocation(node: object): SourceLocation | null {
    let current: object | undefined = node;
    for (let hops = 0; current !== undefined && hops < MAX_SOURCE_HOPS; hops++) {
      const record = this.#nodes.get(current);
      if (!record) return null;
      if (typeof record.position === 'number') return record.lines?.at(record.position) ?? null;
      if (record.position !== null || !record.sources) return record.position;
      // Later wins: the last source that is located (an empty `{}` start of a merge chain is not).
      current = [...record.sources].reverse().find((source) => this.#nodes.has(source));
    }
    return null;
  }

  #record(node: object): NodeRecord {
    let record = this.#nodes.get(node);
    if (!record) {
      record = { lines: null, position: null, keys: undefined, sources: undefined };
      this.#nodes.set(node, record);
    }
    return record;
  }

  #keyEntry(node: object, key: Key): { entry: KeyEntry; lines: LineIndex | null } | undefined {
    let current: object | undefined = node;
    for (let hops = 0; current !== undefined && hops < MAX_SOURCE_HOPS; hops++) {
      const record = this.#nodes.get(current);
      if (!record) return undefined;
      const entry = record.keys?.get(key);
      if (entry !== undefined) return { entry, lines: record.lines };
      current = record.sources ? lastHaving(record.sources, key) : undefined;
    }
    return undefined;
  }
}

function lastHaving(sources: readonly object[], key: Key): object | undefined {
  for (let i = sources.length - 1; i >= 0; i--) {
    const source = sources[i];
    if (source !== undefined && hasOwn(source, key)) return source;
  }
  return undefined;
}
