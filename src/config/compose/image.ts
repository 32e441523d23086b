// `image` and `services`: a string or a mapping. https://docs.gitlab.com/ci/yaml/#image,
// https://docs.gitlab.com/ci/yaml/#services — spec §5.2, §5.3 (entry/image.rb, imageable.rb, service.rb).
import type { ImageDefinition, PullPolicy, ServiceDefinition } from '../../model/config.js';
import { checkAllowedKeys } from './keys.js';
import { isMapping, isString, isStringArray } from './shapes.js';
import { scalarString } from './scalars.js';
import type { Site } from './site.js';

const IMAGE_KEYS: ReadonlySet<string> = new Set(['name', 'entrypoint', 'ports', 'pull_policy', 'docker', 'kubernetes']);
const SERVICE_KEYS: ReadonlySet<string> = new Set([...IMAGE_KEYS, 'command', 'alias', 'variables']);
const PULL_POLICIES: readonly PullPolicy[] = ['always', 'never', 'if-not-present'];

/** `image:` as a string or `{name, entrypoint, pull_policy, docker, kubernetes}`. */
export function parseImage(site: Site): ImageDefinition | null {
  if (isString(site.value)) return { name: site.value };
  if (!isMapping(site.value)) {
    site.config('should be a hash or a string');
    return null;
  }
  checkAllowedKeys(site, site.value, IMAGE_KEYS);
  return imageFields(site, site.value);
}

function imageFields(site: Site, raw: Record<string, unknown>): ImageDefinition | null {
  // `ports` is only accepted by GitLab's Web IDE terminal configuration, never in CI jobs.
  if ('ports' in raw) site.at('ports').as(site.path).config('contains disallowed keys: ports');
  if (!isString(raw.name) || raw.name.trim() === '') {
    site.attr('name', raw.name === undefined || raw.name === null || raw.name === '' ? "can't be blank" : 'should be a string');
    return null;
  }
  const image: ImageDefinition = { name: raw.name };
  if (raw.entrypoint !== undefined && raw.entrypoint !== null) {
    if (isStringArray(raw.entrypoint)) image.entrypoint = raw.entrypoint;
    else site.attr('entrypoint', 'should be an array of strings');
  }
  if (raw.pull_policy !== undefined && raw.pull_policy !== null) {
    const policy = parsePullPolicy(site.at('pull_policy'));
    if (policy) image.pullPolicy = policy;
  }
  const docker = executorOptions(site, 'docker', ['platform', 'user']);
  if (docker) image.docker = docker;
  const kubernetes = executorOptions(site, 'kubernetes', ['user']);
  if (kubernetes) image.kubernetes = kubernetes;
  return image;
}

function parsePullPolicy(site: Site): PullPolicy[] | null {
  const list = isString(site.value) ? [site.value] : site.value;
  if (!isStringArray(list)) {
    site.config('should be a string or an array of strings');
    return null;
  }
  const unknown = list.filter((p) => !(PULL_POLICIES as readonly string[]).includes(p));
  if (unknown.length > 0) {
    site.config(`contains unknown values: ${unknown.join(', ')}`, `use ${PULL_POLICIES.join(', ')}`);
    return null;
  }
  return list as PullPolicy[];
}

/** `docker: {platform, user}` / `kubernetes: {user}` (string values; a numeric uid is accepted). */
function executorOptions(site: Site, key: string, allowed: readonly string[]): Record<string, string> | null {
  const raw = (site.value as Record<string, unknown>)[key];
  if (raw === undefined || raw === null) return null;
  const at = site.at(key);
  if (!isMapping(raw)) {
    at.config('should be a hash');
    return null;
  }
  if (!checkAllowedKeys(at, raw, new Set(allowed))) return null;
  const out: Record<string, string> = {};
  for (const name of allowed) {
    if (raw[name] === undefined || raw[name] === null) continue;
    const text = scalarString(site, raw, name);
    if (text === null || typeof raw[name] === 'boolean') at.attr(name, 'should be a string');
    else out[name] = text;
  }
  return out;
}

/** `services:` list; each item an image string or a mapping with `alias`, `command`, `variables`... */
export function parseServices(site: Site): ServiceDefinition[] {
  if (!Array.isArray(site.value)) {
    site.config('should be an array');
    return [];
  }
  const out: ServiceDefinition[] = [];
  site.value.forEach((raw, index) => {
    const item = site.item(index, raw, 'service');
    const service = parseService(item);
    if (service) out.push(service);
  });
  return out;
}

function parseService(site: Site): ServiceDefinition | null {
  if (isString(site.value)) return { name: site.value, aliases: [] };
  if (!isMapping(site.value)) {
    site.config('should be a hash or a string');
    return null;
  }
  checkAllowedKeys(site, site.value, SERVICE_KEYS);
  const image = imageFields(site, site.value);
  if (!image) return null;
  const raw = site.value;
  const service: ServiceDefinition = { ...image, aliases: [] };
  if (raw.alias !== undefined && raw.alias !== null) {
    // `alias: db,postgres pg` gives three host names; variables are not expanded in aliases.
    if (isString(raw.alias)) service.aliases = raw.alias.split(/[\s,]+/).filter((a) => a !== '');
    else site.attr('alias', 'should be a string');
  }
  if (raw.command !== undefined && raw.command !== null) {
    if (isStringArray(raw.command)) service.command = raw.command;
    else site.attr('command', 'should be an array of strings');
  }
  if (raw.variables !== undefined && raw.variables !== null) {
    const variables = serviceVariables(site.at('variables'));
    if (variables) service.variables = variables;
  }
  return service;
}

function serviceVariables(site: Site): Record<string, string> | null {
  if (!isMapping(site.value)) {
    site.config('should be a hash');
    return null;
  }
  const out: Record<string, string> = {};
  for (const name of Object.keys(site.value)) {
    const value = scalarString(site, site.value, name);
    if (value === null) site.at(name).verbatim('variable definition must be either a string or a hash', `variable ${name}`);
    else out[name] = value;
  }
  return out;
}
