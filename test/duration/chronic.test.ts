// ChronicDuration-style durations as GitLab reads timeout and start_in (spec §5.13).
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/duration/chronic.js';

describe('parseDuration', () => {
  it.each([
    ['5', 5],
    ['30 seconds', 30],
    ['30 minutes', 1800],
    ['1 hour', 3600],
    ['1h 30m', 5400],
    ['1 hour and 30 minutes', 5400],
    ['2 days', 172_800],
    ['1 week', 604_800],
    ['one hour', 3600],
    ['1:30', 90],
    ['1:00:00', 3600],
  ])('%s → %d', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  // ("hour" alone is left out: whether ChronicDuration reads it as one hour is not documented.)
  it.each(['', 'soon', '5 parsecs'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});
