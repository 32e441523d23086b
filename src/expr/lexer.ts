// Lexer of GitLab's CI/CD variable expressions. Lexemes are tried in GitLab's order at each position
// (gitlab-ci-yaml.md §6.1, lib/gitlab/ci/pipeline/expression/lexer.rb); the first pattern that matches wins.
import { ExpressionError } from '../errors.js';
import type { Operator, Token } from './ast.js';
import { compileExpressionPattern } from './regex-literal.js';

// GitLab's lexer makes at most this many scan steps, so a statement of 100 or more tokens is refused.
const MAX_TOKENS = 100;

// Ruby's \s: ASCII whitespace only.
const WHITESPACE = /[ \t\r\n\f\v]+/y;

interface Lexeme {
  pattern: RegExp;
  build(m: RegExpExecArray): Token;
}

const LEXEMES: Lexeme[] = [
  { pattern: /\(/y, build: () => ({ type: '(' }) },
  { pattern: /\)/y, build: () => ({ type: ')' }) },
  { pattern: /\$\[\[\s*inputs\.(\w+)\s*\]\]/y, build: (m) => ({ type: 'input', name: m[1]! }) },
  { pattern: /\$(\w+)/y, build: (m) => ({ type: 'variable', name: m[1]! }) },
  // Shortest match up to the same quote, on one line; no escapes.
  { pattern: /"([^"\n]*)"|'([^'\n]*)'/y, build: (m) => ({ type: 'string', value: m[1] ?? m[2]! }) },
  { pattern: /\/(?:[^/]|\\\/)+[^\\]\/[ismU]*/y, build: buildRegexp },
  { pattern: /null/y, build: () => ({ type: 'null' }) },
  { pattern: /(?:true|false)\b/y, build: (m) => ({ type: 'boolean', value: m[0] === 'true' }) },
  { pattern: /==|=~|!=|!~|&&|\|\|/y, build: (m) => ({ type: 'operator', op: m[0] as Operator }) },
];

function buildRegexp(m: RegExpExecArray): Token {
  const regexp = compileExpressionPattern(m[0]);
  if (!regexp) throw new ExpressionError('Invalid regular expression!');
  return { type: 'regexp', literal: m[0], regexp };
}

function scanLexeme(src: string, pos: number): { token: Token; end: number } | null {
  for (const lexeme of LEXEMES) {
    lexeme.pattern.lastIndex = pos;
    const m = lexeme.pattern.exec(src);
    if (m) return { token: lexeme.build(m), end: pos + m[0].length };
  }
  return null;
}

/** Splits a statement into tokens; throws ExpressionError with GitLab's message on bad input. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (let step = 0; step < MAX_TOKENS; step++) {
    WHITESPACE.lastIndex = pos;
    if (WHITESPACE.exec(src)) pos = WHITESPACE.lastIndex;
    if (pos >= src.length) return tokens;
    const scanned = scanLexeme(src, pos);
    if (!scanned) throw new ExpressionError('Unknown lexeme found!');
    tokens.push(scanned.token);
    pos = scanned.end;
  }
  throw new ExpressionError('Too many tokens!');
}
