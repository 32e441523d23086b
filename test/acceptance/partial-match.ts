// Partial comparison of glci's JSON output with a fixture expectation (test/fixtures/README.md,
// "Comparison"). Instead of a boolean, it projects the actual value onto the shape of the
// expectation, so `expect(projectOnto(expected, actual)).toEqual(expected)` prints a focused diff.

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent, null, `{}` and `[]` all mean "not set" for an expectation written as `null`. */
function isUnset(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

/**
 * Returns the part of `actual` that `expected` talks about:
 * - objects: only the expected keys (extra actual keys are dropped: subset semantics); a missing
 *   actual object is treated as `{}` so that keys expected to be `null` can still match;
 * - arrays: element by element when the lengths agree (arrays are exact in length and order; object
 *   elements again compare as subsets), otherwise the whole actual array;
 * - `null` expected: `null` when the actual value is unset, else the actual value;
 * - scalars: the actual value.
 */
export function projectOnto(expected: unknown, actual: unknown): unknown {
  if (expected === null) return isUnset(actual) ? null : actual;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return actual;
    return expected.map((item: unknown, index) => projectOnto(item, actual[index]));
  }
  if (isObject(expected)) {
    if (actual !== undefined && actual !== null && !isObject(actual)) return actual;
    const source = isObject(actual) ? actual : {};
    const projected: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(expected)) {
      projected[key] = projectOnto(value, source[key]);
    }
    return projected;
  }
  return actual;
}
