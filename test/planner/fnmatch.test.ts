// Ruby File.fnmatch with FNM_PATHNAME | FNM_DOTMATCH | FNM_EXTGLOB (spec §5.14), and start_in durations (§5.13).
import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from '../../src/planner/duration.js';
import { fnmatch } from '../../src/planner/fnmatch.js';

describe('fnmatch', () => {
  it.each([
    ['*', 'file.txt', true],
    ['*', 'dir/file.txt', false],
    ['*', '.hidden', true],
    ['?.md', 'a.md', true],
    ['?', '/', false],
    ['**/*.rb', 'lib/a/b.rb', true],
    ['**/*.rb', 'b.rb', true],
    ['**/*.rb', '.dot/b.rb', true],
    ['src/**/*', 'src/a.ts', true],
    ['src/**/*', 'src/deep/er/a.ts', true],
    ['src/**', 'src/a.ts', true],
    ['src/**', 'src/deep/a.ts', false],
    ['a**/b', 'ax/b', true],
    ['a**/b', 'ax/y/b', false],
    ['[abc].txt', 'b.txt', true],
    ['[!abc].txt', 'd.txt', true],
    ['[!abc].txt', 'a.txt', false],
    ['[^abc].txt', 'a.txt', false],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['a[/]b', 'a/b', false],
    ['{src,lib}/*.{js,ts}', 'lib/x.ts', true],
    ['{src,lib}/*.{js,ts}', 'lib/x.rb', false],
    ['{a,{b,c}}d', 'cd', true],
    ['{**/,}*.md', 'x/y/z.md', true],
    ['\\*.md', '*.md', true],
    ['\\*.md', 'a.md', false],
    ['file(1).txt', 'file(1).txt', true],
    ['+(a|b)', 'a', false],
    ['{unclosed', '{unclosed', true],
    ['[unclosed', '[unclosed', true],
    ['a.b', 'axb', false],
    ['$VAR/x', '$VAR/x', true],
  ])('%s vs %s → %s', (glob, path, expected) => {
    expect(fnmatch(glob, path)).toBe(expected);
  });
});

describe('parseDurationSeconds', () => {
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
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', 'soon', '5 parsecs', 'hour'])('rejects %j', (text) => {
    expect(parseDurationSeconds(text)).toBeNull();
  });
});
