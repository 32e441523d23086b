// RE2 semantics of `/regexp/flags` (gitlab-ci-yaml.md §6.1): RE2 syntax, flags i m s U, no look-around or
// back-references. Assertions are RE2's documented behaviour.
import { describe, expect, it } from 'vitest';
import { compileRegexLiteral } from '../../src/expr/index.js';

function re(literal: string): RegExp {
  const compiled = compileRegexLiteral(literal);
  if (!compiled) throw new Error(`expected ${literal} to compile`);
  return compiled;
}

describe('compileRegexLiteral', () => {
  it('returns null for text that is not a /regexp/flags literal', () => {
    expect(compileRegexLiteral('main')).toBeNull();
    expect(compileRegexLiteral('/main')).toBeNull();
    expect(compileRegexLiteral('/main/x')).toBeNull();
  });

  it.each<[string, string, boolean]>([
    ['/^release-.*$/', 'release-1.0', true],
    ['/^release-.*$/', 'pre-release-1', false],
    ['//', 'anything', true],
    ['/^MAIN$/i', 'main', true],
    // Without m, ^ and $ anchor to the whole text (RE2 `$` is \z: not before a final newline).
    ['/^b$/', 'a\nb\nc', false],
    ['/^b$/m', 'a\nb\nc', true],
    ['/a$/', 'a\n', false],
    ['/\\Ab\\z/m', 'a\nb', false],
    // . excludes only \n unless s.
    ['/a.b/', 'a\nb', false],
    ['/a.b/s', 'a\nb', true],
    ['/a.b/', 'a\rb', true],
    // RE2 \s is [\t\n\f\r ]: no vertical tab, no Unicode spaces.
    ['/^\\s$/', '\v', false],
    ['/^\\s$/', '\u00a0', false],
    ['/^\\s$/', '\t', true],
    ['/^\\S$/', '\v', true],
    ['/^\\w+$/', 'héllo', false],
    ['/^\\d+$/', '١٢', false],
    ['/^.$/', '😀', true],
  ])('%s on %j → %s', (literal, text, expected) => {
    expect(re(literal).test(text)).toBe(expected);
  });

  it('makes quantifiers lazy with U, and x*? greedy again', () => {
    expect(re('/a+/U').exec('aaa')?.[0]).toBe('a');
    expect(re('/a+?/U').exec('aaa')?.[0]).toBe('aaa');
    expect(re('/a+/').exec('aaa')?.[0]).toBe('aaa');
    expect(re('/a{1,3}/U').exec('aaa')?.[0]).toBe('a');
  });

  it('scopes inline flags like RE2', () => {
    expect(re('/^a(?i)b$/').test('aB')).toBe(true);
    expect(re('/^a(?i)b$/').test('AB')).toBe(false);
    expect(re('/^(?i:a)b$/').test('Ab')).toBe(true);
    expect(re('/^(?i:a)b$/').test('AB')).toBe(false);
    expect(re('/^(?-i)a$/i').test('A')).toBe(false);
    expect(re('/^(?i)[a-c]+$/').test('AbC')).toBe(true);
    expect(re('/^(?i)[^a]$/').test('A')).toBe(false);
    // A flag change inside a group ends with the group, and lasts across its alternatives.
    expect(re('/^(?:x(?i)y|z)z$/').test('xYz')).toBe(true);
    expect(re('/^(?:x(?i)y|z)z$/').test('Zz')).toBe(true);
    expect(re('/^(?:(?i)y)z$/').test('YZ')).toBe(false);
    expect(re('/(?s:a.)b/').test('a\nb')).toBe(true);
  });

  it('folds case with Unicode simple folding (k matches the Kelvin sign)', () => {
    expect(re('/^k$/i').test('\u212a')).toBe(true);
    expect(re('/^[a-z]$/i').test('\u017f')).toBe(true);
  });

  it.each<[string, string, boolean]>([
    ['/^[]a]+$/', ']a]', true],
    ['/^[^]a]$/', 'b', true],
    ['/^[^]a]$/', ']', false],
    ['/^[a-]+$/', '-a-', true],
    ['/^[[:alpha:]]+$/', 'abcXYZ', true],
    ['/^[[:alpha:]]+$/', 'ab1', false],
    ['/^[[:^digit:]]+$/', 'abc', true],
    ['/^[[:^digit:]]+$/', 'a1', false],
    ['/^[\\d-z]+$/', '1-z', true],
    ['/^[^\\n]+$/', 'a\rb', true],
    ['/^\\pL+$/', 'héllo', true],
    ['/^\\p{Greek}+$/', 'αβγ', true],
    ['/^\\p{Greek}+$/', 'abc', false],
    ['/^\\PL+$/', '123', true],
    ['/^\\p{^L}+$/', '123', true],
    ['/^[\\p{Lu}\\d]+$/', 'AB12', true],
    ['/^\\x41\\x{263a}\\101$/', 'A☺A', true],
    ['/^\\Q.*\\E$/', '.*', true],
    ['/^\\Q.*\\E$/', 'abc', false],
    ['/^a{,2}$/', 'a{,2}', true],
    ['/^x{$/', 'x{', true],
    ['/^a{2}$/', 'aa', true],
    ['/^\\_$/', '_', true],
    ['/^(?P<name>a)(?<other>b)$/', 'ab', true],
    ['/^(?:ab)+$/', 'abab', true],
    ['/^(a|)$/', '', true],
    ['/\\bfoo\\b/', 'a foo b', true],
    ['/\\bfoo\\b/', 'afoob', false],
  ])('RE2 syntax %s on %j → %s', (literal, text, expected) => {
    expect(re(literal).test(text)).toBe(expected);
  });

  it.each([
    ['/(?=a)/', 'look-ahead'],
    ['/(?!a)/', 'negative look-ahead'],
    ['/(?<=a)b/', 'look-behind'],
    ['/(?<!a)b/', 'negative look-behind'],
    ['/(a)\\1/', 'back-reference'],
    ['/(?P<n>a)(?P=n)/', 'named back-reference'],
    ['/\\k<n>/', 'named back-reference'],
    ['/a**/', 'stacked repetition'],
    ['/a*+/', 'possessive quantifier'],
    ['/a{2}{3}/', 'stacked counted repetition'],
    ['/*a/', 'missing argument to repetition'],
    ['/(*a)/', 'missing argument to repetition'],
    ['/a{1001}/', 'repeat count above 1000'],
    ['/a{2,1}/', 'reversed repeat range'],
    ['/(ab/', 'missing )'],
    ['/ab)/', 'unexpected )'],
    ['/[ab/', 'missing ]'],
    ['/[z-a]/', 'reversed class range'],
    ['/\\Z/', '\\Z is not RE2'],
    ['/\\q/', 'unknown escape'],
    ['/[\\b]/', '\\b inside a class'],
    ['/\\8/', 'unknown escape'],
    ['/[[:foo:]]/', 'unknown POSIX class'],
    ['/\\p{Foo}/', 'unknown Unicode class'],
    ['/(?P<a>x)(?P<a>y)/', 'duplicate group name'],
    ['/(?i-)a/', 'negation without flags'],
    ['/(?#comment)/', 'comments are not RE2'],
    ['/a\\/', 'trailing backslash'],
  ])('rejects %s (%s)', (literal) => {
    expect(compileRegexLiteral(literal)).toBeNull();
  });
});
