// `default:` and the deprecated top-level `image`, `services`, `cache`, `before_script`,
// `after_script`: values copied into jobs that do not set the keyword themselves.
// https://docs.gitlab.com/ci/yaml/#default — spec §2.3, §2.4 (entry/default.rb, processable.rb).
import type {
  ArtifactsDefinition, CacheDefinition, ImageDefinition, RetryDefinition, ServiceDefinition,
} from '../../model/config.js';
import type { RawMapping } from '../raw.js';
import { parseArtifacts } from './artifacts.js';
import { parseCaches } from './cache.js';
import { parseCommands, parseHooks } from './commands.js';
import { parseImage, parseServices } from './image.js';
import { parseBoolean, parseIdTokens, parseTags, parseTimeout } from './job-keywords.js';
import { checkAllowedKeys } from './keys.js';
import { parseRetry } from './retry.js';
import { isMapping } from './shapes.js';
import type { Site } from './site.js';

/** Keywords a job can receive from `default:` (`identity` is GitLab.com-only and kept raw). */
export interface InheritableValues {
  after_script?: string[];
  artifacts?: ArtifactsDefinition;
  before_script?: string[];
  cache?: CacheDefinition[];
  hooks?: { preGetSourcesScript: string[] };
  id_tokens?: Record<string, { aud: string | string[] }>;
  image?: ImageDefinition;
  interruptible?: boolean;
  retry?: RetryDefinition;
  services?: ServiceDefinition[];
  tags?: string[];
  timeout?: number;
}

type Parsers = { [K in keyof InheritableValues]-?: (site: Site) => InheritableValues[K] | null | undefined };

const PARSERS: Parsers = {
  after_script: parseCommands,
  artifacts: parseArtifacts,
  before_script: parseCommands,
  cache: parseCaches,
  hooks: parseHooks,
  id_tokens: parseIdTokens,
  image: parseImage,
  interruptible: parseBoolean,
  retry: parseRetry,
  services: parseServices,
  tags: parseTags,
  timeout: parseTimeout,
};

export const DEFAULT_KEYS: ReadonlySet<string> = new Set([...Object.keys(PARSERS), 'identity']);
/** Top-level aliases of `default:` keys, deprecated but still honoured. */
export const TOP_LEVEL_DEFAULTS: readonly string[] = ['image', 'services', 'cache', 'before_script', 'after_script'];

export function isInheritableKey(key: string): key is keyof InheritableValues {
  return Object.hasOwn(PARSERS, key);
}

/** Parses one inheritable keyword at `site` into `into`; false when invalid (reported). */
export function parseInheritable(key: keyof InheritableValues, site: Site, into: InheritableValues): boolean {
  const value = (PARSERS[key] as (s: Site) => unknown)(site);
  if (value === null || value === undefined) return false;
  (into as Record<string, unknown>)[key] = value;
  return true;
}

export interface Defaults {
  /** The keys as written (GitLab spelling), `default:` first, then the top-level aliases. */
  raw: RawMapping;
  values: InheritableValues;
}

/** Reads `default:` and the top-level aliases (defining a key in both places is an error). */
export function parseDefaults(rootSite: Site, defaultIsGlobal: boolean): Defaults {
  const out: Defaults = { raw: {}, values: {} };
  const root = rootSite.value as RawMapping;
  const site = rootSite.at('default').as('default');
  const raw = site.value;
  if (defaultIsGlobal && raw !== undefined && raw !== null) {
    if (!isMapping(raw)) site.config('should be a hash');
    else readDefaultSection(site, raw, out);
  }
  for (const key of TOP_LEVEL_DEFAULTS) {
    const value = root[key];
    if (value === undefined || value === null) continue;
    const at = rootSite.at(key).as(key);
    if (key in out.raw) {
      at.verbatim(`${key} is defined in top-level and \`default:\` entry`, `keep only default:${key}`);
      continue;
    }
    out.raw[key] = value;
    parseInheritable(key as keyof InheritableValues, at, out.values);
  }
  return out;
}

function readDefaultSection(site: Site, raw: RawMapping, out: Defaults): void {
  checkAllowedKeys(site, raw, DEFAULT_KEYS);
  for (const [key, value] of Object.entries(raw)) {
    if (!DEFAULT_KEYS.has(key) || value === undefined || value === null) continue;
    out.raw[key] = value;
    if (isInheritableKey(key)) parseInheritable(key, site.at(key), out.values);
  }
  if ('timeout' in out.raw) {
    site.at('timeout').warn(
      'default:timeout has no effect: GitLab ignores it (known issue 213634), so glci does too; set timeout in each job',
    );
  }
}
