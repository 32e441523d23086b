// Scalars become strings the way GitLab's Ruby does it (`value.to_s`): `true` → "true",
// `1.5` → "1.5", a float `1.0` → "1.0" (not JavaScript's "1"), `1e20` → "1.0e+20". Spec §2.7.
import { rubyFloat } from '../yaml/ruby-inspect.js';

/**
 * Ruby's `to_s` of a scalar GitLab accepts (string, integer, float, boolean); null for anything
 * else. `isFloat` says the YAML scalar was a float, which a JavaScript number cannot tell.
 */
export function rubyToS(value: unknown, isFloat = false): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      if (isFloat || !Number.isInteger(value)) return rubyFloat(value);
      return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
    default:
      return null;
  }
}
