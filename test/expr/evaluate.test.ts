// Evaluation rows of gitlab-ci-yaml.md §6.3, including the documented quirks.
import { describe, expect, it } from 'vitest';
import { evaluateExpression, parseExpression } from '../../src/expr/index.js';

type Vars = Record<string, string>;
const run = (src: string, vars: Vars = {}) => evaluateExpression(src, (name) => vars[name]);

describe('variables and presence', () => {
  it.each<[string, Vars, boolean]>([
    ['$VAR', { VAR: 'x' }, true],
    ['$VAR', { VAR: '' }, false],
    ['$VAR', { VAR: '   ' }, false],
    ['$VAR', { VAR: '\t\n' }, false],
    ['$VAR', {}, false],
    ['$VAR', { VAR: 'false' }, true],
    ['$VAR', { VAR: '0' }, true],
    ['"x"', {}, true],
    ['""', {}, false],
    ['null', {}, false],
    ['true', {}, true],
    ['false', {}, false],
  ])('%s with %j → %s', (src, vars, expected) => {
    expect(run(src, vars)).toBe(expected);
  });

  it('uses values as-is, without nested $ expansion', () => {
    expect(run('$A == "$B"', { A: '$B', B: 'x' })).toBe(true);
    expect(run('$A == "x"', { A: '$B', B: 'x' })).toBe(false);
  });
});

describe('== and !=', () => {
  it.each<[string, Vars, boolean]>([
    ['$VAR == null', {}, true],
    ['$VAR == null', { VAR: '' }, false],
    ['$VAR != null', { VAR: '' }, true],
    ['$VAR != null', {}, false],
    ['$VAR == ""', { VAR: '' }, true],
    ['$VAR == ""', {}, false],
    ['"" == null', {}, false],
    ['null == null', {}, true],
    ['$A == $B', { A: 'main', B: 'main' }, true],
    ['$A == $B', { A: 'main', B: 'Main' }, false],
    ['$A == "main "', { A: 'main' }, false],
    ['"main" == $A', { A: 'main' }, true],
    ['$A == /ab/', { A: '/ab/' }, false],
    ['$A != /ab/', { A: '/ab/' }, true],
    ['$X == true', { X: 'true' }, false],
    ['$X == "true"', { X: 'true' }, true],
    ['$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', { CI_COMMIT_BRANCH: 'main', CI_DEFAULT_BRANCH: 'main' }, true],
    ['$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', { CI_DEFAULT_BRANCH: 'main' }, false],
  ])('%s with %j → %s', (src, vars, expected) => {
    expect(run(src, vars)).toBe(expected);
  });
});

