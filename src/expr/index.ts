// Public API of GitLab's CI/CD variable expressions (`rules:if`, `only/except:variables`,
// `workflow:rules`, `include:rules`), gitlab-ci-yaml.md §6.
import { ExpressionError } from '../errors.js';
import type { Expression } from './ast.js';
import { type InputValue, evaluateNode, isPresent } from './evaluate.js';
import { tokenize } from './lexer.js';
import { parseTokens } from './parser.js';

export type { Expression, ExpressionNode, Operator } from './ast.js';
export type { InputValue } from './evaluate.js';
export { compileRegexLiteral } from './regex-literal.js';

export interface EvaluateOptions {
  /** Values for `$[[ inputs.name ]]` lexemes (`spec:inputs:rules`). */
  inputs?: (name: string) => InputValue | undefined;
}

// Every job evaluates the same few rules; parse each statement once.
const parsed = new Map<string, Expression>();
const PARSED_CACHE_LIMIT = 1000;

/** Parses a statement; throws ExpressionError (message as GitLab's, e.g. `Unknown lexeme found!`). */
export function parseExpression(src: string): Expression {
  const cached = parsed.get(src);
  if (cached) return cached;
  const expression: Expression = { source: src, root: parseTokens(tokenize(src)) };
  if (parsed.size >= PARSED_CACHE_LIMIT) parsed.clear();
  parsed.set(src, expression);
  return expression;
}

/** null when the statement is valid, else why not (GitLab reports it as `Invalid expression syntax`). */
export function validateExpression(src: string): string | null {
  try {
    parseExpression(src);
    return null;
  } catch (error) {
    if (error instanceof ExpressionError) return error.message;
    throw error;
  }
}

/**
 * Whether the statement holds with these variables. Any lexing, parsing or evaluation error makes it false,
 * as in GitLab (Statement#truthful?), instead of failing the pipeline.
 */
export function evaluateExpression(
  src: string | Expression,
  lookup: (name: string) => string | undefined,
  options: EvaluateOptions = {},
): boolean {
  try {
    const expression = typeof src === 'string' ? parseExpression(src) : src;
    const value = evaluateNode(expression.root, { variable: lookup, input: options.inputs ?? (() => undefined) });
    return isPresent(value);
  } catch (error) {
    if (error instanceof ExpressionError) return false;
    throw error;
  }
}
