// Plain-data helpers for the parsed tree: a mapping is a plain object (never an array, never a
// `!reference` tag), and keys are assigned so that a YAML key `__proto__` stays an ordinary key.
import type { RawMapping } from '../raw.js';
import { ReferenceTag } from './reference-tag.js';

export function isMapping(value: unknown): value is RawMapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ReferenceTag);
}

export function hasOwn(node: object, key: string | number): boolean {
  return Object.prototype.hasOwnProperty.call(node, key);
}

/** `node[key] = value`, also for the key `__proto__` (which would otherwise set the prototype). */
export function assignKey(node: RawMapping, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    node[key] = value;
  }
}
