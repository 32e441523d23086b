// Job `rules:` and `workflow:rules:` (nested lists up to 10 levels flattened).
// https://docs.gitlab.com/ci/yaml/#rules — spec §5.14, §2.6 (entry/rules.rb, entry/rules/rule.rb).
import type { RuleDefinition, RuleWhen, WorkflowRuleDefinition } from '../../model/config.js';
import { validateExpression } from '../../expr/index.js';
import { parseAutoCancel } from './auto-cancel.js';
import { hasVariableReference, ONE_WEEK, parseDuration } from '../../duration/chronic.js';
import { checkAllowedKeys } from './keys.js';
import { parseNeeds } from './needs.js';
import { parseChanges, parseExists } from './rule-clauses.js';
import { flattenNested, isMapping, isString } from './shapes.js';
import type { Site } from './site.js';
import { parseSimpleVariables } from './variables.js';

const JOB_RULE_KEYS: ReadonlySet<string> = new Set([
  'if', 'changes', 'exists', 'when', 'start_in', 'allow_failure', 'variables', 'needs', 'interruptible',
]);
/** `start_in`, `allow_failure` and `needs` are accepted in workflow rules for compatibility, and ignored. */
const WORKFLOW_RULE_KEYS: ReadonlySet<string> = new Set([
  'if', 'changes', 'exists', 'when', 'variables', 'auto_cancel', 'start_in', 'allow_failure', 'needs',
]);
const JOB_RULE_WHEN: readonly RuleWhen[] = ['on_success', 'on_failure', 'always', 'never', 'manual', 'delayed'];
const WORKFLOW_RULE_WHEN = ['always', 'never'] as const;

type RuleMap = Record<string, unknown>;

/** The flat list of rule mappings, or null when the shape is wrong (reported). */
function ruleMappings(site: Site, owner: Site): { rules: RuleMap[]; flat: boolean } | null {
  if (!Array.isArray(site.value)) {
    site.config('should be an array');
    return null;
  }
  const rules = flattenNested(site.value, isMapping);
  if (rules === null) {
    owner.attr('rules', 'should be an array containing hashes and arrays of hashes');
    return null;
  }
  if (rules.length === 0) {
    site.config("can't be blank");
    return null;
  }
  return { rules, flat: !site.value.some(Array.isArray) };
}

function ruleSite(site: Site, rule: RuleMap, index: number, flat: boolean): Site {
  return flat ? site.item(index, rule, 'rule') : site.view(`${site.path}:rule`, rule);
}

/** Job (and trigger job) `rules:`. */
export function parseJobRules(site: Site, owner: Site): RuleDefinition[] | null {
  // A job checks the shape itself (entry/processable.rb `nested_array_of_hashes_or_arrays`) and,
  // being invalid then, never composes its `rules` entry: no `rules config should be an array`.
  if (!Array.isArray(site.value)) {
    owner.attr('rules', 'should be an array containing hashes and arrays of hashes');
    return null;
  }
  const shape = ruleMappings(site, owner);
  if (!shape) return null;
  const out: RuleDefinition[] = [];
  shape.rules.forEach((rule, index) => out.push(parseJobRule(ruleSite(site, rule, index, shape.flat), rule)));
  return out;
}

function parseJobRule(site: Site, raw: RuleMap): RuleDefinition {
  const rule: RuleDefinition = {};
  if (Object.keys(raw).length === 0) site.config("can't be blank");
  checkAllowedKeys(site, raw, JOB_RULE_KEYS);
  clauses(site, raw, rule);
  if (present(raw.when)) {
    if ((JOB_RULE_WHEN as readonly unknown[]).includes(raw.when)) rule.when = raw.when as RuleWhen;
    else site.attr('when', `unknown value: ${String(raw.when)}`);
  }
  startIn(site, raw, rule);
  for (const key of ['allow_failure', 'interruptible'] as const) {
    if (!present(raw[key])) continue;
    if (typeof raw[key] !== 'boolean') site.attr(key, 'should be a boolean value');
    else if (key === 'allow_failure') rule.allowFailure = raw[key];
    else rule.interruptible = raw[key];
  }
  if (present(raw.variables)) rule.variables = parseSimpleVariables(site.at('variables'));
  if (raw.needs !== undefined) {
    const needs = raw.needs === null ? null : parseNeeds(site.at('needs'), 'rule');
    if (needs) rule.needs = needs;
  }
  return rule;
}

/** `start_in` is required in a rule that says `when: delayed`, and forbidden in any other rule. */
function startIn(site: Site, raw: RuleMap, rule: RuleDefinition): void {
  if (raw.when !== 'delayed') {
    if ('start_in' in raw) site.at('start_in').as(site.path).config('contains disallowed keys: start_in');
    return;
  }
  if (!present(raw.start_in) || raw.start_in === '') {
    site.attr('start_in', "can't be blank", 'a rule with `when: delayed` needs `start_in`');
    return;
  }
  const error = checkDuration(raw.start_in, ONE_WEEK);
  if (error) site.attr('start_in', error);
  else rule.startIn = raw.start_in as string;
}

/** GitLab's DurationValidator: `should be a duration`, then `should not exceed the limit`. */
export function checkDuration(value: unknown, limitSeconds: number | null, allowVariables = false): string | null {
  if (!isString(value)) return 'should be a duration';
  if (allowVariables && hasVariableReference(value)) return null;
  const seconds = parseDuration(value);
  if (seconds === null) return 'should be a duration';
  if (limitSeconds !== null && seconds > limitSeconds) return 'should not exceed the limit';
  return null;
}

function clauses(site: Site, raw: RuleMap, rule: { if?: string; changes?: RuleDefinition['changes']; exists?: RuleDefinition['exists'] }): void {
  if (present(raw.if)) {
    const problem = isString(raw.if) ? validateExpression(raw.if) : 'not a string';
    if (problem === null) rule.if = raw.if as string;
    else site.attr('if', 'invalid expression syntax', problem);
  }
  if (present(raw.changes)) {
    const changes = parseChanges(site.at('changes'));
    if (changes) rule.changes = changes;
  }
  if (present(raw.exists)) {
    const exists = parseExists(site.at('exists'));
    if (exists) rule.exists = exists;
  }
}

/** `workflow:rules:` — `when` is `always` or `never`; variables and auto_cancel per rule. */
export function parseWorkflowRules(site: Site, owner: Site): WorkflowRuleDefinition[] | null {
  const shape = ruleMappings(site, owner);
  if (!shape) return null;
  return shape.rules.map((raw, index) => {
    const rule = ruleSite(site, raw, index, shape.flat);
    if (Object.keys(raw).length === 0) rule.config("can't be blank");
    checkAllowedKeys(rule, raw, WORKFLOW_RULE_KEYS);
    const out: WorkflowRuleDefinition = {};
    clauses(rule, raw, out);
    if (present(raw.when)) {
      if ((WORKFLOW_RULE_WHEN as readonly unknown[]).includes(raw.when)) out.when = raw.when as 'always' | 'never';
      else rule.attr('when', `unknown value: ${String(raw.when)}`, 'workflow rules accept `always` or `never`');
    }
    if (present(raw.variables)) out.variables = parseSimpleVariables(rule.at('variables'));
    if (present(raw.auto_cancel)) {
      const autoCancel = parseAutoCancel(rule.at('auto_cancel'));
      if (autoCancel) out.autoCancel = autoCancel;
    }
    return out;
  });
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}