describe('=~ and !~', () => {
  it.each<[string, Vars, boolean]>([
    ['$A =~ /bc/', { A: 'abc' }, true],
    // A one-character regexp body is a syntax error, so the statement is false.
    ['$A =~ /b/', { A: 'abc' }, false],
    ['$A =~ /^b/', { A: 'abc' }, false],
    ['$A !~ /^b/', { A: 'abc' }, true],
    ['$A =~ /^feature\\/.+/', { A: 'feature/login' }, true],
    ['$A =~ /^MAIN$/i', { A: 'main' }, true],
    ['$A =~ /^MAIN$/', { A: 'main' }, false],
    ['$CI_COMMIT_TAG =~ /^v\\d+\\.\\d+/', { CI_COMMIT_TAG: 'v1.2.3' }, true],
    ['$CI_COMMIT_TAG =~ /^v\\d+\\.\\d+/', { CI_COMMIT_TAG: 'release-1' }, false],
    ['$CI_MERGE_REQUEST_LABELS =~ /(^|,)deploy(,|$)/', { CI_MERGE_REQUEST_LABELS: 'bug,deploy,ui' }, true],
    ['$CI_MERGE_REQUEST_LABELS =~ /(^|,)deploy(,|$)/', { CI_MERGE_REQUEST_LABELS: 'deployment' }, false],
    // A null left operand is matched as the empty string.
    ['$UNDEF =~ /^$/', {}, true],
    ['$UNDEF =~ /ab/', {}, false],
    ['$UNDEF !~ /ab/', {}, true],
    // A null right operand: =~ is false and !~ is true.
    ['$A =~ $UNDEF', { A: 'x' }, false],
    ['$A !~ $UNDEF', { A: 'x' }, true],
    // Variables inside a regexp literal are not expanded: /^$B/ is an anchor followed by "B".
    ['$A =~ /^$B/', { A: 'x', B: 'x' }, false],
  ])('%s with %j → %s', (src, vars, expected) => {
    expect(run(src, vars)).toBe(expected);
  });

  it('parses a string right operand holding /regexp/flags (15.1+)', () => {
    expect(run('$A =~ $R', { A: 'abc', R: '/^ab.*/' })).toBe(true);
    expect(run('$A =~ $R', { A: 'xab', R: '/^ab.*/' })).toBe(false);
    expect(run('$A =~ $R', { A: 'ABC', R: '/^ab/i' })).toBe(true);
    expect(run('$A !~ $R', { A: 'xab', R: '/^ab.*/' })).toBe(true);
    expect(run('$A =~ "/^ab/"', { A: 'abz' })).toBe(true);
  });

  it('falls back to a substring test (left inside right) when the string is not a regexp', () => {
    expect(run('"23" =~ "1234"')).toBe(true);
    expect(run('"1234" =~ "23"')).toBe(false);
    expect(run('"23" !~ "1234"')).toBe(false);
    expect(run('$A =~ $B', { A: 'ain', B: 'main' })).toBe(true);
    // An empty or null left operand occurs in any string.
    expect(run('$UNDEF =~ "abc"')).toBe(true);
    expect(run('$E =~ "abc"', { E: '' })).toBe(true);
    expect(run('"" =~ ""')).toBe(true);
  });

  it('treats an invalid regexp held in a variable as a substring test, not as an error', () => {
    const vars = { R: '/(?=a)b/' };
    expect(run('$A =~ $R', { ...vars, A: '(?=a)' })).toBe(true);
    expect(run('$A =~ $R', { ...vars, A: 'c' })).toBe(false);
    expect(run('$A !~ $R', { ...vars, A: 'c' })).toBe(true);
  });
});

describe('&& and || pass values (Ruby semantics)', () => {
  it.each<[string, Vars, boolean]>([
    // Documented quirk: the empty string is truthy for ||, so $EMPTY || $B yields "" which is not present.
    ['$EMPTY || $B', { EMPTY: '', B: 'yes' }, false],
    ['$UNDEFINED || $B', { B: 'yes' }, true],
    ['$A && $B', { A: 'x', B: '' }, false],
    ['$A && $B', { A: '', B: 'y' }, true],
    ['$A && $B', { B: 'y' }, false],
    ['$A || $B', { A: ' ', B: 'y' }, false],
    // Precedence: a || (b && c), not (a || b) && c.
    ['$A || $B && $C', { A: 'a' }, true],
    // Precedence: (a && b) || c, not a && (b || c).
    ['$A && $B || $C', { B: 'b', C: 'c' }, true],
    ['($A || $B) && $C', { A: 'a' }, false],
    ['$A == "x" && $B =~ /^y/', { A: 'x', B: 'yes' }, true],
    ['$A == "x" && $B =~ /^y/', { A: 'x', B: 'no' }, false],
    ['$A == "x" || $B == "y"', { B: 'y' }, true],
  ])('%s with %j → %s', (src, vars, expected) => {
    expect(run(src, vars)).toBe(expected);
  });
});

describe('errors make the statement false', () => {
  it('a syntax error evaluates to false', () => {
    expect(run('$A == main', { A: 'main' })).toBe(false);
    expect(run('($A', { A: 'x' })).toBe(false);
  });

  it('an evaluation error is false for =~ and for !~ alike', () => {
    expect(run('$A =~ true', { A: 'x' })).toBe(false);
    expect(run('$A !~ true', { A: 'x' })).toBe(false);
  });

  it('accepts a pre-parsed expression', () => {
    const expression = parseExpression('$A == "1"');
    expect(evaluateExpression(expression, () => '1')).toBe(true);
    expect(evaluateExpression(expression, () => '2')).toBe(false);
  });

  it('reads $[[ inputs.x ]] from the inputs option', () => {
    const inputs = (name: string) => (name === 'env' ? 'prod' : undefined);
    expect(evaluateExpression('$[[ inputs.env ]] == "prod"', () => undefined, { inputs })).toBe(true);
    expect(evaluateExpression('$[[ inputs.other ]] == null', () => undefined, { inputs })).toBe(true);
    expect(evaluateExpression('$[[ inputs.env ]] == "prod"', () => undefined)).toBe(false);
  });
});
