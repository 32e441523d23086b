// `environment:` — a name or `{name, url, action, on_stop, auto_stop_in, deployment_tier, kubernetes}`.
// https://docs.gitlab.com/ci/yaml/#environment — spec §5.19 (entry/environment.rb, lib/gitlab/regex.rb).
import type { EnvironmentDefinition } from '../../model/config.js';
import { hasVariableReference, parseDuration } from '../../duration/chronic.js';
import { checkAllowedKeys } from './keys.js';
import { isMapping, isString } from './shapes.js';
import type { Site } from './site.js';

const KEYS: ReadonlySet<string> = new Set(['name', 'url', 'action', 'on_stop', 'auto_stop_in', 'deployment_tier', 'kubernetes']);
const ACTIONS = ['start', 'prepare', 'stop', 'verify', 'access'] as const;
const TIERS = ['production', 'staging', 'testing', 'development', 'other'];
const NAME = /^[a-zA-Z0-9 \-_/${}.]+$/;
const NAME_MESSAGE = "can contain only letters, digits, '-', '_', '/', '$', '{', '}', '.', and spaces, but it cannot start or end with '/'";
const MAX_URL = 255;

export function parseEnvironment(site: Site): EnvironmentDefinition | null {
  const raw = site.value;
  if (isString(raw)) return checkName(site, raw) ? { name: raw } : null;
  if (!isMapping(raw)) {
    site.config('should be a hash or a string');
    return null;
  }
  let ok = checkAllowedKeys(site, raw, KEYS);
  if (!isString(raw.name) || raw.name === '') {
    site.attr('name', raw.name === undefined || raw.name === null || raw.name === '' ? "can't be blank" : 'has to be a string');
    return null;
  }
  ok = checkName(site, raw.name) && ok;
  const env: EnvironmentDefinition = { name: raw.name };
  ok = optionalStrings(site, raw, env) && ok;
  if (present(raw.action)) {
    if ((ACTIONS as readonly unknown[]).includes(raw.action)) env.action = raw.action as EnvironmentDefinition['action'];
    else ok = fail(site, 'action', 'should be start, stop, prepare, verify, or access');
  }
  if (present(raw.auto_stop_in)) {
    const text = raw.auto_stop_in;
    if (env.action === 'stop') ok = fail(site, 'auto_stop_in', 'cannot be used with action: stop');
    else if (isString(text) && (text === 'never' || hasVariableReference(text) || parseDuration(text) !== null)) env.autoStopIn = text;
    else ok = fail(site, 'auto_stop_in', 'should be a duration');
  }
  if (present(raw.kubernetes) && !isMapping(raw.kubernetes)) ok = fail(site, 'kubernetes', 'should be a hash');
  return ok ? env : null;
}

function optionalStrings(site: Site, raw: Record<string, unknown>, env: EnvironmentDefinition): boolean {
  let ok = true;
  if (present(raw.url)) {
    if (!isString(raw.url)) ok = fail(site, 'url', 'should be a string');
    else if (raw.url.length > MAX_URL) ok = fail(site, 'url', `is too long (maximum is ${MAX_URL} characters)`);
    else env.url = raw.url;
  }
  if (present(raw.on_stop)) {
    if (isString(raw.on_stop)) env.onStop = raw.on_stop;
    else ok = fail(site, 'on_stop', 'should be a string');
  }
  if (present(raw.deployment_tier)) {
    const tier = raw.deployment_tier;
    // A variable may choose the tier; it is expanded by GitLab when the job is created.
    if (isString(tier) && (TIERS.includes(tier) || hasVariableReference(tier))) env.deploymentTier = tier;
    else ok = fail(site, 'deployment_tier', `must be one of ${TIERS.join(', ')}`);
  }
  return ok;
}

/** The string form is the name itself, so both forms report on `name`. */
function checkName(site: Site, name: string): boolean {
  if (NAME.test(name) && !name.startsWith('/') && !name.endsWith('/')) return true;
  site.attr('name', NAME_MESSAGE);
  return false;
}

function fail(site: Site, key: string, message: string): false {
  site.attr(key, message);
  return false;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}
