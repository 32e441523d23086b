// The cache stages (runner-behavior.md §6.2-§6.4): archives under <stateDir>/cache/<key>/cache.tar,
// restored before artifacts and saved after after_script; with a distributed cache (`remote`, see
// remote-cache.ts) the object in the bucket is what is restored, and a saved archive is also uploaded.
// A cache problem is never fatal: it becomes a warning in the job log and in the returned result.
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobEnvironment, JobIO } from '../executors/executor.js';
import type { CacheDefinition } from '../model/config.js';
import type { JobVariable } from '../model/plan.js';
import { composeFilesKey, defaultKeyPrefix } from './cache-key.js';
import { archiveSelection } from './env-archive.js';
import { FileSelection } from './file-selection.js';
import { cacheKeyContext, fallbackCacheKeys, policyAllows, resolveCacheKeys, runnerCacheKey, type CacheKeyContext } from './cache-keys.js';
import { cacheKeyDir } from './state-paths.js';
import { toStageLogger, type StageLogger } from './stage-log.js';
import { remoteCacheObject, withGitlabSuffixes, type RemoteCacheTarget } from './remote-cache.js';

export interface CacheStageOptions {
  /** Files git tracks in the project (relative paths), for `untracked: true`; default: none. */
  trackedFiles?: Iterable<string>;
  /** The runner's distributed cache (`[runners.cache]`); unset: the local cache only. */
  remote?: RemoteCacheTarget;
  /** Aborts a download or upload in flight (the job is cancelled). */
  signal?: AbortSignal;
}

