// Lexing and parsing rows of gitlab-ci-yaml.md §6.1–6.2.
import { describe, expect, it } from 'vitest';
import { parseExpression, validateExpression } from '../../src/expr/index.js';

describe('validateExpression: accepted statements', () => {
  it.each([
    '$VAR',
    '$VAR == "value"',
    "$VAR == 'value'",
    '$VAR != null',
    '$VAR == null',
    '"main" == $CI_COMMIT_BRANCH',
    '$CI_COMMIT_TAG =~ /^v\\d+\\.\\d+/',
    '$A =~ /ab/i',
    '$A =~ /ab/ismU',
    '$A =~ /a\\/b/',
    '$A == "x" && $B =~ /y./ || $C',
    '(($A || $B) && ($C))',
    '$A == true',
    '$A == false',
    '$A=="x"',
    '  $A   ==   "x"  ',
    '$[[ inputs.env ]] == "prod"',
    '$A == "back\\slash"',
  ])('%s', (src) => {
    expect(validateExpression(src)).toBeNull();
  });
});

describe('validateExpression: lexer errors', () => {
  it.each([
    ['${VAR} == "x"', 'braced variables are not expression syntax'],
    ['%VAR% == "x"', 'Windows-style variables are not expression syntax'],
    ['$BRANCH == main', 'unquoted words are refused'],
    ['$A == "a"b"', 'a string cannot contain its own quote'],
    ['$A == "a\nb"', 'a string cannot span lines'],
    ['$A =~ /a/', 'a regex body needs at least two characters'],
    ['$A =~ /./', 'a regex body needs at least two characters'],
    ['!$A', 'the unary ! is not a lexeme'],
    ['$A = "x"', 'single = is not an operator'],
    ['$A == "x" ; $B', 'unknown character'],
    ['$A =~ /ab/x', 'x is not a regex flag'],
  ])('%s (%s) → Unknown lexeme found!', (src) => {
    expect(validateExpression(src)).toBe('Unknown lexeme found!');
  });

  it.each(['$A =~ /(?=a)b/', '$A =~ /(a)\\1/', '$A =~ /ab**/', '$A =~ /[b-a]x/', '$A =~ /(?<!a)b/'])(
    '%s → Invalid regular expression! (RE2 refuses it)',
    (src) => {
      expect(validateExpression(src)).toBe('Invalid regular expression!');
    },
  );

  it('accepts 99 tokens and refuses 100 (the lexer makes at most 100 scan steps)', () => {
    const ninetyNine = Array.from({ length: 50 }, (_, i) => `$V${i}`).join(' || ');
    expect(validateExpression(ninetyNine)).toBeNull();
    // 100 lexable tokens: the lexer gives up before the parser sees the dangling operands.
    expect(validateExpression('$A '.repeat(100))).toBe('Too many tokens!');
    expect(validateExpression('$A '.repeat(99))).not.toBe('Too many tokens!');
  });
});

describe('validateExpression: parser errors', () => {
  it.each([
    ['($A', 'Unmatched parenthesis'],
    ['$A)', 'Unmatched parenthesis'],
    ['(($A) || $B', 'Unmatched parenthesis'],
    ['$A $B', 'Unreachable nodes in parse tree'],
    ['$A == "x" "y"', 'Unreachable nodes in parse tree'],
    ['$A ==', 'Invalid left operand'],
    ['== $A', 'Invalid left operand'],
    ['', 'Empty parse tree'],
    ['   ', 'Empty parse tree'],
    ['()', 'Empty parse tree'],
  ])('%s → %s', (src, message) => {
    expect(validateExpression(src)).toBe(message);
  });
});

describe('parseExpression: tree shape', () => {
  it('comparisons bind tighter than && which binds tighter than ||', () => {
    const { root } = parseExpression('$A == "x" || $B =~ /yz/ && $C != null');
    expect(root).toMatchObject({
      type: 'binary',
      op: '||',
      left: { op: '==', left: { type: 'variable', name: 'A' }, right: { type: 'string', value: 'x' } },
      right: { op: '&&', left: { op: '=~' }, right: { op: '!=', right: { type: 'null' } } },
    });
  });

  it('operators of equal precedence associate to the left', () => {
    const { root } = parseExpression('$A && $B && $C');
    expect(root).toMatchObject({ op: '&&', left: { op: '&&', left: { name: 'A' }, right: { name: 'B' } }, right: { name: 'C' } });
  });

  it('parentheses override precedence', () => {
    const { root } = parseExpression('($A || $B) && $C');
    expect(root).toMatchObject({ op: '&&', left: { op: '||' }, right: { name: 'C' } });
  });

  it('keeps string text verbatim: no escapes, backslashes literal', () => {
    expect(parseExpression("$A == 'a\\nb'").root).toMatchObject({ right: { type: 'string', value: 'a\\nb' } });
  });

  it('reads true/false as boolean literals and $[[ inputs.x ]] as inputs', () => {
    expect(parseExpression('$A == true').root).toMatchObject({ right: { type: 'boolean', value: true } });
    expect(parseExpression('$[[ inputs.env ]]').root).toEqual({ type: 'input', name: 'env' });
  });

  it('throws an ExpressionError carrying the message', () => {
    expect(() => parseExpression('$A == main')).toThrow('Unknown lexeme found!');
  });
});
