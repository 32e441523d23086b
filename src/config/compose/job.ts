// One visible job (or trigger job): key checks, `default:` applied per `inherit:default`, every
// keyword parsed into a JobDefinition. Spec §5 (entry/job.rb, entry/bridge.rb, entry/processable.rb).
import type { JobDefinition } from '../../model/config.js';
import type { RawMapping } from '../raw.js';
import { isBlank, parseCommands } from './commands.js';
import { type Defaults, DEFAULT_KEYS, type InheritableValues, isInheritableKey, parseInheritable } from './defaults.js';
import { inheritsDefault, parseInherit } from './inherit.js';
import { BRIDGE_KEYS, JOB_KEYS, type JobKind } from './job-kinds.js';
import { parseJobFields } from './job-fields.js';
import { checkAllowedKeys, checkExclusive } from './keys.js';
import { NO_RETRY } from './retry.js';
import type { Site } from './site.js';
import { DEFAULT_JOB_STAGE } from './stages.js';

const MAX_NAME = 255;
/** Keys a trigger job takes from `default:` (it has no image, script, cache...). */
const BRIDGE_INHERITABLE: ReadonlySet<string> = new Set(['interruptible']);
/** Listed for jobs so that `script` + `trigger` reports the exclusivity rather than an unknown key. */
const JOB_CHECK_KEYS: ReadonlySet<string> = new Set([...JOB_KEYS, 'trigger']);

export interface JobContext {
  defaults: Defaults;
  hasWorkflowRules: boolean;
}

/** Composes a job; problems go to `site.problems`, and the job is returned even when invalid. */
export function composeJob(site: Site, kind: JobKind, context: JobContext): JobDefinition {
  const raw = site.value as RawMapping;
  const name = site.key as string;
  checkKeys(site, raw, kind, name);
  const inheritance = parseInherit(site.at('inherit'), DEFAULT_KEYS);
  const inherited = applyDefaults(site, raw, kind, context.defaults, inheritance);
  const script = kind === 'job' ? parseScript(site, raw) : [];
  const fields = parseJobFields(site, raw, kind, context.hasWorkflowRules);
  const values = inherited.values;
  return {
    name,
    location: site.location(),
    stage: fields.stage ?? DEFAULT_JOB_STAGE,
    image: values.image ?? null,
    services: values.services ?? [],
    beforeScript: values.before_script ?? [],
    script,
    afterScript: values.after_script ?? [],
    variables: fields.variables,
    inheritVariables: inheritance.variables,
    tags: values.tags ?? [],
    when: fields.when,
    ...(fields.startIn !== undefined ? { startIn: fields.startIn } : {}),
    allowFailure: fields.allowFailure,
    retry: values.retry ?? { ...NO_RETRY, when: [...NO_RETRY.when] },
    ...(values.timeout !== undefined && 'timeout' in raw ? { timeoutSeconds: values.timeout } : {}),
    needs: fields.needs,
    dependencies: fields.dependencies,
    parallel: fields.parallel,
    rules: fields.rules,
    only: fields.only,
    except: fields.except,
    cache: values.cache ?? [],
    artifacts: values.artifacts ?? null,
    environment: fields.environment,
    ...fields.optional,
    ...(values.interruptible !== undefined ? { interruptible: values.interruptible } : {}),
    ...(values.hooks !== undefined ? { hooks: values.hooks } : {}),
    ...(values.id_tokens !== undefined ? { idTokens: values.id_tokens } : {}),
    raw: inherited.raw,
  };
}

function checkKeys(site: Site, raw: RawMapping, kind: JobKind, name: string): void {
  // entry/processable.rb: `validates :name, presence: true` and `type: Symbol`. YAML keys that are
  // not strings (`10:`, `true:`, `~:`) stay integers, booleans or nil in Ruby, so no Symbol.
  if (name === '') site.attr('name', "can't be blank");
  if (site.holder !== undefined && site.key !== undefined && site.problems.locations.isNonStringKey?.(site.holder, site.key)) {
    site.attr('name', 'should be a symbol');
  }
  if (name.length > MAX_NAME) site.attr('name', `is too long (maximum is ${MAX_NAME} characters)`);
  checkAllowedKeys(site, raw, kind === 'job' ? JOB_CHECK_KEYS : BRIDGE_KEYS);
  checkExclusive(site, raw, ['script', 'run']);
  checkExclusive(site, raw, ['script', 'trigger']);
  checkExclusive(site, raw, ['run', 'trigger']);
  if (raw.rules !== undefined && raw.rules !== null) {
    // Keys set to null are ignored here, as GitLab compacts the mapping first.
    const clashing = ['only', 'except', 'start_in'].filter((key) => raw[key] !== undefined && raw[key] !== null);
    if (clashing.length > 0) {
      site.at(clashing[0] as string).as(site.path).config(
        `key may not be used with \`rules\`: ${clashing.join(', ')}`,
        'express these conditions in rules:',
      );
    }
  }
}

/** `script` is required (non-blank) in a normal job; `run` jobs are reported elsewhere. */
function parseScript(site: Site, raw: RawMapping): string[] {
  if (isBlank(raw.script)) {
    if (!('run' in raw)) site.attr('script', "can't be blank");
    return [];
  }
  return parseCommands(site.at('script')) ?? [];
}

interface Inherited {
  values: InheritableValues;
  raw: RawMapping;
}

/**
 * The job's own inheritable keywords, plus `default:` values for those it does not set (a null
 * value counts as not set). `default:timeout` is never applied (GitLab issue 213634, spec §2.3).
 */
function applyDefaults(
  site: Site,
  raw: RawMapping,
  kind: JobKind,
  defaults: Defaults,
  inheritance: ReturnType<typeof parseInherit>,
): Inherited {
  const values: InheritableValues = {};
  const out: RawMapping = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'extends') continue;
    out[key] = value;
    if (kind === 'bridge' && !BRIDGE_INHERITABLE.has(key)) continue;
    if (value !== null && value !== undefined && isInheritableKey(key)) parseInheritable(key, site.at(key), values);
  }
  for (const [key, value] of Object.entries(defaults.raw)) {
    if (key === 'timeout' || (raw[key] !== undefined && raw[key] !== null)) continue;
    if (kind === 'bridge' && !BRIDGE_INHERITABLE.has(key)) continue;
    if (!inheritsDefault(inheritance, key)) continue;
    out[key] = value;
    if (isInheritableKey(key) && defaults.values[key] !== undefined) {
      (values as Record<string, unknown>)[key] = defaults.values[key];
    }
  }
  return { values, raw: out };
}

/** The site of a top-level job, located at its key; GitLab names a blank key by its entry type. */
export function jobSite(root: Site, name: string): Site {
  return root.at(name).as(`jobs:${name === '' ? 'job' : name}`);
}
