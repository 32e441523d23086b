// Step 5: `!reference` tags are replaced by the values they point at (spec §1.4, GitLab's
// Yaml::Tags::Reference/Resolver), after include and extends so a tag sees merged and extended
// content. The path is dug through mappings only; a missing key, a non-mapping on the way, or a
// null/false value is "could not be found". Referenced content is resolved first (recursively),
// a tag met again while it is being resolved is "part of a circular chain". Tags are replaced in
// place; a referenced mapping or sequence is shared, not copied (the tree is read-only afterwards).
import type { ConfigDiagnostic, SourceLocation } from '../model/config.js';
import type { RawMapping } from './raw.js';
import type { LocationTable } from './yaml/location-table.js';
import { hasOwn, isMapping } from './yaml/mapping.js';
import { ReferenceTag } from './yaml/reference-tag.js';

class TagFailure extends Error {
  constructor(message: string, readonly location: SourceLocation | null) {
    super(message);
  }
}

/** Resolves every tag in `root`; returns the errors (each distinct failure once). */
export function resolveReferences(root: RawMapping, table: LocationTable): ConfigDiagnostic[] {
  const resolver = new Resolver(root, table);
  resolver.walk(root);
  return resolver.errors;
}

class Resolver {
  readonly errors: ConfigDiagnostic[] = [];
  readonly #reported = new Set<string>();
  /** Containers whose tags are all resolved (shared nodes are walked once). */
  readonly #done = new WeakSet<object>();

  constructor(
    private readonly root: RawMapping,
    private readonly table: LocationTable,
  ) {}

  walk(node: object): void {
    if (this.#done.has(node)) return;
    const container = node as Record<string, unknown>;
    const keys: Array<string | number> = Array.isArray(node) ? [...node.keys()] : Object.keys(node);
    for (const key of keys) {
      const value = container[key];
      if (value instanceof ReferenceTag) this.#replace(container, key, value);
      else if (typeof value === 'object' && value !== null) this.walk(value);
    }
    this.#done.add(node);
  }

  #replace(container: Record<string, unknown>, key: string | number, tag: ReferenceTag): void {
    try {
      container[key] = this.resolve(tag);
      this.table.setKey(container, key, this.table.locate(container, key), tag.float);
    } catch (error) {
      if (!(error instanceof TagFailure)) throw error;
      const id = `${error.message}@${JSON.stringify(error.location)}`;
      if (this.#reported.has(id)) return;
      this.#reported.add(id);
      this.errors.push({ severity: 'error', message: error.message, location: error.location });
    }
  }

  resolve(tag: ReferenceTag): unknown {
    if (tag.state === 'resolved') return tag.value;
    if (tag.failure) throw new TagFailure(tag.failure.message, tag.failure.location);
    const path = tag.path;
    if (!path) throw this.#fail(tag, tag.invalidMessage(), tag.location);
    if (tag.state === 'resolving') throw new TagFailure(tag.circularMessage(), tag.location);
    tag.state = 'resolving';
    try {
      const found = this.#dig(path);
      const value = found ? this.#deepResolve(found.value) : undefined;
      if (!found || value === null || value === undefined || value === false) {
        throw this.#fail(tag, tag.notFoundMessage(), tag.location);
      }
      tag.value = value;
      tag.float = found.value instanceof ReferenceTag ? found.value.float : this.table.isFloat(found.holder, found.key);
      tag.state = 'resolved';
      return value;
    } catch (error) {
      if (error instanceof TagFailure && !tag.failure) tag.failure = { message: error.message, location: error.location };
      throw error;
    }
  }

  /** `config.dig(*path)` over mappings; null when a step is missing or not a mapping. */
  #dig(path: string[]): { holder: object; key: string; value: unknown } | null {
    let holder: RawMapping = this.root;
    for (let i = 0; i < path.length; i++) {
      const key = path[i] as string;
      if (!hasOwn(holder, key)) return null;
      const value = holder[key];
      if (i === path.length - 1) return { holder, key, value };
      if (!isMapping(value)) return null;
      holder = value;
    }
    return null;
  }

  #deepResolve(value: unknown): unknown {
    if (value instanceof ReferenceTag) return this.resolve(value);
    if (typeof value === 'object' && value !== null) this.#walkStrict(value);
    return value;
  }

  /** Like walk, but a failing nested tag fails the tag that references this content. */
  #walkStrict(node: object): void {
    if (this.#done.has(node)) return;
    const container = node as Record<string, unknown>;
    const keys: Array<string | number> = Array.isArray(node) ? [...node.keys()] : Object.keys(node);
    for (const key of keys) {
      const value = container[key];
      if (value instanceof ReferenceTag) {
        container[key] = this.resolve(value);
        this.table.setKey(container, key, this.table.locate(container, key), value.float);
      } else if (typeof value === 'object' && value !== null) {
        this.#walkStrict(value);
      }
    }
    this.#done.add(node);
  }

  #fail(tag: ReferenceTag, message: string, location: SourceLocation | null): TagFailure {
    tag.failure = { message, location };
    return new TagFailure(message, location);
  }
}
