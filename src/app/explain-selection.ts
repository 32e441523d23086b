// How a job was selected, for `glci explain`: every rule or only/except condition as written, joined
// with what the planner's trace recorded while it evaluated them. Nothing is evaluated here: a clause
// the trace has no result for was not evaluated (an earlier clause was false, or an earlier rule
// decided), and says so.
import type { JobDefinition, PolicyDefinition, RuleDefinition, WorkflowRuleDefinition } from '../model/config.js';
import type {
  ClauseExplanation,
  OnlyExceptExplanation,
  PolicyConditionExplanation,
  PolicyKind,
  RuleExplanation,
  RulesExplanation,
} from '../model/explanation.js';
import { POLICY_KINDS, type ClauseRecord, type JobTrace, type PolicyConditionRecord, type RulesLog } from '../planner/index.js';

type AnyRule = RuleDefinition | WorkflowRuleDefinition;

export function rulesExplanation(rules: readonly AnyRule[], log: RulesLog | undefined): RulesExplanation {
  const explained = rules.map((rule, index) => ruleExplanation(rule, index, log));
  const decided = explained.find((r) => r.status === 'matched');
  return { rules: explained, decidedBy: decided?.number ?? null };
}

function ruleExplanation(rule: AnyRule, index: number, log: RulesLog | undefined): RuleExplanation {
  const record = log?.evaluated.get(index);
  const recorded = record?.clauses ?? [];
  const out: RuleExplanation = {
    number: index + 1,
    status: record === undefined ? 'not evaluated' : record.matched ? 'matched' : 'not matched',
    clauses: writtenClauses(rule).map((clause) => withResult(clause, recorded)),
  };
  if (rule.when !== undefined) out.when = rule.when;
  if ('allowFailure' in rule && rule.allowFailure !== undefined) out.allowFailure = rule.allowFailure;
  if ('startIn' in rule && rule.startIn !== undefined) out.startIn = rule.startIn;
  if (rule.variables !== undefined) out.variables = rule.variables;
  if ('needs' in rule && rule.needs !== undefined) out.needs = rule.needs.map((n) => n.job);
  return out;
}

/** The rule's clauses in the order the planner evaluates them, without results yet. */
function writtenClauses(rule: AnyRule): ClauseExplanation[] {
  const clauses: ClauseExplanation[] = [];
  if (rule.if !== undefined) clauses.push({ clause: 'if', expression: rule.if, reads: [], result: null });
  if (rule.changes !== undefined) {
    const { paths, compareTo } = rule.changes;
    clauses.push({ clause: 'changes', paths, ...(compareTo !== undefined ? { compareTo } : {}), result: null });
  }
  if (rule.exists !== undefined) {
    const { paths, project, ref } = rule.exists;
    clauses.push({ clause: 'exists', paths, ...(project !== undefined ? { project } : {}), ...(ref !== undefined ? { ref } : {}), result: null });
  }
  return clauses;
}

function withResult(clause: ClauseExplanation, recorded: readonly ClauseRecord[]): ClauseExplanation {
  const record = recorded.find((r) => r.clause === clause.clause);
  if (record === undefined) return clause;
  if (record.clause === 'if' && clause.clause === 'if') return { ...clause, reads: record.reads, result: record.result };
  return { ...clause, result: record.result };
}

/** The only/except conditions of a job without `rules`, as the trace recorded them. */
export function onlyExceptExplanation(def: JobDefinition, trace: JobTrace, excludedBy: string | null): OnlyExceptExplanation | null {
  const recorded = trace.onlyExcept;
  if (recorded === undefined) return null;
  const conditions = recorded.log.conditions;
  return {
    only: recorded.only === null ? null : policyExplanation(recorded.only, 'only', conditions),
    // GitLab's default `only: [branches, tags]` applies without `only`, and its refs without `only:refs`.
    implicitOnly: recorded.only !== null && (def.only === null || def.only.refs === undefined),
    except: recorded.except === null ? null : policyExplanation(recorded.except, 'except', conditions),
    excludedBy,
  };
}

function policyExplanation(
  policy: PolicyDefinition,
  side: 'only' | 'except',
  recorded: readonly PolicyConditionRecord[],
): PolicyConditionExplanation[] {
  return POLICY_KINDS.filter((kind) => policy[kind] !== undefined).map((kind) => {
    const record = recorded.find((c) => c.side === side && c.kind === kind);
    const entries = writtenEntries(policy, kind).map((entry, i) => {
      const tried = record?.entries[i];
      if (tried === undefined) return { entry, result: null };
      return tried.reads === undefined ? { entry, result: tried.result } : { entry, result: tried.result, reads: tried.reads };
    });
    return { kind, satisfied: record?.satisfied ?? null, entries };
  });
}

/** The entries of one condition, as the planner tries them (all `changes` globs count as one entry). */
function writtenEntries(policy: PolicyDefinition, kind: PolicyKind): string[] {
  switch (kind) {
    case 'refs':
      return policy.refs ?? [];
    case 'variables':
      return policy.variables ?? [];
    case 'changes':
      return [(policy.changes ?? []).join(', ')];
    case 'kubernetes':
      return ['active'];
  }
}
