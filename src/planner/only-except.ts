// Deprecated `only` / `except` job selection (spec §5.15): the job runs iff every `only` condition type
// present is satisfied and no `except` condition type is.
import type { JobDefinition, PolicyDefinition } from '../model/config.js';
import type { PolicyKind } from '../model/explanation.js';
import type { PipelineSource } from '../model/plan.js';
import { compileRegexLiteral, evaluateExpression } from '../expr/index.js';
import { changesClauseMatch, type ConditionScope } from './conditions.js';
import type { PolicyLog } from './trace.js';

/** The facts `only/except:refs` compare against. */
export interface RefFacts {
  /** A branch pipeline (merge request pipelines are neither branch nor tag pipelines). */
  isBranch: boolean;
  isTag: boolean;
  source: PipelineSource;
  /** Branch or tag name. */
  ref: string;
  projectPath: string;
}

const DEFAULT_ONLY_REFS = ['branches', 'tags'];

/** The condition types in the order they are evaluated (glci explain lists them in that order too). */
export const POLICY_KINDS: readonly PolicyKind[] = ['refs', 'variables', 'changes', 'kubernetes'];

/**
 * The effective `only` of a job without `rules`: an explicit mapping without `refs` still carries the
 * default refs (GitLab deep-merges the default into it); without `only` the default applies, `except`
 * or not, unless `workflow:rules` exists. Returns null when no `only` applies.
 */
export function effectiveOnly(job: JobDefinition, hasWorkflowRules: boolean): PolicyDefinition | null {
  if (job.only !== null) return { refs: DEFAULT_ONLY_REFS, ...withoutUndefined(job.only) };
  return hasWorkflowRules ? null : { refs: DEFAULT_ONLY_REFS };
}

/**
 * The exclusion reason (`only: refs`, `except: variables`, ...), or null when the job is included.
 * `log`: glci explain's record of each condition and entry evaluated.
 */
export function evaluateOnlyExcept(
  only: PolicyDefinition | null,
  except: PolicyDefinition | null,
  scope: ConditionScope,
  refs: RefFacts,
  log?: PolicyLog,
): string | null {
  if (only !== null) {
    for (const kind of POLICY_KINDS) {
      if (only[kind] === undefined) continue;
      const satisfied = policySatisfied(only, kind, scope, refs, log);
      log?.condition('only', kind, satisfied);
      if (!satisfied) return `only: ${kind}`;
    }
  }
  if (except !== null) {
    for (const kind of POLICY_KINDS) {
      if (except[kind] === undefined) continue;
      const satisfied = policySatisfied(except, kind, scope, refs, log);
      log?.condition('except', kind, satisfied);
      if (satisfied) return `except: ${kind}`;
    }
  }
  return null;
}

const passResult = (_entry: string, result: boolean): boolean => result;

function policySatisfied(
  policy: PolicyDefinition,
  kind: PolicyKind,
  scope: ConditionScope,
  refs: RefFacts,
  log: PolicyLog | undefined,
): boolean {
  // Each entry's result goes through `noted`, so the log sees exactly the entries `some` tried.
  const noted = log === undefined ? passResult : log.entry.bind(log);
  const lookup = log === undefined ? scope.lookup : log.reading(scope.lookup);
  switch (kind) {
    case 'refs':
      return (policy.refs ?? []).some((entry) => noted(entry, refEntryMatches(entry, refs)));
    case 'variables':
      return (policy.variables ?? []).some((expression) => noted(expression, evaluateExpression(expression, lookup)));
    case 'changes': {
      const result = changesClauseMatch(policy.changes ?? [], scope);
      return log === undefined ? result : log.entry((policy.changes ?? []).join(', '), result);
    }
    case 'kubernetes':
      return noted('active', (lookup('CI_KUBERNETES_ACTIVE') ?? '') !== '');
  }
}

/**
 * One `refs` entry: `branches`, `tags`, a pipeline source keyword (the source without `_event`, or
 * its plural), a branch/tag name or `/regex/` (branch and tag pipelines only), optionally `@project`.
 */
export function refEntryMatches(entry: string, refs: RefFacts): boolean {
  const at = entry.indexOf('@');
  const pattern = at === -1 ? entry : entry.slice(0, at);
  if (at !== -1 && entry.slice(at + 1) !== refs.projectPath) return false;
  if (refs.isTag && pattern === 'tags') return true;
  if (refs.isBranch && pattern === 'branches') return true;
  const source = refs.source.replace(/_event$/, '');
  if (pattern === source || pattern === pluralize(source)) return true;
  if (!refs.isBranch && !refs.isTag) return false;
  const regex = compileRegexLiteral(pattern);
  if (regex === null) return pattern === refs.ref;
  regex.lastIndex = 0;
  return regex.test(refs.ref);
}

/** ActiveSupport's `pluralize` for the source names GitLab has (`security_orchestration_policy` → `...policies`). */
function pluralize(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return /(s|sh|ch|x|z)$/.test(word) ? `${word}es` : `${word}s`;
}

function withoutUndefined(policy: PolicyDefinition): PolicyDefinition {
  return Object.fromEntries(Object.entries(policy).filter(([, v]) => v !== undefined)) as PolicyDefinition;
}
