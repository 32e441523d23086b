import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { composeFilesKey, defaultKeyPrefix, filesDigest, gitBlobId, keyFilePattern, sanitizeCacheKey } from '../../src/artifacts/cache-key.js';

describe('sanitizeCacheKey (runner-behavior.md §6.1)', () => {
  it.each([
    ['default', 'default'],
    ['v1.2_deps-x', 'v1.2_deps-x'],
    ['job/feature/branch', 'job/feature/branch'],
    ['a /b', 'a /b'],
  ])('keeps %j unchanged and silent', (raw, key) => {
    expect(sanitizeCacheKey(raw)).toEqual({ key, warning: null });
  });

  it.each([
    ['%2Fnested%2fkey', 'nested/key'],
    ['%2E%2E/%2e%2e/escape', 'escape'],
    ['../../etc/passwd', 'etc/passwd'],
    ['a\\b\\c', 'a/b/c'],
    ['a/./b//c/', 'a/b/c'],
    ['key  ', 'key'],
    ['key\t\n', 'key'],
    ['key\u00a0', 'key'],
    ['a/b/   ', 'a/b'],
    ['a/ / ', 'a'],
    ['/rooted', 'rooted'],
  ])('sanitises %j to %j with a warning', (raw, key) => {
    expect(sanitizeCacheKey(raw)).toEqual({ key, warning: `cache key ${JSON.stringify(raw)} sanitized to ${JSON.stringify(key)}` });
  });

  it.each(['..', '.', '/', ' ', '%2e%2e', '../..', '   /  '])('rejects %j', (raw) => {
    expect(sanitizeCacheKey(raw)).toEqual({ key: '', warning: `cache key ${JSON.stringify(raw)} could not be sanitized` });
  });

  it('leaves an empty key alone (the runner then uses <job>/<ref>)', () => {
    expect(sanitizeCacheKey('')).toEqual({ key: '', warning: null });
  });
});

describe('key:files (gitlab-ci-yaml.md §5.16)', () => {
  it('computes git blob ids without running git', () => {
    expect(gitBlobId(Buffer.alloc(0))).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    expect(gitBlobId(Buffer.from('hello world\n'))).toBe('3b18e512dba79e4c8300dd08aeb37f8e728b8dad');
    const content = randomBytes(4096);
    expect(gitBlobId(content)).toBe(execFileSync('git', ['hash-object', '--stdin'], { input: content, encoding: 'utf8' }).trim());
  });

  it('digests the sorted, de-duplicated blob ids joined by -', () => {
    const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
    expect(filesDigest(['bbb', 'aaa', 'bbb'])).toBe(sha1('aaa-bbb'));
    expect(filesDigest([])).toBeNull();
  });

  it.each([
    [1, ['VERSION', 'Gemfile.zip'], '1_VERSION_Gemfile'],
    [1, ['Gemfile.zip', './VERSION'], '1_Gemfile_'],
    [1, ['Gemfile.zip/'], '1_Gemfile'],
    [1, ['Gemfile.zip\nVERSION'], '1_Gemfile'],
    [1, ['project-gemfile.lock', ''], '1_project-gemfile_'],
    [1, ['foo/bar'], '1_foo/bar'],
    [1, ['foo/bar/*'], '1_foo/bar/*'],
    [0, ['file1.json'], '0_file1'],
    [1, ['file1.json', 'file2.json'], '1_file1_file2'],
    [2, undefined, '2'],
  ])('default prefix of cache %i with files %j is %j', (index, files, prefix) => {
    expect(defaultKeyPrefix(index, files)).toBe(prefix);
  });

  it('joins prefix and digest, with `default` when no file matched', () => {
    expect(composeFilesKey('1_VERSION_Gemfile', 'abc')).toBe('1_VERSION_Gemfile-abc');
    expect(composeFilesKey('a-prefix', null)).toBe('a-prefix-default');
    expect(composeFilesKey('', 'abc')).toBe('abc');
  });

  it.each([
    ['*.lock', 'Gemfile.lock', true],
    ['*.lock', 'sub/Gemfile.lock', false],
    ['**/package.json', 'a/b/package.json', true],
    ['**/package.json', 'package.json', false],
    ['**package.json', 'package.json', true],
    ['src/*/x.txt', 'src/a/x.txt', true],
    ['src/*/x.txt', 'src/a/b/x.txt', false],
    ['file.(1).txt*', 'file.(1).txt', true],
    ['a?.txt*', 'ab.txt', false],
  ])('wildcard %j matches %j: %s', (pattern, path, expected) => {
    expect(keyFilePattern(pattern)?.test(path)).toBe(expected);
  });

  it('treats entries without * as literal paths', () => {
    expect(keyFilePattern('Gemfile.lock')).toBeNull();
  });
});