/** The distributed cache as one job uses it: its project and the helpers' request timeout. */
interface JobRemote {
  target: RemoteCacheTarget;
  projectId: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface CacheStageResult {
  /** Every warning written to the job log. */
  warnings: string[];
}

const ARCHIVE = 'cache.tar';

/** A logger that also remembers the warnings it wrote (delegating: `log` may be a class instance). */
function recording(log: StageLogger, warnings: string[]): StageLogger {
  return {
    print: (message) => log.print(message),
    info: (message) => log.info(message),
    warn: (message) => {
      warnings.push(message);
      log.warn(message);
    },
    error: (message) => log.error(message),
  };
}

function hasContent(cache: CacheDefinition): boolean {
  return cache.paths.length > 0 || cache.untracked;
}

/**
 * The job's remote cache, or null: without a GitLab project id (a local run's CI_PROJECT_ID is 0)
 * there is no object name, and the job keeps to the local cache.
 */
function jobRemote(options: CacheStageOptions, context: CacheKeyContext, log: StageLogger): JobRemote | null {
  const target = options.remote;
  if (!target || target.settings.type !== 's3') return null;
  const projectId = target.projectId ?? context.vars.value('CI_PROJECT_ID');
  if (projectId === '' || projectId === '0') {
    log.print('No GitLab project id (CI_PROJECT_ID) for the distributed cache: the local cache is used.');
    return null;
  }
  // CACHE_REQUEST_TIMEOUT: minutes, default 10 (GitLab Runner's GetCacheRequestTimeout).
  const minutes = Number.parseInt(context.vars.value('CACHE_REQUEST_TIMEOUT'), 10);
  const timeoutMs = (Number.isFinite(minutes) && minutes > 0 ? minutes : 10) * 60_000;
  return { target, projectId, timeoutMs, ...(options.signal ? { signal: options.signal } : {}) };
}

/** Keys as GitLab would have sent them: its suffixes added when the target asks (local runs). */
function gitlabKeyed(caches: readonly CacheDefinition[], target: RemoteCacheTarget | undefined, context: CacheKeyContext): readonly CacheDefinition[] {
  // Also without a project id: the local archives keep the names they get once the id is given.
  const suffixes = target?.gitlabKeys;
  if (!suffixes) return caches;
  const refProtected = context.vars.value('CI_COMMIT_REF_PROTECTED') === 'true';
  return caches.map((cache) => withGitlabSuffixes(cache, suffixes, refProtected));
}

/** `Downloading cache from ...`, then extraction; false after the warnings saying why not. */
async function extractRemote(env: JobEnvironment, remote: JobRemote, key: string, log: StageLogger): Promise<boolean | 'no-url'> {
  const object = remoteCacheObject(remote.target, remote.projectId, key, log);
  if (!object) return 'no-url';
  // The object is downloaded to a file of its own and read from there: caches can be large.
  const dir = await mkdtemp(join(tmpdir(), 'glci-remote-cache-'));
  try {
    const objectFile = join(dir, object.codec.fileName);
    if (!(await object.download(objectFile, log, remote.timeoutMs, remote.signal))) return false;
    await env.copyIn(object.codec.decode(objectFile), '.');
    return true;
  } catch (error) {
    log.warn(error instanceof Error ? error.message : String(error));
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The caches with `key:files` turned into literal keys (the hash of those files), or, when the files
 * cannot be read, the key GitLab uses when none is found (`<prefix>-default`) after a warning. Call it
 * once per job, before the script, and hand the result to both restore and save.
 */
export async function resolveOrKeep(env: JobEnvironment, caches: readonly CacheDefinition[], log: StageLogger): Promise<readonly CacheDefinition[]> {
  if (caches.every((c) => c.key.kind === 'literal')) return caches;
  try {
    return await resolveCacheKeys(env, caches, log);
  } catch (error) {
    log.warn(`cannot compute cache:key:files: ${String(error)}`);
    return caches.map((c, i) => {
      if (c.key.kind === 'literal') return c;
      const prefix = c.key.prefix ?? defaultKeyPrefix(i, c.key.files);
      return { ...c, key: { kind: 'literal', value: composeFilesKey(prefix, null) } };
    });
  }
}

async function extractFirst(env: JobEnvironment, keys: readonly string[], stateDir: string, log: StageLogger, remote: JobRemote | null): Promise<void> {
  for (const key of keys) {
    log.info(`Checking cache for ${key}...`);
    const fetched = remote ? await extractRemote(env, remote, key, log) : 'no-url';
    if (fetched === true) {
      log.info('Successfully extracted cache');
      return;
    }
    if (fetched === false) {
      log.warn('Failed to extract cache');
      continue;
    }
    const file = join(cacheKeyDir(stateDir, key), ARCHIVE);
    try {
      await stat(file);
    } catch {
      log.warn('Cache file does not exist');
      log.warn('Failed to extract cache');
      continue;
    }
    log.print('No URL provided, cache will not be downloaded from shared cache server. Instead a local version of cache will be extracted.');
    try {
      await env.copyIn(createReadStream(file), '.');
      log.info('Successfully extracted cache');
      return;
    } catch (error) {
      log.warn(String(error));
      log.warn('Failed to extract cache');
    }
  }
}

async function restoreOne(
  env: JobEnvironment,
  cache: CacheDefinition,
  context: CacheKeyContext,
  stateDir: string,
  log: StageLogger,
  remote: JobRemote | null,
): Promise<void> {
  const raw = cache.key.kind === 'literal' ? cache.key.value : '';
  const key = runnerCacheKey(raw, context, log);
  if (key === '') {
    log.info('Skipping cache extraction due to empty cache key');
    return;
  }
  const allowed = policyAllows(cache.policy, context, 'pull');
  if (allowed === 'unknown') return log.warn(`unknown cache policy ${cache.policy} for ${key}`);
  if (allowed === 'no') return log.info(`Not downloading cache ${key} due to policy`);
  await extractFirst(env, [key, ...fallbackCacheKeys(cache, context, log)], stateDir, log, remote);
}

/** `restore_cache`: extracts each cache (or its first available fallback) into the project dir. */
export async function restoreCaches(
  env: JobEnvironment,
  caches: readonly CacheDefinition[],
  vars: readonly JobVariable[],
  stateDir: string,
  io: JobIO | StageLogger,
  options: CacheStageOptions = {},
): Promise<CacheStageResult> {
  const warnings: string[] = [];
  const log = recording(toStageLogger(io), warnings);
  const context = cacheKeyContext(vars);
  const usable = (await resolveOrKeep(env, caches, log)).filter(hasContent);
  const remote = usable.length > 0 ? jobRemote(options, context, log) : null;
  for (const cache of gitlabKeyed(usable, options.remote, context)) {
    try {
      await restoreOne(env, cache, context, stateDir, log, remote);
    } catch (error) {
      log.warn(`Failed to extract cache: ${String(error)}`);
    }
  }
  return { warnings };
}

function whenMatches(when: string, jobSucceeded: boolean): boolean {
  return when === 'always' || (when === 'on_failure' ? !jobSucceeded : jobSucceeded);
}

/** True when no selected entry is newer than the archive (the runner's `Archive is up to date!`). */
async function upToDate(archive: string, newestEntryMs: number): Promise<boolean> {
  try {
    const archiveSecond = Math.floor((await stat(archive)).mtimeMs / 1000) * 1000;
    return newestEntryMs < archiveSecond; // tar mtimes have second precision: same second = changed
  } catch {
    return false;
  }
}

async function archiveOne(
  env: JobEnvironment,
  cache: CacheDefinition,
  key: string,
  context: CacheKeyContext,
  stateDir: string,
  tracked: ReadonlySet<string>,
  log: StageLogger,
  remote: JobRemote | null,
): Promise<void> {
  const dir = cacheKeyDir(stateDir, key);
  await mkdir(dir, { recursive: true });
  const final = join(dir, ARCHIVE);
  const temp = join(dir, `${ARCHIVE}.${process.pid}.${Date.now()}.tmp`);
  const paths = cache.paths.map((p) => context.vars.expand(p));
  const selection = new FileSelection({ paths, exclude: [], untracked: cache.untracked, tracked }, env.projectDir);
  try {
    const summary = await archiveSelection(env, selection, temp);
    const report = selection.report(env.projectDir);
    report.info.forEach((line) => log.print(line));
    report.warnings.forEach((line) => log.warn(line));
    if (summary.entries === 0) return log.warn('No files to cache.');
    if (await upToDate(final, summary.newest)) return log.print('Archive is up to date!');
    await rename(temp, final);
    await writeFile(join(dir, 'metadata.json'), `${JSON.stringify({ cachekey: key })}\n`);
    const object = remote ? remoteCacheObject(remote.target, remote.projectId, key, log) : null;
    if (!remote || !object) return log.print('No URL provided, cache will not be uploaded to shared cache server. Cache will be stored only locally.');
    await object.upload(final, (await stat(final)).mtime, log, remote.timeoutMs, remote.signal);
  } finally {
    await rm(temp, { force: true });
  }
}

/** `archive_cache[_on_failure]`: archives each cache whose `when` matches the job's result. */
export async function saveCaches(
  env: JobEnvironment,
  caches: readonly CacheDefinition[],
  vars: readonly JobVariable[],
  stateDir: string,
  jobSucceeded: boolean,
  io: JobIO | StageLogger,
  options: CacheStageOptions = {},
): Promise<CacheStageResult> {
  const warnings: string[] = [];
  const log = recording(toStageLogger(io), warnings);
  const context = cacheKeyContext(vars);
  const tracked = new Set(options.trackedFiles ?? []);
  const usable = (await resolveOrKeep(env, caches, log)).filter((cache) => whenMatches(cache.when, jobSucceeded) && hasContent(cache));
  const remote = usable.length > 0 ? jobRemote(options, context, log) : null;
  for (const cache of gitlabKeyed(usable, options.remote, context)) {
    const key = runnerCacheKey(cache.key.kind === 'literal' ? cache.key.value : '', context, log);
    if (key === '') {
      log.info('Skipping cache archiving due to empty cache key');
      continue;
    }
    const allowed = policyAllows(cache.policy, context, 'push');
    if (allowed !== 'yes') {
      if (allowed === 'unknown') log.warn(`unknown cache policy ${cache.policy} for ${key}`);
      else log.info(`Not uploading cache ${key} due to policy`);
      continue;
    }
    log.info(`Creating cache ${key}...`);
    try {
      await archiveOne(env, cache, key, context, stateDir, tracked, log, remote);
      log.info('Created cache');
    } catch (error) {
      log.warn(error instanceof Error ? error.message : String(error));
      log.warn('Failed to create cache');
    }
  }
  return { warnings };
}
