// Rules (job `rules`, `workflow:rules`) and only/except conditions as text: each entry with its
// result, the values an expression read, and what was never evaluated.
import type {
  ClauseExplanation,
  OnlyExceptExplanation,
  PolicyConditionExplanation,
  RuleExplanation,
  RulesExplanation,
  VariableRead,
} from '../../model/explanation.js';
import { quoted } from './text-values.js';

function resultText(result: boolean | null): string {
  return result === null ? 'not evaluated' : String(result);
}

/** `NAME = "value"` per variable read, `(not set)` for an undefined one. */
export function readLines(reads: readonly VariableRead[], indent: string): string[] {
  return reads.map((r) => `${indent}${r.name} = ${r.value === null ? '(not set)' : quoted(r.value)}`);
}

function clauseLines(clause: ClauseExplanation, indent: string): string[] {
  switch (clause.clause) {
    case 'if':
      return [`${indent}if: ${clause.expression}  → ${resultText(clause.result)}`, ...readLines(clause.reads, `${indent}    `)];
    case 'changes': {
      const compare = clause.compareTo === undefined ? '' : ` (compare_to ${clause.compareTo})`;
      return [`${indent}changes: ${clause.paths.join(', ')}${compare}  → ${resultText(clause.result)}`];
    }
    case 'exists': {
      const where = clause.project === undefined ? '' : ` (project ${clause.project}${clause.ref === undefined ? '' : ` ref ${clause.ref}`})`;
      return [`${indent}exists: ${clause.paths.join(', ')}${where}  → ${resultText(clause.result)}`];
    }
  }
}

/** What a rule sets when it decides: `when: manual, allow_failure: true, variables: A=1`. */
function ruleAttributes(rule: RuleExplanation): string {
  const parts: string[] = [];
  if (rule.when !== undefined) parts.push(`when: ${rule.when}`);
  if (rule.allowFailure !== undefined) parts.push(`allow_failure: ${rule.allowFailure}`);
  if (rule.startIn !== undefined) parts.push(`start_in: ${rule.startIn}`);
  if (rule.variables !== undefined) {
    parts.push(`variables: ${Object.entries(rule.variables).map(([k, v]) => `${k}=${quoted(v)}`).join(', ')}`);
  }
  if (rule.needs !== undefined) parts.push(`needs: [${rule.needs.join(', ')}]`);
  return parts.length === 0 ? '' : `  (${parts.join(', ')})`;
}

export function rulesLines(title: string, rules: RulesExplanation, indent = ''): string[] {
  const decided = rules.decidedBy === null ? 'no rule matched' : `decided by rule ${rules.decidedBy}`;
  const lines = [`${indent}${title} (${decided})`];
  for (const rule of rules.rules) {
    const mark = rule.number === rules.decidedBy ? '  ← decides' : '';
    lines.push(`${indent}  rule ${rule.number}: ${rule.status}${ruleAttributes(rule)}${mark}`);
    if (rule.clauses.length === 0) lines.push(`${indent}    (no clauses: always matches)`);
    for (const clause of rule.clauses) lines.push(...clauseLines(clause, `${indent}    `));
  }
  return lines;
}

function conditionLines(condition: PolicyConditionExplanation, side: 'only' | 'except', indent: string): string[] {
  const state = condition.satisfied === null ? 'not evaluated' : condition.satisfied ? 'satisfied' : 'not satisfied';
  const lines = [`${indent}${side}:${condition.kind}: ${state}`];
  for (const entry of condition.entries) {
    lines.push(`${indent}  ${entry.entry}  → ${resultText(entry.result)}`);
    lines.push(...readLines(entry.reads ?? [], `${indent}      `));
  }
  return lines;
}

export function onlyExceptLines(explained: OnlyExceptExplanation, indent = ''): string[] {
  const verdict = explained.excludedBy === null ? 'included' : `excluded by ${explained.excludedBy}`;
  const lines = [`${indent}only/except (${verdict})`];
  if (explained.only === null) lines.push(`${indent}  only: none (workflow:rules exists, so no implicit only: [branches, tags])`);
  else {
    if (explained.implicitOnly) lines.push(`${indent}  (GitLab's implicit only: refs [branches, tags])`);
    for (const c of explained.only) lines.push(...conditionLines(c, 'only', `${indent}  `));
  }
  for (const c of explained.except ?? []) lines.push(...conditionLines(c, 'except', `${indent}  `));
  return lines;
}
