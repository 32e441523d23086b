// `rules` (spec §5.14) and `workflow:rules` (spec §2.6) evaluation: the first matching rule decides.
import type { JobWhen, RuleDefinition, WorkflowRuleDefinition } from '../model/config.js';
import { clausesMatch, type ConditionScope } from './conditions.js';
import type { RulesLog } from './trace.js';

export type RulesOutcome =
  | { included: true; rule: RuleDefinition; when: JobWhen }
  | { included: false; reason: string };

/**
 * The matching rule's `when` (default: the job-level `when`, else `on_success`) is the job's `when`;
 * `when: never` or no matching rule excludes the job. `log`: glci explain's record of each rule tried.
 */
export function evaluateJobRules(
  rules: readonly RuleDefinition[],
  jobWhen: JobWhen | undefined,
  scope: ConditionScope,
  log?: RulesLog,
): RulesOutcome {
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index] as RuleDefinition;
    if (!clausesMatch(rule, scope, log?.rule(index))) continue;
    const when = rule.when ?? jobWhen ?? 'on_success';
    if (when === 'never') return { included: false, reason: 'rules: when never' };
    return { included: true, rule, when };
  }
  return { included: false, reason: 'rules: no rule matched' };
}

export type WorkflowOutcome = { created: true; variables: Record<string, string> } | { created: false };

/**
 * Without `workflow:rules` every pipeline is created. With them, the first matching rule decides and its
 * `when` defaults to `always`; a matching `when: never` or no match at all filters the pipeline out.
 */
export function evaluateWorkflowRules(
  rules: readonly WorkflowRuleDefinition[] | null,
  scope: ConditionScope,
  log?: RulesLog,
): WorkflowOutcome {
  if (rules === null) return { created: true, variables: {} };
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index] as WorkflowRuleDefinition;
    if (!clausesMatch(rule, scope, log?.rule(index))) continue;
    if (rule.when === 'never') return { created: false };
    return { created: true, variables: rule.variables ?? {} };
  }
  return { created: false };
}
