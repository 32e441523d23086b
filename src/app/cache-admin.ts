// Use cases behind `glci cache ls` and `glci cache clear`: the persisted caches of the `cache:` keyword,
// on the host (`<stateDir>/cache/<key>/cache.tar`, src/artifacts/state-paths.ts) and on the Docker
// engine (the docker executor's cache volumes, labelled `org.glci.type=cache`, `org.glci.reusable=true`).
// Engine volumes belong to the project whose directory is in their `org.glci.project.dir` label.
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { sanitizeCacheKey } from '../artifacts/cache-key.js';
import { ExecutorError, UsageError } from '../errors.js';
import type { DockerClient, ResourceSummary } from '../executors/docker/client.js';
import { LABELS, labelFilter } from '../executors/docker/labels.js';
import { resolveStateDir } from './state-dir.js';
import { connectEngine, engineStatus, type EngineStatus } from './engine-connection.js';
import { includeCacheDir } from './include-sources.js';

export { unreachableNotice } from './engine-connection.js';

export interface LocalCache {
  /** The cache key as the runner used it (sanitised; may contain `/`). */
  key: string;
  /** Absolute path of the archive. */
  path: string;
  sizeBytes: number;
  modifiedAt: string;
}

export interface CacheVolume {
  name: string;
  /** The container path it is mounted at (`org.glci.destination`). */
  destination: string | null;
  /** The project directory that created it (`org.glci.project.dir`). */
  projectDir: string | null;
  /** CI_PROJECT_PATH of that project (`org.glci.project.path`). */
  projectPath: string | null;
}

export interface CacheAdminOptions {
  /** Project directory; default: the current directory. */
  cwd?: string;
  stateDir?: string;
  /** Volumes of every project, not only of this one. */
  allProjects?: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Injected for tests: the engine client, and extra label filters that fence a test's volumes off. */
  client?: DockerClient;
  labelFilters?: readonly string[];
}

export interface CacheListing {
  projectDir: string;
  stateDir: string;
  engine: EngineStatus;
  local: LocalCache[];
  volumes: CacheVolume[];
}

const ARCHIVE = 'cache.tar';

