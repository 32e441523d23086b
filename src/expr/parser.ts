// Shunting-yard parser (gitlab-ci-yaml.md §6.2, lib/gitlab/ci/pipeline/expression/parser.rb): tokens are
// reordered to reverse Polish notation, then folded into a tree. All operators are binary and
// left-associative; comparisons bind tighter than `&&`, which binds tighter than `||`.
import { ExpressionError } from '../errors.js';
import type { ExpressionNode, Operator, Token } from './ast.js';

// Lower binds tighter, as in GitLab's lexeme classes.
const PRECEDENCE: Record<Operator, number> = { '==': 10, '!=': 10, '=~': 10, '!~': 10, '&&': 11, '||': 12 };

type StackToken = Extract<Token, { type: 'operator' } | { type: '(' }>;

function toRpn(tokens: Token[]): Token[] {
  const output: Token[] = [];
  const operators: StackToken[] = [];
  for (const token of tokens) {
    if (token.type === 'operator') {
      const precedence = PRECEDENCE[token.op];
      for (let top = operators.at(-1); top?.type === 'operator' && precedence >= PRECEDENCE[top.op]; top = operators.at(-1)) {
        output.push(operators.pop()!);
      }
      operators.push(token);
    } else if (token.type === '(') {
      operators.push(token);
    } else if (token.type === ')') {
      while (operators.at(-1)?.type === 'operator') output.push(operators.pop()!);
      if (operators.length === 0) throw new ExpressionError('Unmatched parenthesis');
      operators.pop();
    } else {
      output.push(token);
    }
  }
  return output.concat(operators.reverse());
}

/** Builds the tree of a tokenized statement; throws ExpressionError for malformed statements. */
export function parseTokens(tokens: Token[]): ExpressionNode {
  const results: ExpressionNode[] = [];
  for (const token of toRpn(tokens)) {
    if (token.type === '(' || token.type === ')') throw new ExpressionError('Unmatched parenthesis');
    if (token.type !== 'operator') {
      results.push(token);
      continue;
    }
    const right = results.pop();
    const left = results.pop();
    if (!left) throw new ExpressionError('Invalid left operand');
    if (!right) throw new ExpressionError('Invalid right operand');
    results.push({ type: 'binary', op: token.op, left, right });
  }
  if (results.length > 1) throw new ExpressionError('Unreachable nodes in parse tree');
  const root = results[0];
  if (!root) throw new ExpressionError('Empty parse tree');
  return root;
}
