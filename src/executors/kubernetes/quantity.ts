// Kubernetes resource quantities ("500m", "1.5Gi", "2e3") as exact numbers, so a job's
// KUBERNETES_CPU_REQUEST can be held against cpu_request_overwrite_max_allowed the way GitLab Runner
// holds them (resource.ParseQuantity + Cmp, executors/kubernetes/overwrites.go): never through
// floating point, which would call 0.1 + 0.2 more than 300m. Pure.
//
// Accepted exactly as apimachinery's parser accepts: an optional sign, digits with an optional
// fraction (either side may be empty: "1.", ".5"), then a suffix — binary (Ki Mi Gi Ti Pi Ei),
// decimal (n u m "" k M G T P E) or a decimal exponent (e3, E-2, e+6). Like the API server, values are
// rounded up (away from zero) to a multiple of 1n, and binary ones are capped at 2^63-1.

/** The API server's own error texts, which GitLab Runner quotes in its message. */
export const QUANTITY_ERRORS = {
  format: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  suffix: "unable to parse quantity's suffix",
} as const;

export class QuantityError extends Error {}

/** A quantity's exact value: mantissa × 10^exponent, with no trailing zeros in the mantissa. */
export interface Quantity {
  mantissa: bigint;
  exponent: number;
}

const BINARY: Record<string, bigint> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const SUFFIX_CHARS = new Set('eEinumkKMGTP');
const MAX_BINARY = 2n ** 63n - 1n;
const NANO = -9;

interface Parts {
  negative: boolean;
  digits: string;
  fraction: string;
  suffix: string;
}

/** The scanner's split of `text` into sign, integer digits, fraction digits and suffix. */
function split(text: string): Parts {
  let pos = 0;
  const negative = text[0] === '-';
  if (text[0] === '-' || text[0] === '+') pos++;
  const digitsFrom = (from: number) => {
    let end = from;
    while (end < text.length && text[end]! >= '0' && text[end]! <= '9') end++;
    return end;
  };
  const intEnd = digitsFrom(pos);
  const digits = text.slice(pos, intEnd);
  pos = intEnd;
  let fraction = '';
  if (text[pos] === '.') {
    const fracEnd = digitsFrom(pos + 1);
    fraction = text.slice(pos + 1, fracEnd);
    pos = fracEnd;
  }
  // The suffix: letters of the suffix alphabet, an optional sign, digits, and nothing after them.
  const suffixStart = pos;
  while (pos < text.length && SUFFIX_CHARS.has(text[pos]!)) pos++;
  if (text[pos] === '-' || text[pos] === '+') pos++;
  if (digitsFrom(pos) !== text.length) throw new QuantityError(QUANTITY_ERRORS.format);
  return { negative, digits, fraction, suffix: text.slice(suffixStart) };
}

/** Base and power of a suffix; a decimal exponent must fit Go's int32, as the API server keeps it. */
function interpret(suffix: string): { binary: boolean; power: number } {
  if (suffix in BINARY) return { binary: true, power: Number(BINARY[suffix]) };
  if (suffix in DECIMAL) return { binary: false, power: DECIMAL[suffix]! };
  const exponent = /^[eE]([+-]?\d+)$/.exec(suffix);
  const power = exponent ? Number(exponent[1]) : Number.NaN;
  if (!Number.isSafeInteger(power) || power < -(2 ** 31) || power > 2 ** 31 - 1) throw new QuantityError(QUANTITY_ERRORS.suffix);
  return { binary: false, power };
}

/** Parses a quantity; throws QuantityError with the API server's words. */
export function parseQuantity(text: string): Quantity {
  if (text === '') throw new QuantityError(QUANTITY_ERRORS.format);
  const parts = split(text);
  const { binary, power } = interpret(parts.suffix);
  let mantissa = BigInt(`${parts.digits}${parts.fraction}` || '0');
  let exponent = -parts.fraction.length;
  if (binary) mantissa <<= BigInt(power);
  else exponent += power;
  if (exponent < NANO && mantissa !== 0n) {
    // Round up to 1n: a request for "some" resource never becomes none.
    const shift = NANO - exponent;
    mantissa = shift > mantissa.toString().length ? 1n : (mantissa + 10n ** BigInt(shift) - 1n) / 10n ** BigInt(shift);
    exponent = NANO;
  }
  if (binary && compareMagnitudes(normalise(mantissa, exponent), { mantissa: MAX_BINARY, exponent: 0 }) > 0) {
    mantissa = MAX_BINARY;
    exponent = 0;
  }
  return normalise(parts.negative ? -mantissa : mantissa, exponent);
}

function normalise(mantissa: bigint, exponent: number): Quantity {
  if (mantissa === 0n) return { mantissa: 0n, exponent: 0 };
  let m = mantissa;
  let e = exponent;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  return { mantissa: m, exponent: e };
}

const sign = (q: Quantity) => (q.mantissa > 0n ? 1 : q.mantissa < 0n ? -1 : 0);
const abs = (n: bigint) => (n < 0n ? -n : n);

/** Compares |a| and |b| without expanding huge exponents: by order of magnitude first. */
function compareMagnitudes(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const ma = abs(a.mantissa);
  const mb = abs(b.mantissa);
  if (ma === 0n || mb === 0n) return ma === mb ? 0 : ma === 0n ? -1 : 1;
  const orderA = ma.toString().length + a.exponent;
  const orderB = mb.toString().length + b.exponent;
  if (orderA !== orderB) return orderA > orderB ? 1 : -1;
  // Same order of magnitude: the exponents differ by at most the mantissas' lengths.
  const base = Math.min(a.exponent, b.exponent);
  const x = ma * 10n ** BigInt(a.exponent - base);
  const y = mb * 10n ** BigInt(b.exponent - base);
  return x === y ? 0 : x > y ? 1 : -1;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b` (Quantity.Cmp). */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const sa = sign(a);
  const sb = sign(b);
  if (sa !== sb) return sa > sb ? 1 : -1;
  const magnitude = compareMagnitudes(a, b);
  return sa < 0 && magnitude !== 0 ? (-magnitude as -1 | 1) : magnitude;
}
