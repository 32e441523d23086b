// Evaluation of a parsed expression with GitLab's semantics (gitlab-ci-yaml.md §6.3): Ruby value-passing
// `&&`/`||`, exact `==`, RE2 matching with the substring fallback for strings that are not regexps, and
// ActiveSupport `present?` as the final truthiness.
import { ExpressionError } from '../errors.js';
import type { ExpressionNode } from './ast.js';
import { compileExpressionPattern } from './regex-literal.js';

/** Values of `spec:inputs` (only `$[[ inputs.x ]]` lexemes read them). */
export type InputValue = string | number | boolean | null;

export interface RegexpValue {
  literal: string;
  regexp: RegExp;
}

export type ExpressionValue = InputValue | RegexpValue;

export interface EvaluationScope {
  /** A CI/CD variable's value, or undefined when it is not defined (then it evaluates to null). */
  variable(name: string): string | undefined;
  input(name: string): InputValue | undefined;
}

function isRegexp(value: ExpressionValue): value is RegexpValue {
  return typeof value === 'object' && value !== null;
}

/** Ruby truthiness: only nil and false are falsy (an empty string is truthy here). */
function rubyTruthy(value: ExpressionValue): boolean {
  return value !== null && value !== false;
}

/** ActiveSupport `present?`: null, false, empty and whitespace-only strings are not present. */
export function isPresent(value: ExpressionValue): boolean {
  if (!rubyTruthy(value)) return false;
  return typeof value !== 'string' || !/^\p{White_Space}*$/u.test(value);
}

function equals(left: ExpressionValue, right: ExpressionValue): boolean {
  if (isRegexp(left) || isRegexp(right)) {
    return isRegexp(left) && isRegexp(right) && left.literal === right.literal;
  }
  return left === right;
}

// Variables holding `/regexp/` strings are compiled on every evaluation; keep recent ones.
const patternCache = new Map<string, RegExp | null>();
const PATTERN_CACHE_LIMIT = 256;

function patternOf(text: string): RegExp | null {
  if (patternCache.has(text)) return patternCache.get(text)!;
  const compiled = compileExpressionPattern(text);
  if (patternCache.size >= PATTERN_CACHE_LIMIT) patternCache.clear();
  patternCache.set(text, compiled);
  return compiled;
}

function textOf(value: ExpressionValue): string {
  if (value === null) return '';
  if (isRegexp(value)) return value.literal;
  return String(value);
}

function matches(left: ExpressionValue, right: ExpressionValue): boolean {
  const text = textOf(left);
  if (isRegexp(right)) return right.regexp.test(text);
  if (typeof right !== 'string') throw new ExpressionError('Invalid right operand for a match');
  const regexp = patternOf(right);
  // Not a valid `/regexp/`: GitLab falls back to String#scan, i.e. "does the left occur in the right".
  return regexp ? regexp.test(text) : right.includes(text);
}

function evaluateBinary(node: Extract<ExpressionNode, { type: 'binary' }>, scope: EvaluationScope): ExpressionValue {
  const left = evaluateNode(node.left, scope);
  switch (node.op) {
    case '&&':
      return rubyTruthy(left) ? evaluateNode(node.right, scope) : left;
    case '||':
      return rubyTruthy(left) ? left : evaluateNode(node.right, scope);
    case '==':
      return equals(left, evaluateNode(node.right, scope));
    case '!=':
      return !equals(left, evaluateNode(node.right, scope));
    case '=~': {
      const right = evaluateNode(node.right, scope);
      return rubyTruthy(right) ? matches(left, right) : false;
    }
    case '!~': {
      const right = evaluateNode(node.right, scope);
      return rubyTruthy(right) ? !matches(left, right) : true;
    }
  }
}

/** The raw value of a node (before the final `present?`). */
export function evaluateNode(node: ExpressionNode, scope: EvaluationScope): ExpressionValue {
  switch (node.type) {
    case 'variable':
      return scope.variable(node.name) ?? null;
    case 'input':
      return scope.input(node.name) ?? null;
    case 'string':
    case 'boolean':
      return node.value;
    case 'null':
      return null;
    case 'regexp':
      return { literal: node.literal, regexp: node.regexp };
    case 'binary':
      return evaluateBinary(node, scope);
  }
}
