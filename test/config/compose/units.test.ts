// Durations (ChronicDuration) and Ruby's to_s of scalars.
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/duration/chronic.js';
import { rubyToS } from '../../../src/config/compose/ruby-to-s.js';

describe('parseDuration (§5.13)', () => {
  it.each([
    ['3600', 3600],
    ['3600 seconds', 3600],
    ['60 minutes', 3600],
    ['1h 30m', 5400],
    ['1h30m', 5400],
    ['3 hours 30 minutes', 12600],
    ['3 hours and 30 minutes', 12600],
    ['one hour', 3600],
    ['hour', 3600],
    ['1 day', 86400],
    ['2 weeks', 1209600],
    ['1 month', 2592000],
    ['1.5 hours', 5400],
    ['1:30', 90],
    ['1:00:00', 3600],
    ['5', 5],
  ])('%s → %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['soon', '0', '', '1 fortnight'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe('rubyToS (§2.7)', () => {
  it('stringifies like Ruby', () => {
    expect(rubyToS('x')).toBe('x');
    expect(rubyToS(true)).toBe('true');
    expect(rubyToS(false)).toBe('false');
    expect(rubyToS(10)).toBe('10');
    expect(rubyToS(1.5)).toBe('1.5');
    expect(rubyToS(1, true)).toBe('1.0');
    expect(rubyToS(null)).toBeNull();
    expect(rubyToS([1])).toBeNull();
  });

  it('formats floats like Ruby Float#to_s', () => {
    expect(rubyToS(100, true)).toBe('100.0');
    expect(rubyToS(0.00001, true)).toBe('1.0e-05');
    expect(rubyToS(1e16, true)).toBe('1.0e+16');
    expect(rubyToS(2 ** 60)).toBe('1152921504606846976');
  });
});
