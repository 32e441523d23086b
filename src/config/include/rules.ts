// `include:rules` (spec §4.4, GitLab's External::Rules and Entry::Include::Rules::Rule): no rules →
// included; otherwise the first rule whose clauses all hold decides (`when: never` excludes,
// `always` or no `when` includes); no matching rule excludes. Only include-visible variables are
// seen. `exists` looks at the files of the project of the file holding the include; `changes` is
// true unless the caller knows the changed paths (GitLab: no diff available → true).
import { fnmatch } from '../../glob/fnmatch.js';
import { evaluateExpression, validateExpression } from '../../expr/index.js';
import type { RawMapping } from '../raw.js';
import type { SourceProject } from '../source-reader.js';
import { isMapping } from '../yaml/mapping.js';
import type { FileScope, IncludeSession } from './context.js';
import { expandExisting } from './variables.js';

const RULE_KEYS = new Set(['if', 'exists', 'when', 'changes']);
const RULE_WHEN = new Set(['never', 'always']);

/** Rule shape errors, GitLab-worded (`include:` + the entry error); null when valid. */
export function checkIncludeRules(rules: unknown): string | null {
  if (rules === null || rules === undefined) return null;
  if (!Array.isArray(rules) || !rules.every(isMapping)) return 'include:rules config should be an array of hashes';
  for (const rule of rules as RawMapping[]) {
    const unknown = Object.keys(rule).filter((key) => !RULE_KEYS.has(key));
    if (unknown.length > 0) return `include:rules:rule config contains unknown keys: ${unknown.join(', ')}`;
    if (rule.when !== null && rule.when !== undefined && !(typeof rule.when === 'string' && RULE_WHEN.has(rule.when))) {
      return `include:rules:rule when unknown value: ${String(rule.when)}`;
    }
    if (rule.if !== null && rule.if !== undefined) {
      if (typeof rule.if !== 'string') return 'include:rules:rule if should be a string';
      const problem = validateExpression(rule.if);
      if (problem) return `include:rules:rule if ${problem}`;
    }
  }
  return null;
}

/** Whether the entry is included; assumes checkIncludeRules passed. */
export async function includeRulesPass(rules: unknown, scope: FileScope, session: IncludeSession): Promise<boolean> {
  if (!Array.isArray(rules)) return true;
  for (const rule of rules as RawMapping[]) {
    if (await ruleMatches(rule, scope, session)) return rule.when !== 'never';
  }
  return false;
}

async function ruleMatches(rule: RawMapping, scope: FileScope, session: IncludeSession): Promise<boolean> {
  if (typeof rule.if === 'string') {
    const lookup = (name: string): string | undefined => scope.variables[name];
    if (!evaluateExpression(rule.if, lookup)) return false;
  }
  if (rule.changes !== undefined && rule.changes !== null && !changesMatch(rule.changes, scope, session)) return false;
  if (rule.exists !== undefined && rule.exists !== null && !(await existsMatch(rule.exists, scope, session))) return false;
  return true;
}

function changesMatch(changes: unknown, scope: FileScope, session: IncludeSession): boolean {
  if (session.changedPaths === null) return true;
  const patterns = clausePaths(changes).map((path) => expandExisting(path, scope.variables));
  if (patterns.length === 0) return false;
  return session.changedPaths.some((path) => patterns.some((pattern) => fnmatch(pattern, path)));
}

async function existsMatch(exists: unknown, scope: FileScope, session: IncludeSession): Promise<boolean> {
  const project = existsProject(exists, scope);
  if (!project) return false;
  const patterns = clausePaths(exists).map((path) => expandExisting(path, scope.variables));
  if (patterns.length === 0) return false;
  const files = await session.listFiles(project, '');
  if (!files) return false;
  const directories = patterns.filter((pattern) => pattern.endsWith('/'));
  const globs = patterns.filter((pattern) => !pattern.endsWith('/'));
  return files.some((file) => globs.some((glob) => fnmatch(glob, file)) || directories.some((dir) => file.startsWith(dir)));
}

/** `exists:project`/`ref` point elsewhere; by default the project of the including file. */
function existsProject(exists: unknown, scope: FileScope): SourceProject | null {
  if (isMapping(exists) && typeof exists.project === 'string' && exists.project !== '') {
    const ref = typeof exists.ref === 'string' && exists.ref !== '' ? expandExisting(exists.ref, scope.variables) : null;
    return { kind: 'project', path: expandExisting(exists.project, scope.variables), ref };
  }
  return scope.project;
}

/** The simple form (a string or a list) or the `paths:` of the complex form. */
function clausePaths(clause: unknown): string[] {
  const paths = isMapping(clause) ? clause.paths : clause;
  const list = Array.isArray(paths) ? paths : [paths];
  return list.filter((path): path is string => typeof path === 'string' && path !== '');
}
