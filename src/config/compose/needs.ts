// `needs:` in jobs, trigger jobs and rules: strings, `{job, artifacts, optional, parallel}`,
// cross-pipeline `{pipeline, job}` / `{project, job, ref}`, and a trigger job's `{pipeline: path}`.
// https://docs.gitlab.com/ci/yaml/#needs — spec §5.9 (entry/needs.rb, entry/need.rb).
import type { NeedDefinition } from '../../model/config.js';
import { isBlank } from './commands.js';
import { checkAllowedKeys } from './keys.js';
import { isMapping, isString } from './shapes.js';
import { parseMatrix } from './parallel.js';
import type { Site } from './site.js';

/** Which need types an owner accepts (`allowed_needs` in GitLab). */
export type NeedsOwner = 'job' | 'bridge' | 'rule';
type NeedType = 'job' | 'cross_dependency' | 'bridge';

const ALLOWED: Record<NeedsOwner, readonly NeedType[]> = {
  job: ['job', 'cross_dependency'],
  bridge: ['job', 'bridge'],
  rule: ['job'],
};
const JOB_KEYS: ReadonlySet<string> = new Set(['job', 'artifacts', 'optional', 'parallel']);
const PIPELINE_KEYS: ReadonlySet<string> = new Set(['pipeline', 'job', 'artifacts']);
const PROJECT_KEYS: ReadonlySet<string> = new Set(['project', 'job', 'ref', 'artifacts']);
const BRIDGE_KEYS: ReadonlySet<string> = new Set(['pipeline']);

interface TypedNeed {
  type: NeedType;
  need: NeedDefinition;
}

/** The needs list (`[]` allowed); null when absent or invalid (reported). */
export function parseNeeds(site: Site, owner: NeedsOwner): NeedDefinition[] | null {
  const raw = site.value;
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw) && !isMapping(raw)) {
    site.config('can only be a hash or an array');
    return null;
  }
  // Nested lists (from !reference) are flattened; their items are then located at `needs`.
  const flat = Array.isArray(raw) && !raw.some(Array.isArray);
  const items = Array.isArray(raw) ? (raw.flat(Infinity) as unknown[]) : [raw];
  const typed: TypedNeed[] = [];
  let ok = true;
  items.forEach((item, index) => {
    // An empty item (`- ` or an alias to an empty list entry) is skipped, as GitLab does.
    if (item === null || item === undefined) return;
    const itemSite = flat ? site.item(index, item, 'need') : site.view(`${site.path}:need`, item);
    const parsed = parseNeed(itemSite, item);
    if (parsed) typed.push(parsed);
    else ok = false;
  });
  const invalid = [...new Set(typed.map((t) => t.type))].filter((t) => !ALLOWED[owner].includes(t));
  if (invalid.length > 0) {
    site.config(`uses invalid types: ${invalid.join(', ')}`);
    ok = false;
  }
  if (owner === 'bridge' && typed.filter((t) => t.type === 'bridge').length > 1) {
    site.as(site.path.replace(/:needs$/, '')).config('should contain at most one bridge need');
    ok = false;
  }
  return ok ? typed.map((t) => t.need) : null;
}

function parseNeed(site: Site, raw: unknown): TypedNeed | null {
  if (isString(raw)) {
    if (isBlank(raw)) {
      site.config("can't be blank");
      return null;
    }
    return { type: 'job', need: { job: raw, artifacts: true, optional: false } };
  }
  if (!isMapping(raw)) {
    site.problems.error(`${site.path} has an unsupported type`.toLowerCase(), site.location());
    return null;
  }
  const crossKeys = 'project' in raw || 'ref' in raw || 'pipeline' in raw;
  if ('job' in raw && !crossKeys) return jobNeed(site, raw);
  if ('job' in raw && 'pipeline' in raw && !('project' in raw)) return crossNeed(site, raw, 'pipeline');
  if ('job' in raw && 'project' in raw) return crossNeed(site, raw, 'project');
  if (!('job' in raw) && 'pipeline' in raw) return bridgeNeed(site, raw);
  site.problems.error(`${site.path} has an unsupported type`.toLowerCase(), site.location());
  return null;
}

function jobNeed(site: Site, raw: Record<string, unknown>): TypedNeed | null {
  let ok = checkAllowedKeys(site, raw, JOB_KEYS);
  ok = requireString(site, raw, 'job') && ok;
  ok = optionalBoolean(site, raw, 'artifacts') && ok;
  ok = optionalBoolean(site, raw, 'optional') && ok;
  const need: NeedDefinition = {
    job: raw.job as string,
    artifacts: raw.artifacts !== false,
    optional: raw.optional === true,
  };
  if (raw.parallel !== undefined && raw.parallel !== null) {
    const parallel = site.at('parallel');
    if (!isMapping(raw.parallel)) {
      parallel.config('should be a hash');
      ok = false;
    } else if (checkAllowedKeys(parallel, raw.parallel, new Set(['matrix']))) {
      const matrix = parseMatrix(parallel.at('matrix'));
      if (matrix) need.matrix = matrix;
      else ok = false;
    } else ok = false;
  }
  return ok ? { type: 'job', need } : null;
}

function crossNeed(site: Site, raw: Record<string, unknown>, via: 'pipeline' | 'project'): TypedNeed | null {
  let ok = checkAllowedKeys(site, raw, via === 'pipeline' ? PIPELINE_KEYS : PROJECT_KEYS);
  ok = requireString(site, raw, 'job') && ok;
  ok = requireString(site, raw, via) && ok;
  ok = optionalBoolean(site, raw, 'artifacts') && ok;
  if (via === 'project' && raw.ref !== undefined && raw.ref !== null && !isString(raw.ref)) {
    site.attr('ref', 'should be a string');
    ok = false;
  }
  const need: NeedDefinition = { job: raw.job as string, artifacts: raw.artifacts !== false, optional: false };
  if (via === 'pipeline') need.pipeline = raw.pipeline as string;
  else {
    need.project = raw.project as string;
    if (isString(raw.ref)) need.ref = raw.ref;
  }
  return ok ? { type: 'cross_dependency', need } : null;
}

/** A trigger job mirroring another project's pipeline: `needs: {pipeline: group/project}`. */
function bridgeNeed(site: Site, raw: Record<string, unknown>): TypedNeed | null {
  let ok = checkAllowedKeys(site, raw, BRIDGE_KEYS);
  ok = requireString(site, raw, 'pipeline') && ok;
  return ok ? { type: 'bridge', need: { job: '', pipeline: raw.pipeline as string, artifacts: false, optional: false } } : null;
}

function requireString(site: Site, raw: Record<string, unknown>, key: string): boolean {
  const value = raw[key];
  if (isString(value) && value !== '') return true;
  site.attr(key, isBlank(value) ? "can't be blank" : 'should be a string');
  return false;
}

function optionalBoolean(site: Site, raw: Record<string, unknown>, key: string): boolean {
  const value = raw[key];
  if (value === undefined || value === null || typeof value === 'boolean') return true;
  site.attr(key, 'should be a boolean value');
  return false;
}
