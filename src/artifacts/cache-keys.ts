// From a job's cache definitions to the keys the runner uses: key:files digests computed from the
// job's checkout (GitLab computes them from the pipeline commit before the job; the checkout holds the
// same files), then runner expansion and sanitisation (runner-behavior.md §6.1, §6.3).
import { posix } from 'node:path';
import type { JobEnvironment } from '../executors/executor.js';
import type { CacheDefinition } from '../model/config.js';
import type { JobVariable } from '../model/plan.js';
import { readArchiveFiles } from '../platform/archive.js';
import { composeFilesKey, defaultKeyPrefix, filesDigest, gitBlobId, keyFilePattern, sanitizeCacheKey } from './cache-key.js';
import { runnerVariables, type RunnerVariables } from './runner-variables.js';
import type { StageLogger } from './stage-log.js';

/** Runner-side facts the key computation needs, derived once from the job's variables. */
export interface CacheKeyContext {
  /** The job's variables after the runner's own expansion (`GetAllVariables`). */
  vars: RunnerVariables;
  jobName: string;
  ref: string;
}

export function cacheKeyContext(vars: readonly JobVariable[]): CacheKeyContext {
  const runner = runnerVariables(vars);
  return { vars: runner, jobName: runner.value('CI_JOB_NAME'), ref: runner.value('CI_COMMIT_REF_NAME') };
}

/** Contents' digest of the key:files entries found in the checkout, or null when none exists. */
async function digestOfFiles(env: JobEnvironment, files: readonly string[]): Promise<string | null> {
  const entries = [...new Set(files.filter((f) => f.trim() !== ''))];
  const literals = new Set<string>();
  const patterns: RegExp[] = [];
  const bases = new Set<string>();
  for (const entry of entries) {
    const pattern = keyFilePattern(entry);
    if (pattern === null) {
      const literal = posix.normalize(entry).replace(/\/+$/, '');
      literals.add(literal);
      bases.add(literal);
    } else {
      patterns.push(pattern);
      const fixed = entry.slice(0, entry.indexOf('*'));
      bases.add(fixed.includes('/') ? fixed.slice(0, fixed.lastIndexOf('/')) : '.');
    }
  }
  if (bases.size === 0) return null;
  const wanted = bases.has('.') ? ['.'] : [...bases];
  const contents = await readArchiveFiles(await env.copyOut(wanted), (e) => literals.has(e.path) || patterns.some((p) => p.test(e.path)));
  return filesDigest([...contents.values()].map(gitBlobId));
}

/**
 * Turns key:files (and key:files_commits) into literal keys, as GitLab does before handing the job to
 * a runner. Compute once per job and use the result for both restore and save, so a job that rewrites
 * its lock file still saves under the key it restored.
 */
export async function resolveCacheKeys(env: JobEnvironment, caches: readonly CacheDefinition[], log: StageLogger): Promise<CacheDefinition[]> {
  const resolved: CacheDefinition[] = [];
  for (const [index, cache] of caches.entries()) {
    const key = cache.key;
    if (key.kind === 'literal') {
      resolved.push(cache);
      continue;
    }
    const prefix = key.prefix ?? defaultKeyPrefix(index, key.files);
    let digest: string | null = null;
    if (key.kind === 'files') digest = await digestOfFiles(env, key.files);
    else log.warn(`cache:key:files_commits needs the commit history, which a local job does not have; using ${composeFilesKey(prefix, null)}`);
    resolved.push({ ...cache, key: { kind: 'literal', value: composeFilesKey(prefix, digest) } });
  }
  return resolved;
}

/**
 * The runner's key for one raw key: `<job name>/<ref>` when empty, else runner-expanded; then
 * sanitised. Returns '' (after logging why) when nothing usable is left.
 */
export function runnerCacheKey(rawKey: string, context: CacheKeyContext, log: StageLogger): string {
  const expanded = rawKey === '' ? posix.join('/', context.jobName, context.ref).slice(1).replace(/\/+$/, '') : context.vars.expand(rawKey);
  const { key, warning } = sanitizeCacheKey(expanded);
  if (warning !== null) log.warn(warning);
  return key;
}

/** Restore candidates after the main key: fallback_keys, then CACHE_FALLBACK_KEY (never a `-protected` one). */
export function fallbackCacheKeys(cache: CacheDefinition, context: CacheKeyContext, log: StageLogger): string[] {
  const keys: string[] = [];
  for (const raw of cache.fallbackKeys) {
    const expanded = context.vars.expand(raw);
    if (expanded === '') continue;
    const key = runnerCacheKey(expanded, context, log);
    if (key !== '') keys.push(key);
  }
  const global = context.vars.value('CACHE_FALLBACK_KEY');
  if (global !== '') {
    const key = runnerCacheKey(global, context, log);
    if (key.endsWith('-protected')) log.warn(`CACHE_FALLBACK_KEY ${JSON.stringify(key)} not allowed to end in "-protected"`);
    else if (key !== '') keys.push(key);
  }
  return keys;
}

export type CachePolicyCheck = 'yes' | 'no' | 'unknown';

/** Whether a cache policy (runner-expanded; empty = pull-push) allows `pull` or `push`. */
export function policyAllows(policy: string, context: CacheKeyContext, action: 'pull' | 'push'): CachePolicyCheck {
  const expanded = context.vars.expand(policy);
  if (expanded === '' || expanded === 'pull-push') return 'yes';
  if (expanded === 'pull' || expanded === 'push') return expanded === action ? 'yes' : 'no';
  return 'unknown';
}
