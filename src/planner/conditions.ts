// The clauses shared by job rules, workflow rules and only/except: `if`, `changes`, `exists`
// (spec §5.14). A rule matches when all of its clauses are true; a rule without clauses always matches.
import type { ChangesClause, ExistsClause } from '../model/config.js';
import { evaluateExpression } from '../expr/index.js';
import { expandKeyword } from '../variables/index.js';
import { changesMatch, existsMatch, type RepositoryFiles } from './path-conditions.js';
import type { ClauseLog } from './trace.js';

export type Lookup = (name: string) => string | undefined;

/** What a rule is evaluated against: the variables in scope and the files of the pipeline. */
export interface ConditionScope {
  /** Values as `rules:if` sees them: not expanded (`$A` holding `$B` compares as the text `$B`). */
  lookup: Lookup;
  /** Fully expanded values, for `rules:changes` paths; computed on first use (it is costly). */
  expandedLookup: () => Lookup;
  /** Changed files, or null when the pipeline has no diff (then `changes` is always true). */
  changedFiles: readonly string[] | null;
  /** Files changed since the merge base of `ref` (`compare_to`, already expanded) and the pipeline commit. */
  comparedFiles: (ref: string) => readonly string[] | null;
  repository: RepositoryFiles;
  projectPath: string;
}

export interface RuleClauses {
  if?: string;
  changes?: ChangesClause;
  exists?: ExistsClause;
}

/**
 * `log` (glci explain only) receives each evaluated clause's result and what an `if` read; without it
 * this costs three `undefined` checks.
 */
export function clausesMatch(rule: RuleClauses, scope: ConditionScope, log?: ClauseLog): boolean {
  if (rule.if !== undefined) {
    const result = evaluateExpression(rule.if, log === undefined ? scope.lookup : log.reading(scope.lookup));
    log?.ifResult(rule.if, result);
    if (!result) return false;
  }
  if (rule.changes !== undefined) {
    const result = changesClauseMatch(rule.changes.paths, scope, rule.changes.compareTo);
    log?.changesResult(rule.changes, result);
    if (!result) return false;
  }
  if (rule.exists !== undefined) {
    const result = existsClauseMatch(rule.exists, scope);
    log?.existsResult(rule.exists, result);
    if (!result) return false;
  }
  return true;
}

/**
 * `changes` paths and `compare_to` are expanded with fully expanded values, unknown variables kept as
 * written. With `compare_to` every pipeline has a diff (against that ref), tags and schedules included.
 */
export function changesClauseMatch(paths: readonly string[], scope: ConditionScope, compareTo?: string): boolean {
  const changed = compareTo === undefined ? scope.changedFiles : scope.comparedFiles(expandPaths([compareTo], scope.expandedLookup)[0]!);
  if (changed === null) return true;
  return changesMatch(expandPaths(paths, scope.expandedLookup), changed);
}

/**
 * `exists` paths are expanded with unexpanded values (unknown kept). Another project's files
 * (`exists:project`) cannot be seen from a local checkout: such a clause is false unless it names
 * this project.
 */
function existsClauseMatch(clause: ExistsClause, scope: ConditionScope): boolean {
  if (clause.project !== undefined) {
    const project = expandKeyword(clause.project, scope.lookup, 'keep');
    if (project !== scope.projectPath) return false;
  }
  return existsMatch(expandPaths(clause.paths, () => scope.lookup), scope.repository);
}

function expandPaths(paths: readonly string[], lookup: () => Lookup): string[] {
  return paths.map((path) => (/[$%]/.test(path) ? expandKeyword(path, lookup(), 'keep') : path));
}

/** Memoises a costly lookup builder so it runs at most once per scope. */
export function lazyLookup(build: () => Lookup): () => Lookup {
  let cached: Lookup | undefined;
  return () => (cached ??= build());
}
