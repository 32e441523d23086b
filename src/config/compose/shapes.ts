// Type tests on parsed YAML values, worded after GitLab's validators
// (lib/gitlab/config/entry/validators.rb, legacy_validation_helpers.rb).
import type { RawMapping } from '../raw.js';

/** GitLab's limit for nested arrays in script, rules, stages and needs (16.9+). */
export const MAX_NESTING = 10;

export function isMapping(value: unknown): value is RawMapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/**
 * Flattens a value made of nested arrays (at most `maxLevel` levels, the outer array being level 1)
 * whose leaves pass `isLeaf`; null when the shape is wrong. A bare leaf is not accepted here.
 */
export function flattenNested<T>(value: unknown, isLeaf: (v: unknown) => v is T, maxLevel = MAX_NESTING): T[] | null {
  if (!Array.isArray(value)) return null;
  const out: T[] = [];
  return collect(value, 1) ? out : null;

  function collect(items: unknown[], level: number): boolean {
    if (level > maxLevel) return false;
    for (const item of items) {
      if (isLeaf(item)) out.push(item);
      else if (!Array.isArray(item) || !collect(item, level + 1)) return false;
    }
    return true;
  }
}

/** A string or a (nested) array of strings as a flat list; null when the shape is wrong. */
export function stringOrNestedStrings(value: unknown): string[] | null {
  return isString(value) ? [value] : flattenNested(value, isString);
}

/** `value` as a list of strings when it is a string or an array of strings. */
export function stringOrStrings(value: unknown): string[] | null {
  if (isString(value)) return [value];
  return isStringArray(value) ? value : null;
}

/** An integer or an array of integers (allow_failure:exit_codes, retry:exit_codes). */
export function integerOrIntegers(value: unknown): number[] | null {
  if (isInteger(value)) return [value];
  return Array.isArray(value) && value.every(isInteger) ? value : null;
}

/** Keys of `mapping` not in `allowed`, in written order. */
export function unknownKeys(mapping: RawMapping, allowed: ReadonlySet<string>): string[] {
  return Object.keys(mapping).filter((key) => !allowed.has(key));
}