/** Every `cache/<key>/cache.tar` of the state directory, by key. */
export async function localCaches(stateDir: string): Promise<LocalCache[]> {
  const root = join(stateDir, 'cache');
  let entries: string[];
  try {
    entries = await readdir(root, { recursive: true });
  } catch {
    return [];
  }
  const found: LocalCache[] = [];
  for (const entry of entries.filter((e) => e.endsWith(`${sep}${ARCHIVE}`))) {
    try {
      const info = await stat(join(root, entry));
      if (!info.isFile()) continue;
      const key = dirname(entry).split(sep).join('/');
      found.push({ key, path: join(root, entry), sizeBytes: info.size, modifiedAt: info.mtime.toISOString() });
    } catch {
      continue; // removed while we looked: not there any more
    }
  }
  return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function volumeFilters(projectDir: string, options: CacheAdminOptions): string[] {
  return [
    labelFilter(LABELS.managed, 'true'),
    labelFilter(LABELS.type, 'cache'),
    labelFilter(LABELS.reusable, 'true'),
    ...(options.allProjects ? [] : [labelFilter(LABELS.projectDir, projectDir)]),
    ...(options.labelFilters ?? []),
  ];
}

async function cacheVolumes(client: DockerClient, projectDir: string, options: CacheAdminOptions): Promise<CacheVolume[]> {
  let listed: ResourceSummary[];
  try {
    listed = await client.listVolumes(volumeFilters(projectDir, options));
  } catch (error) {
    throw new ExecutorError('CACHE_VOLUMES', `cannot list the cache volumes on the engine at ${client.address}: ${String(error)}`, undefined, { cause: error });
  }
  return listed
    .map((v) => ({
      name: v.name,
      destination: v.labels[LABELS.destination] ?? null,
      projectDir: v.labels[LABELS.projectDir] ?? null,
      projectPath: v.labels[LABELS.project] ?? null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function connectOptions(options: CacheAdminOptions) {
  return { env: options.env, ...(options.client ? { client: options.client } : {}) };
}

/** `glci cache ls`: the local archives, and the engine's cache volumes when the engine answers. */
export async function listCaches(options: CacheAdminOptions): Promise<CacheListing> {
  const { projectDir, stateDir } = resolveStateDir(options);
  const [local, connection] = await Promise.all([localCaches(stateDir), connectEngine(connectOptions(options))]);
  const volumes = connection.client ? await cacheVolumes(connection.client, projectDir, options) : [];
  return { projectDir, stateDir, engine: engineStatus(connection), local, volumes };
}

/** `includes`: only the cache of fetched include files (app/include-sources.ts), shared by every project. */
export type CacheScope = 'all' | 'local' | 'volumes' | 'includes';

export interface CacheClearOptions extends CacheAdminOptions {
  /** Keys (local caches) or volume names / destinations to clear; empty = every cache in scope. */
  keys: readonly string[];
  scope: CacheScope;
}

export interface ClearedCache {
  kind: 'local' | 'volume' | 'includes';
  /** The key of a local cache, the name of a volume. */
  name: string;
  /** The archive's path, or the volume's destination. */
  location: string | null;
}

export interface CacheClearReport {
  projectDir: string;
  stateDir: string;
  /** Null with `--local-only` (the engine is not asked). */
  engine: EngineStatus | null;
  removed: ClearedCache[];
  /** What could not be removed, e.g. a volume a running container uses (the command exits with 3). */
  failed: Array<ClearedCache & { error: string }>;
  /** Requested keys that matched no cache. */
  unmatched: string[];
}

/** A key as given, and as the runner would have sanitised it (`a/./b` is stored as `a/b`). */
function keyForms(key: string): string[] {
  const sanitized = sanitizeCacheKey(key).key;
  return sanitized !== '' && sanitized !== key ? [key, sanitized] : [key];
}

function matches(keys: readonly string[], ...names: Array<string | null>): boolean {
  return keys.length === 0 || keys.some((k) => keyForms(k).some((form) => names.includes(form)));
}

/** Removes one local archive and its metadata, then the folders the key leaves empty (never `cache/`). */
async function removeLocal(stateDir: string, cache: LocalCache): Promise<void> {
  const dir = dirname(cache.path);
  await rm(cache.path, { force: true });
  await rm(join(dir, 'metadata.json'), { force: true });
  const root = join(stateDir, 'cache');
  // Keys nest (`a` and `a/b`): only folders left empty go, so another key's archive is never touched.
  for (let current = dir; current.startsWith(`${root}${sep}`); current = dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      break;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function clearLocal(stateDir: string, keys: readonly string[], report: CacheClearReport): Promise<string[]> {
  const matched = (await localCaches(stateDir)).filter((c) => matches(keys, c.key));
  for (const cache of matched) {
    const cleared: ClearedCache = { kind: 'local', name: cache.key, location: cache.path };
    try {
      await removeLocal(stateDir, cache);
      report.removed.push(cleared);
    } catch (error) {
      report.failed.push({ ...cleared, error: messageOf(error) });
    }
  }
  return matched.map((c) => c.key);
}

async function clearVolumes(client: DockerClient, keys: readonly string[], options: CacheClearOptions, report: CacheClearReport): Promise<string[]> {
  const matched = (await cacheVolumes(client, report.projectDir, options)).filter((v) => matches(keys, v.name, v.destination));
  const { engineMessage } = await import('../executors/docker/client.js');
  const results = await Promise.allSettled(matched.map((v) => client.removeVolume(v.name)));
  results.forEach((result, index) => {
    const volume = matched[index] as CacheVolume;
    const cleared: ClearedCache = { kind: 'volume', name: volume.name, location: volume.destination };
    // The engine refuses a volume a container uses (409 "volume is in use"): reported, not fatal.
    if (result.status === 'fulfilled') report.removed.push(cleared);
    else report.failed.push({ ...cleared, error: engineMessage(result.reason) });
  });
  return matched.flatMap((v) => [v.name, v.destination ?? '']);
}

/** `glci cache clear`: removes the named (or all) caches of this project, or of every project. */
export async function clearCaches(options: CacheClearOptions): Promise<CacheClearReport> {
  if (options.keys.some((k) => k.trim() === '')) throw new UsageError('a cache key cannot be empty');
  const { projectDir, stateDir } = resolveStateDir(options);
  if (options.scope === 'includes') return clearIncludeCache(projectDir, stateDir, options);
  const wantsVolumes = options.scope !== 'local';
  const connection = wantsVolumes ? await connectEngine(connectOptions(options)) : null;
  const status = connection ? engineStatus(connection) : null;
  if (options.scope === 'volumes' && status && !status.reachable) {
    throw new ExecutorError('DOCKER_UNREACHABLE', `the Docker engine at ${status.address} was not reachable: ${status.problem ?? 'no answer'}`, 'start the engine, or set DOCKER_HOST');
  }
  const report: CacheClearReport = { projectDir, stateDir, engine: status, removed: [], failed: [], unmatched: [] };
  const hit = options.scope === 'volumes' ? [] : await clearLocal(stateDir, options.keys, report);
  if (connection?.client) hit.push(...(await clearVolumes(connection.client, options.keys, options, report)));
  report.unmatched = options.keys.filter((k) => !keyForms(k).some((form) => hit.includes(form)));
  return report;
}

/** `glci cache clear --includes`: the fetched include files go; the next online run fetches them again. */
async function clearIncludeCache(projectDir: string, stateDir: string, options: CacheClearOptions): Promise<CacheClearReport> {
  if (options.keys.length > 0) throw new UsageError('--includes clears the whole include cache and takes no cache keys');
  const dir = includeCacheDir(options.env);
  const report: CacheClearReport = { projectDir, stateDir, engine: null, removed: [], failed: [], unmatched: [] };
  const present = await stat(dir).then(() => true, () => false);
  if (!present) return report;
  const cleared: ClearedCache = { kind: 'includes', name: 'include files', location: dir };
  await rm(dir, { recursive: true, force: true }).then(
    () => report.removed.push(cleared),
    (error: unknown) => report.failed.push({ ...cleared, error: error instanceof Error ? error.message : String(error) }),
  );
  return report;
}
