// `trigger:` of a trigger job: a project path, `{project, branch, strategy, forward, inputs}` or
// `{include, strategy, forward}`. https://docs.gitlab.com/ci/yaml/#trigger — spec §5.23 (entry/trigger.rb).
import type { TriggerDefinition } from '../../model/config.js';
import { checkAllowedKeys } from './keys.js';
import { isMapping, isString } from './shapes.js';
import type { Site } from './site.js';

const PROJECT_KEYS: ReadonlySet<string> = new Set(['project', 'branch', 'strategy', 'forward', 'inputs']);
const INCLUDE_KEYS: ReadonlySet<string> = new Set(['include', 'strategy', 'forward', 'inputs']);
const FORWARD_KEYS: ReadonlySet<string> = new Set(['yaml_variables', 'pipeline_variables']);
const STRATEGIES = ['depend', 'mirror'] as const;
const STRATEGY_MESSAGE = 'should be depend or mirror';
const MAX_INCLUDES = 3;

export function parseTrigger(site: Site): TriggerDefinition | null {
  const raw = site.value;
  if (isString(raw)) return raw === '' ? blank(site) : { project: raw };
  if (!isMapping(raw)) {
    site.problems.error(`${site.path} has to be either a string or a hash`.toLowerCase(), site.location());
    return null;
  }
  const hasProject = 'project' in raw;
  if (!hasProject && !('include' in raw)) {
    site.config('must specify either project or include');
    return null;
  }
  let ok = checkAllowedKeys(site, raw, hasProject ? PROJECT_KEYS : INCLUDE_KEYS);
  const out: TriggerDefinition = {};
  if (hasProject) {
    if (isString(raw.project) && raw.project !== '') out.project = raw.project;
    else ok = fail(site, 'project', "can't be blank");
    if (isString(raw.branch)) out.branch = raw.branch;
    else if (raw.branch !== undefined && raw.branch !== null) ok = fail(site, 'branch', 'should be a string');
  } else {
    ok = includes(site.at('include')) && ok;
    out.include = raw.include;
  }
  if (raw.strategy !== undefined && raw.strategy !== null) {
    if ((STRATEGIES as readonly unknown[]).includes(raw.strategy)) out.strategy = raw.strategy as 'depend' | 'mirror';
    else ok = fail(site, 'strategy', STRATEGY_MESSAGE);
  }
  if (raw.forward !== undefined && raw.forward !== null) {
    const forward = parseForward(site.at('forward'));
    if (forward) out.forward = forward;
    else ok = false;
  }
  return ok ? out : null;
}

/** A child pipeline's `include`: a path or at most 3 include entries. */
function includes(site: Site): boolean {
  const raw = site.value;
  if (isString(raw)) return raw !== '' || Boolean(blank(site));
  if (!Array.isArray(raw) || !raw.every((item) => isString(item) || isMapping(item))) {
    site.config('should be a string or an array of include entries');
    return false;
  }
  if (raw.length > MAX_INCLUDES) {
    site.config(`is too long (maximum is ${MAX_INCLUDES} characters)`, `a child pipeline can include at most ${MAX_INCLUDES} files`);
    return false;
  }
  let ok = true;
  raw.forEach((item, index) => {
    if (isMapping(item)) ok = includeEntry(site.item(index, item, 'include'), item) && ok;
  });
  return ok;
}

/**
 * One `trigger:include` entry. The child pipeline is not resolved here, so GitLab's entry checks
 * (entry/include.rb, in its order) are the only ones a parent pipeline gets.
 */
function includeEntry(site: Site, raw: Record<string, unknown>): boolean {
  let ok = true;
  if (truthy(raw.artifact) && blankValue(raw.job)) {
    site.config('must specify the job where to fetch the artifact from');
    ok = false;
  }
  if (truthy(raw.project) && blankValue(raw.file)) {
    site.config('must specify the file where to fetch the config from');
    ok = false;
  }
  return ok;
}

/** Ruby truthiness: anything but nil and false. */
function truthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}

/** Ruby `blank?`: nil, false, whitespace-only text, an empty list or mapping. */
function blankValue(value: unknown): boolean {
  if (!truthy(value)) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return isMapping(value) && Object.keys(value).length === 0;
}

function parseForward(site: Site): { yamlVariables: boolean; pipelineVariables: boolean } | null {
  const raw = site.value;
  if (!isMapping(raw)) {
    site.config('should be a hash');
    return null;
  }
  let ok = checkAllowedKeys(site, raw, FORWARD_KEYS);
  for (const key of FORWARD_KEYS) {
    if (raw[key] !== undefined && raw[key] !== null && typeof raw[key] !== 'boolean') ok = fail(site, key, 'should be a boolean value');
  }
  if (!ok) return null;
  return { yamlVariables: raw.yaml_variables !== false, pipelineVariables: raw.pipeline_variables === true };
}

function blank(site: Site): null {
  site.config("can't be blank");
  return null;
}

function fail(site: Site, key: string, message: string): false {
  site.attr(key, message);
  return false;
}
