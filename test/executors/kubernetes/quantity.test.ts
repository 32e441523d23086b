// Kubernetes quantities as apimachinery's resource.ParseQuantity reads them, compared exactly.
import { describe, expect, it } from 'vitest';
import { compareQuantities, parseQuantity, QUANTITY_ERRORS, QuantityError } from '../../../src/executors/kubernetes/quantity.js';

/** The exact value as a decimal string, for readable expectations. */
function decimal(text: string): string {
  const { mantissa, exponent } = parseQuantity(text);
  const negative = mantissa < 0n;
  let digits = (negative ? -mantissa : mantissa).toString();
  if (exponent >= 0) digits += '0'.repeat(exponent);
  else {
    digits = digits.padStart(-exponent + 1, '0');
    digits = `${digits.slice(0, exponent)}.${digits.slice(exponent)}`;
  }
  return `${negative ? '-' : ''}${digits}`;
}

describe('parseQuantity', () => {
  it.each([
    ['0', '0'],
    ['1', '1'],
    ['500m', '0.5'],
    ['1500m', '1.5'],
    ['1.5', '1.5'],
    ['0.1', '0.1'],
    ['100n', '0.0000001'],
    ['3u', '0.000003'],
    ['1k', '1000'],
    ['1M', '1000000'],
    ['2G', '2000000000'],
    ['1T', '1000000000000'],
    ['1P', '1000000000000000'],
    ['1E', '1000000000000000000'],
    ['1Ki', '1024'],
    ['1Mi', '1048576'],
    ['1.5Gi', '1610612736'],
    ['1Ti', String(2n ** 40n)],
    ['1Pi', String(2n ** 50n)],
    ['1Ei', String(2n ** 60n)],
    ['2e3', '2000'],
    ['2E3', '2000'],
    ['1e+3', '1000'],
    ['5e-1', '0.5'],
    ['12E-2', '0.12'],
    ['+2', '2'],
    ['-500m', '-0.5'],
    ['007', '7'],
    ['1.', '1'],
    ['.5', '0.5'],
    ['1.G', '1000000000'],
    // Rounded up to a multiple of 1n, as the API server does: asking for some never gives none.
    ['0.1n', '0.000000001'],
    ['1.0000000001', '1.000000001'],
    ['1e-30', '0.000000001'],
    ['-0.1n', '-0.000000001'],
    // Binary quantities are capped at 2^63-1; decimal ones are not.
    ['16Ei', String(2n ** 63n - 1n)],
    ['10E', '10000000000000000000'],
    // The scanner takes these as zero (empty number), and so does the API server.
    ['m', '0'],
    ['.', '0'],
  ])('%s is %s', (text, value) => {
    expect(decimal(text)).toBe(value);
  });

  it.each([
    ['', QUANTITY_ERRORS.format],
    [' 1', QUANTITY_ERRORS.format],
    ['1 ', QUANTITY_ERRORS.format],
    ['1,5', QUANTITY_ERRORS.format],
    ['1.5.5', QUANTITY_ERRORS.format],
    ['abc', QUANTITY_ERRORS.format],
    ['1Gb', QUANTITY_ERRORS.format],
    ['1e3m', QUANTITY_ERRORS.format],
    ['1K', QUANTITY_ERRORS.suffix],
    ['1Ki3', QUANTITY_ERRORS.suffix],
    ['1e', QUANTITY_ERRORS.suffix],
    ['1i', QUANTITY_ERRORS.suffix],
    ['1mi', QUANTITY_ERRORS.suffix],
    ['1ee3', QUANTITY_ERRORS.suffix],
    ['1e9999999999', QUANTITY_ERRORS.suffix],
  ])('refuses %j', (text, message) => {
    expect(() => parseQuantity(text)).toThrow(QuantityError);
    expect(() => parseQuantity(text)).toThrow(message);
  });
});

describe('compareQuantities', () => {
  it.each([
    ['500m', '0.5', 0],
    ['1', '1000m', 0],
    ['1Ki', '1024', 0],
    ['1k', '1Ki', -1],
    ['1Gi', '1G', 1],
    ['1Mi', '1048577', -1],
    ['1.5', '1501m', -1],
    ['2', '1999m', 1],
    ['2e3', '2k', 0],
    ['1e-3', '1m', 0],
    ['0.1', '100m', 0],
    ['-1', '0', -1],
    ['-1', '-2', 1],
    ['-500m', '-0.5', 0],
    ['0', 'm', 0],
    ['1e2147483647', '1E', 1],
    ['1E', '1e2147483647', -1],
    ['1e-2147483648', '1n', 0],
    ['999999999999999999999', '1e21', -1],
    ['1000000000000000000001', '1e21', 1],
    ['16Ei', '17Ei', 0],
    ['9223372036854775806', '8Ei', -1],
    // 8Ei is 2^63, one more than the cap.
    ['9223372036854775807', '8Ei', 0],
    ['7Ei', '8070450532247928832', 0],
  ])('%s vs %s is %i', (a, b, expected) => {
    expect(compareQuantities(parseQuantity(a), parseQuantity(b))).toBe(expected);
    expect(compareQuantities(parseQuantity(b), parseQuantity(a))).toBe(-expected || 0);
  });
});
