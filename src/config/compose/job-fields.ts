// The job keywords that are never inherited from `default:`. Spec §5.4–5.23.
import type {
  AllowFailure, EnvironmentDefinition, JobDefinition, JobWhen, NeedDefinition, ParallelDefinition,
  PolicyDefinition, RuleDefinition, VariableMap,
} from '../../model/config.js';
import type { RawMapping } from '../raw.js';
import { parseEnvironment } from './environment.js';
import { checkExtras } from './job-extras.js';
import {
  parseCoverage, parseDependencies, parseResourceGroup, parseStage, parseStartIn, parseString, parseWhen,
} from './job-keywords.js';
import type { JobKind } from './job-kinds.js';
import { parseNeeds } from './needs.js';
import { parseParallel } from './parallel.js';
import { parsePolicy, withDefaultRefs } from './policy.js';
import { parseAllowFailure } from './retry.js';
import { parseJobRules } from './rules.js';
import type { Site } from './site.js';
import { parseTrigger } from './trigger.js';
import { JOB_VARIABLE_KEYS, parseVariables } from './variables.js';

const MULTIPLE_PIPELINES_WARNING =
  'may allow multiple pipelines to run for a single action due to `rules:when` clause with no `workflow:rules` - ' +
  'read more: https://docs.gitlab.com/ee/ci/jobs/job_troubleshooting.html#job-may-allow-multiple-pipelines-to-run-for-a-single-action-warning';

export interface JobFields {
  stage: string | null;
  variables: VariableMap;
  when: JobWhen | undefined;
  startIn: string | undefined;
  allowFailure: AllowFailure | undefined;
  needs: NeedDefinition[] | null;
  dependencies: string[] | null;
  parallel: ParallelDefinition | null;
  rules: RuleDefinition[] | null;
  only: PolicyDefinition | null;
  except: PolicyDefinition | null;
  environment: EnvironmentDefinition | null;
  optional: Pick<JobDefinition, 'resourceGroup' | 'coverage' | 'trigger' | 'manualConfirmation'>;
}

export function parseJobFields(site: Site, raw: RawMapping, kind: JobKind, hasWorkflowRules: boolean): JobFields {
  const bridge = kind === 'bridge';
  const when = present(raw.when) ? parseWhen(site, raw.when, bridge) : undefined;
  const rules = present(raw.rules) ? parseJobRules(site.at('rules'), site) : null;
  if (rules && !hasWorkflowRules) warnOnTrailingWhen(site, rules);
  const fields: JobFields = {
    stage: present(raw.stage) ? parseStage(site.at('stage')) : null,
    variables: present(raw.variables) ? parseVariables(site.at('variables'), JOB_VARIABLE_KEYS) : {},
    when,
    startIn: bridge ? undefined : parseStartIn(site, raw, when),
    allowFailure: present(raw.allow_failure) ? parseAllowFailure(site.at('allow_failure'), site, bridge) : undefined,
    needs: parseNeeds(site.at('needs'), bridge ? 'bridge' : 'job'),
    dependencies: present(raw.dependencies) ? parseDependencies(site, raw.dependencies) : null,
    parallel: present(raw.parallel) ? parseParallel(site.at('parallel'), !bridge) : null,
    rules,
    ...policies(site, raw, rules !== null || present(raw.rules), hasWorkflowRules),
    environment: present(raw.environment) ? parseEnvironment(site.at('environment')) : null,
    optional: optionalFields(site, raw),
  };
  if (!bridge) checkExtras(site, raw, site.key as string);
  checkDependenciesInNeeds(site, fields);
  return fields;
}

/**
 * `only`/`except`; without rules, only and workflow:rules, GitLab adds `only: {refs: [branches,
 * tags]}`, and merges those refs into an explicit `only` mapping without `refs` (spec §5.15).
 */
function policies(site: Site, raw: RawMapping, hasRules: boolean, hasWorkflowRules: boolean): Pick<JobFields, 'only' | 'except'> {
  if (hasRules) return { only: null, except: null };
  const only = present(raw.only) ? parsePolicy(site.at('only')) : null;
  const except = present(raw.except) ? parsePolicy(site.at('except')) : null;
  if (only === null && (hasWorkflowRules || present(raw.only))) return { only: null, except };
  return { only: withDefaultRefs(only), except };
}

function optionalFields(site: Site, raw: RawMapping): JobFields['optional'] {
  const out: JobFields['optional'] = {};
  if (present(raw.resource_group)) {
    const group = parseResourceGroup(site, raw.resource_group);
    if (group !== undefined) out.resourceGroup = group;
  }
  if (present(raw.coverage)) {
    const coverage = parseCoverage(site.at('coverage'));
    if (coverage !== undefined) out.coverage = coverage;
  }
  if (present(raw.trigger)) {
    const trigger = parseTrigger(site.at('trigger'));
    if (trigger) out.trigger = trigger;
  }
  if (present(raw.manual_confirmation)) {
    const text = parseString(site, 'manual_confirmation');
    if (text !== undefined) out.manualConfirmation = text;
  }
  return out;
}

/** With `needs`, every dependency must also be a need of the same pipeline. */
function checkDependenciesInNeeds(site: Site, fields: JobFields): void {
  if (!fields.dependencies || fields.dependencies.length === 0 || !fields.needs || fields.needs.length === 0) return;
  const local = fields.needs.filter((need) => need.pipeline === undefined && need.project === undefined);
  if (local.length === 0) {
    site.attr('needs', 'corresponding to dependencies must be from the same pipeline');
    return;
  }
  const names = new Set(local.map((need) => need.job));
  const missing = fields.dependencies.filter((dependency) => !names.has(dependency));
  if (missing.length > 0) site.attr('dependencies', `the ${missing.join(', ')} should be part of needs`);
}

/** GitLab's warning when the last rule is only `when:` (not never) and there are no workflow:rules. */
function warnOnTrailingWhen(site: Site, rules: RuleDefinition[]): void {
  const last = rules[rules.length - 1];
  if (!last || last.when === undefined || last.when === 'never') return;
  if (Object.keys(last).length !== 1) return;
  site.warn(`${site.path} ${MULTIPLE_PIPELINES_WARNING}`);
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}
