// The LocationIndex implementation. Parsed nodes record their own location and their keys' /
// items' locations. Nodes built later by deep merge (include, extends) do not copy those tables:
// they list the nodes they were merged from, and a key is looked up in the last source that has
// it — the same "later wins" rule the merge applied to the value, so the location always
// belongs to the definition that provided the value, at no cost until a location is asked for.
import type { SourceLocation } from '../../model/config.js';
import type { LocationIndex } from '../raw.js';
import { hasOwn } from './mapping.js';

type Key = string | number;

interface KeyRecord {
  location: SourceLocation | null;
  /** The scalar at this key was a YAML float (`1.0`), which Ruby prints as "1.0", not "1". */
  float: boolean;
}

interface NodeRecord {
  location: SourceLocation | null;
  keys: Map<Key, KeyRecord> | undefined;
  /** Merge inputs, earliest first; consulted for keys without an own record. */
  sources: readonly object[] | undefined;
}

/** Longest chain of merge sources followed before giving up (guards against accidental cycles). */
const MAX_SOURCE_HOPS = 10_000;

export class LocationTable implements LocationIndex {
  readonly #nodes = new WeakMap<object, NodeRecord>();

  locate(node: object, key?: Key): SourceLocation | null {
    if (key === undefined) return this.#nodes.get(node)?.location ?? null;
    return this.#keyRecord(node, key)?.location ?? null;
  }

  isFloat(node: object, key: Key): boolean {
    return this.#keyRecord(node, key)?.float ?? false;
  }

  /** Records where a parsed mapping or sequence starts. */
  setNode(node: object, location: SourceLocation | null): void {
    const record = this.#nodes.get(node);
    if (record) record.location = location;
    else this.#nodes.set(node, { location, keys: undefined, sources: undefined });
  }

  /** Records where a key (mapping) or item (sequence) is written, and whether its scalar is a float. */
  setKey(node: object, key: Key, location: SourceLocation | null, float = false): void {
    let record = this.#nodes.get(node);
    if (!record) {
      record = { location: null, keys: undefined, sources: undefined };
      this.#nodes.set(node, record);
    }
    (record.keys ??= new Map()).set(key, { location, float });
  }

  /** Gives `to[toKey]` the location and float flag recorded for `from[fromKey]`. */
  copyKey(from: object, fromKey: Key, to: object, toKey: Key): void {
    const found = this.#keyRecord(from, fromKey);
    this.setKey(to, toKey, found?.location ?? null, found?.float ?? false);
  }

  /** Keeps `node[key]`'s location but takes the float flag of `from[fromKey]` (a value moved in). */
  takeFloat(node: object, key: Key, from: object | null, fromKey: Key | null): void {
    const float = from !== null && fromKey !== null ? this.isFloat(from, fromKey) : false;
    this.setKey(node, key, this.locate(node, key), float);
  }

  /** Declares `node` as the deep merge of `sources` (earliest first). */
  derive(node: object, sources: readonly object[], location: SourceLocation | null): void {
    this.#nodes.set(node, { location, keys: undefined, sources });
  }

  #keyRecord(node: object, key: Key): KeyRecord | undefined {
    let current: object | undefined = node;
    for (let hops = 0; current !== undefined && hops < MAX_SOURCE_HOPS; hops++) {
      const record = this.#nodes.get(current);
      if (!record) return undefined;
      const own = record.keys?.get(key);
      if (own) return own;
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
