// `cache:` — a mapping or a list of at most 4. https://docs.gitlab.com/ci/yaml/#cache —
// spec §5.16 (entry/caches.rb, entry/cache.rb, entry/key.rb, entry/files.rb).
import type { ArtifactWhen, CacheDefinition, CacheKey } from '../../model/config.js';
import { checkAllowedKeys, checkExclusive } from './keys.js';
import { isMapping, isString, isStringArray } from './shapes.js';
import type { Site } from './site.js';

const MAX_CACHES = 4;
const MAX_FALLBACK_KEYS = 5;
const MAX_KEY_FILES = 2;
const CACHE_KEYS: ReadonlySet<string> = new Set(['key', 'untracked', 'paths', 'when', 'policy', 'unprotect', 'fallback_keys']);
const KEY_KEYS: ReadonlySet<string> = new Set(['files', 'files_commits', 'prefix']);
const WHEN: readonly ArtifactWhen[] = ['on_success', 'on_failure', 'always'];
/** GitLab's policy check is an unanchored match, so any text containing one of these passes. */
const POLICY = /pull-push|push|pull|\$/;

/** Every cache of the job; `cache: []` gives none (disables an inherited default). */
export function parseCaches(site: Site): CacheDefinition[] {
  const raw = site.value;
  if (Array.isArray(raw)) {
    if (raw.length > MAX_CACHES) {
      site.config(`no more than ${MAX_CACHES} caches can be created`);
      return [];
    }
    const out: CacheDefinition[] = [];
    raw.forEach((item, index) => {
      const cache = parseCache(site.item(index, item, null));
      if (cache) out.push(cache);
    });
    return out;
  }
  if (!isMapping(raw)) {
    site.config('can only be a hash or an array');
    return [];
  }
  const cache = parseCache(site);
  return cache ? [cache] : [];
}

function parseCache(site: Site): CacheDefinition | null {
  const raw = site.value;
  if (!isMapping(raw)) {
    site.config('should be a hash');
    return null;
  }
  let ok = checkAllowedKeys(site, raw, CACHE_KEYS);
  const cache: CacheDefinition = {
    key: { kind: 'literal', value: 'default' },
    paths: [],
    untracked: false,
    unprotect: false,
    when: 'on_success',
    policy: 'pull-push',
    fallbackKeys: [],
  };
  if (present(raw.key)) {
    const key = parseKey(site.at('key'));
    if (key) cache.key = key;
    else ok = false;
  }
  if (present(raw.paths)) {
    if (isStringArray(raw.paths)) cache.paths = raw.paths;
    else ok = report(site.at('paths'), 'should be an array of strings');
  }
  for (const flag of ['untracked', 'unprotect'] as const) {
    if (!present(raw[flag])) continue;
    if (typeof raw[flag] === 'boolean') cache[flag] = raw[flag];
    else ok = report(site.at(flag), 'should be a boolean value');
  }
  return scalarsOf(site, raw, cache) && ok ? cache : null;
}

/** `when`, `policy`, `fallback_keys`: attribute errors worded on the cache entry. */
function scalarsOf(site: Site, raw: Record<string, unknown>, cache: CacheDefinition): boolean {
  let ok = true;
  if (present(raw.when)) {
    if ((WHEN as readonly unknown[]).includes(raw.when)) cache.when = raw.when as ArtifactWhen;
    else ok = attr(site, 'when', `should be one of: ${WHEN.join(', ')}`);
  }
  if (present(raw.policy) && raw.policy !== '') {
    if (isString(raw.policy) && POLICY.test(raw.policy)) cache.policy = raw.policy;
    else ok = attr(site, 'policy', 'should be a variable or one of: pull-push, push, pull');
  }
  if (present(raw.fallback_keys)) {
    if (!isStringArray(raw.fallback_keys)) ok = report(site.at('fallback_keys'), 'should be an array of strings');
    else if (raw.fallback_keys.length > MAX_FALLBACK_KEYS) ok = attr(site, 'fallback_keys', `has to many entries (maximum ${MAX_FALLBACK_KEYS})`);
    else cache.fallbackKeys = raw.fallback_keys;
  }
  return ok;
}

/** `key: text` (no `/`, not `.`/`..` after URL-unescaping) or `key: {files | files_commits, prefix}`. */
function parseKey(site: Site): CacheKey | null {
  const raw = site.value;
  if (isString(raw)) return literalKey(site, raw);
  if (!isMapping(raw)) {
    site.problems.error(`${site.path} should be a hash, a string or a symbol`.toLowerCase(), site.location());
    return null;
  }
  let ok = checkAllowedKeys(site, raw, KEY_KEYS);
  ok = checkExclusive(site, raw, ['files', 'files_commits']) && ok;
  const kind = present(raw.files_commits) ? 'files_commits' : 'files';
  if (!present(raw[kind])) {
    site.config('missing required keys: files');
    return null;
  }
  const files = site.at(kind);
  if (!isStringArray(files.value)) {
    files.config('should be an array of strings');
    return null;
  }
  // entry/files.rb: an empty list is an array of strings, refused by the length check.
  if (files.value.length === 0) {
    files.config('requires at least 1 item');
    return null;
  }
  if (files.value.length > MAX_KEY_FILES) {
    files.config(`has too many entries (maximum ${MAX_KEY_FILES})`);
    return null;
  }
  let prefix: string | undefined;
  if (present(raw.prefix)) {
    if (isString(raw.prefix)) prefix = raw.prefix;
    else ok = report(site.at('prefix'), 'should be a string or symbol');
  }
  if (!ok) return null;
  return prefix === undefined ? { kind, files: files.value } : { kind, files: files.value, prefix };
}

function literalKey(site: Site, text: string): CacheKey | null {
  const path = unescapeUrl(text);
  if (path.includes('/')) {
    site.config('cannot contain the "/" character', 'the runner stores caches by key; use another separator');
    return null;
  }
  if (path === '.' || path === '..') {
    site.config('cannot be "." or ".."');
    return null;
  }
  return { kind: 'literal', value: text };
}

/** Ruby's CGI.unescape: `+` is a space and `%XX` a byte. */
function unescapeUrl(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text.replace(/\+/g, ' ').replace(/%2f/gi, '/').replace(/%2e/gi, '.');
  }
}

function report(site: Site, message: string): false {
  site.config(message);
  return false;
}

function attr(site: Site, key: string, message: string): false {
  site.attr(key, message);
  return false;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}
