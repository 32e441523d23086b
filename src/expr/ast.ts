// Tokens and syntax tree of GitLab's CI/CD variable expressions (gitlab-ci-yaml.md §6). Types only.

export type Operator = '==' | '!=' | '=~' | '!~' | '&&' | '||';

/** A value lexeme: what can stand on either side of an operator. */
export type Operand =
  | { type: 'variable'; name: string }
  | { type: 'input'; name: string }
  | { type: 'string'; value: string }
  | { type: 'regexp'; literal: string; regexp: RegExp }
  | { type: 'null' }
  | { type: 'boolean'; value: boolean };

export type Token = Operand | { type: 'operator'; op: Operator } | { type: '(' } | { type: ')' };

export type ExpressionNode = Operand | { type: 'binary'; op: Operator; left: ExpressionNode; right: ExpressionNode };

/** A parsed statement, reusable across evaluations. */
export interface Expression {
  source: string;
  root: ExpressionNode;
}
