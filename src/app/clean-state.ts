// The state directory half of `glci clean`: builds copies of runs that are over, expired artifacts and
// old pipelines (see src/artifacts/state-paths.ts for the layout). Persistent caches (`cache/`) and
// the shallow repositories of the docker checkout (`git/`) are caches, not leftovers: they stay.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactsMetadata } from '../artifacts/artifact-store.js';
import { hasVariableReference, parseDuration } from '../duration/chronic.js';
import type { CleanFailure, CleanItem } from './clean-items.js';

/** Answers whether a pipeline's run is still alive; the reason when it is, null when it is over. */
export type RunLiveness = (pipelineId: string) => string | null;

export interface StatePlanOptions {
  stateDir: string;
  /** Newest pipelines kept whatever their artifacts' expiry. */
  keep: number;
  now: Date;
  liveness: RunLiveness;
  /**
   * A builds folder with no run marker and no live engine resource may still belong to a run started by
   * a glci that writes no marker; it is taken as over only once nothing in it changed for this long.
   */
  unmarkedGraceMs: number;
  /** Pipeline ids that have a run marker. */
  marked: ReadonlySet<string>;
}

export interface StatePlan {
  items: CleanItem[];
  kept: CleanItem[];
}

/** GitLab's instance default for artifacts without `expire_in` (`default_artifacts_expire_in`, 30 days). */
export const DEFAULT_EXPIRE_IN_SECONDS = 30 * 24 * 3600;
/** Written by src/artifacts/artifact-store.ts next to each job's stored artifacts. */
const METADATA = 'metadata.json';
const NUMERIC = /^\d+$/;

async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

/**
 * When a job's artifacts expire: `createdAt` + `expire_in` (GitLab's default when unset); null for
 * `never`, and for a value glci cannot read (a `$VARIABLE` was never expanded), which then never expires.
 */
export function artifactsExpiry(metadata: Pick<ArtifactsMetadata, 'expireIn' | 'createdAt'>): Date | null {
  const created = Date.parse(metadata.createdAt);
  if (Number.isNaN(created)) return null;
  const text = metadata.expireIn;
  let seconds: number | null = DEFAULT_EXPIRE_IN_SECONDS;
  if (text !== null) {
    if (text.trim().toLowerCase() === 'never' || hasVariableReference(text)) return null;
    seconds = parseDuration(text);
  }
  return seconds === null ? null : new Date(created + seconds * 1000);
}

interface StoredArtifacts {
  dirName: string;
  job: string;
  expireIn: string | null;
  expiresAt: Date | null;
}

async function storedArtifacts(pipelineDir: string): Promise<StoredArtifacts[]> {
  const found: StoredArtifacts[] = [];
  for (const dirName of await subdirectories(join(pipelineDir, 'artifacts'))) {
    try {
      const metadata = JSON.parse(await readFile(join(pipelineDir, 'artifacts', dirName, METADATA), 'utf8')) as ArtifactsMetadata;
      found.push({ dirName, job: metadata.job, expireIn: metadata.expireIn, expiresAt: artifactsExpiry(metadata) });
    } catch {
      // No readable metadata: an upload still in progress, or not glci's; neither is ours to judge.
      continue;
    }
  }
  return found;
}

/** The newest modification time of a folder and the two levels below it (job folders, project copies). */
async function lastChange(dir: string, depth = 2): Promise<number> {
  let newest = 0;
  try {
    newest = (await stat(dir)).mtimeMs;
  } catch {
    return newest;
  }
  if (depth === 0) return newest;
  for (const child of await subdirectories(dir)) newest = Math.max(newest, await lastChange(join(dir, child), depth - 1));
  return newest;
}

async function planBuilds(options: StatePlanOptions, plan: StatePlan): Promise<void> {
  for (const id of await subdirectories(join(options.stateDir, 'builds'))) {
    const item = { kind: 'builds' as const, name: join('builds', id), target: join(options.stateDir, 'builds', id), pipelineId: id };
    const live = options.liveness(id);
    if (live !== null) {
      plan.kept.push({ ...item, reason: live });
      continue;
    }
    if (!options.marked.has(id) && options.now.getTime() - (await lastChange(item.target)) < options.unmarkedGraceMs) {
      const hours = Math.round(options.unmarkedGraceMs / 3_600_000);
      plan.kept.push({ ...item, reason: `no run marker, and changed within the last ${hours} h` });
      continue;
    }
    plan.items.push({ ...item, reason: 'its run is over' });
  }
}

function expiredReason(artifacts: StoredArtifacts): string {
  const expireIn = artifacts.expireIn ?? `unset, GitLab's default of ${DEFAULT_EXPIRE_IN_SECONDS / 86_400} days`;
  return `artifacts of ${artifacts.job} expired ${artifacts.expiresAt?.toISOString() ?? ''} (expire_in: ${expireIn})`;
}

async function planPipelines(options: StatePlanOptions, plan: StatePlan): Promise<void> {
  const root = join(options.stateDir, 'pipelines');
  // Local pipeline ids are the run's start time in seconds, so the largest ids are the newest runs.
  const ids = (await subdirectories(root)).filter((id) => NUMERIC.test(id)).sort((a, b) => Number(b) - Number(a));
  for (const [index, id] of ids.entries()) {
    const pipeline = { kind: 'pipeline' as const, name: join('pipelines', id), target: join(root, id), pipelineId: id };
    const live = options.liveness(id);
    if (live !== null) {
      if (index >= options.keep) plan.kept.push({ ...pipeline, reason: live });
      continue;
    }
    if (index >= options.keep) {
      plan.items.push({ ...pipeline, reason: `older than the newest ${options.keep}` });
      continue;
    }
    const artifacts = await storedArtifacts(pipeline.target);
    const expired = artifacts.filter((a) => a.expiresAt !== null && a.expiresAt.getTime() <= options.now.getTime());
    if (artifacts.length > 0 && expired.length === artifacts.length) {
      plan.items.push({ ...pipeline, reason: 'all its artifacts expired' });
      continue;
    }
    for (const a of expired) {
      const name = join('pipelines', id, 'artifacts', a.dirName);
      plan.items.push({ kind: 'artifacts', name, target: join(options.stateDir, name), pipelineId: id, reason: expiredReason(a) });
    }
  }
}

/** What clean would remove from the state directory, and what it keeps for live runs. */
export async function planStateClean(options: StatePlanOptions): Promise<StatePlan> {
  const plan: StatePlan = { items: [], kept: [] };
  await planBuilds(options, plan);
  await planPipelines(options, plan);
  return plan;
}

/** Removes planned state directory entries; each failure is reported, never thrown. */
export async function removeStateItems(items: readonly CleanItem[]): Promise<{ removed: CleanItem[]; failed: CleanFailure[] }> {
  const removed: CleanItem[] = [];
  const failed: CleanFailure[] = [];
  for (const item of items) {
    try {
      await rm(item.target, { recursive: true, force: true });
      removed.push(item);
    } catch (error) {
      failed.push({ ...item, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { removed, failed };
}
