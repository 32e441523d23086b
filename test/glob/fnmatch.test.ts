// Ruby File.fnmatch with FNM_PATHNAME | FNM_DOTMATCH | FNM_EXTGLOB (spec §5.14).
import { describe, expect, it } from 'vitest';
import { fnmatch } from '../../src/glob/fnmatch.js';

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
