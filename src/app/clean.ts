// Use case behind `glci clean`: removes what crashed runs left behind, on the Docker engine (containers,
// networks, non-cache volumes of dead glci processes) and in the state directory (builds copies of runs
// that are over, expired artifacts, pipelines beyond the newest N). Caches stay: `glci cache clear`.
import { rm } from 'node:fs/promises';
import { ExecutorError, UsageError } from '../errors.js';
import type { DockerClient } from '../executors/docker/client.js';
import type { CleanFailure, CleanReport } from './clean-items.js';
import { planEngineClean, removeEngineItems, type EnginePlan } from './clean-engine.js';
import { planStateClean, removeStateItems, type RunLiveness } from './clean-state.js';
import { connectEngine, engineStatus, isProcessAlive } from './engine-connection.js';
import { readRunMarkers, runMarkerPath, type RunMarker } from './run-registry.js';
import { resolveStateDir } from './state-dir.js';

export { unreachableNotice } from './engine-connection.js';
export { cleanFailureLines, cleanReportLines, type CleanFailure, type CleanItem, type CleanReport } from './clean-items.js';

export interface CleanOptions {
  /** Project directory; default: the current directory. */
  cwd?: string;
  /** Default `<project>/.glci`. */
  stateDir?: string;
  /** Newest pipelines to keep (default 5). */
  keep?: number;
  /** Only report what would be removed. */
  dryRun?: boolean;
  /** `KEY` / `KEY=VALUE`: only engine resources carrying all of these labels. */
  labelFilters?: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Injected for tests: the engine client, the clock, the liveness check, the grace of unmarked builds. */
  client?: DockerClient;
  now?: Date;
  isAlive?: (pid: number) => boolean;
  unmarkedGraceMs?: number;
}

export const DEFAULT_KEEP_PIPELINES = 5;
/** Long enough for any job that runs in practice (the default job timeout is one hour). */
export const UNMARKED_BUILDS_GRACE_MS = 24 * 3_600_000;

function checkOptions(options: CleanOptions): void {
  const keep = options.keep ?? DEFAULT_KEEP_PIPELINES;
  if (!Number.isInteger(keep) || keep < 0) throw new UsageError(`--keep must be a whole number of pipelines, not ${keep}`);
  for (const filter of options.labelFilters ?? []) {
    if (filter === '' || filter.startsWith('=')) throw new UsageError(`invalid label filter "${filter}"`, 'use KEY or KEY=VALUE, e.g. org.glci.pipeline.id=1712345678');
  }
}

async function engineLeftovers(client: DockerClient | null, options: CleanOptions, isAlive: (pid: number) => boolean): Promise<EnginePlan> {
  if (client === null) return { items: [], kept: [], livePipelines: new Set() };
  try {
    return await planEngineClean(client, { labelFilters: options.labelFilters ?? [], isAlive });
  } catch (error) {
    throw new ExecutorError('CLEAN_ENGINE', `cannot list glci's resources on the engine at ${client.address}: ${String(error)}`, undefined, { cause: error });
  }
}

function livenessOf(markers: ReadonlyMap<string, RunMarker>, engine: EnginePlan, isAlive: (pid: number) => boolean): RunLiveness {
  return (pipelineId) => {
    const marker = markers.get(pipelineId);
    if (marker && isAlive(marker.pid)) return `glci process ${marker.pid} is still running it`;
    if (engine.livePipelines.has(pipelineId)) return 'a live glci process still has engine resources of it';
    return null;
  };
}

/** Markers of runs that are over go with their builds folder (unless that could not be removed). */
async function dropDeadMarkers(stateDir: string, markers: ReadonlyMap<string, RunMarker>, liveness: RunLiveness, failed: readonly CleanFailure[]): Promise<void> {
  for (const id of markers.keys()) {
    if (liveness(id) !== null || failed.some((f) => f.kind === 'builds' && f.pipelineId === id)) continue;
    await rm(runMarkerPath(stateDir, id), { force: true });
  }
}

export async function cleanLeftovers(options: CleanOptions): Promise<CleanReport> {
  checkOptions(options);
  const { stateDir } = resolveStateDir(options);
  const isAlive = options.isAlive ?? isProcessAlive;
  const connection = await connectEngine({ env: options.env, ...(options.client ? { client: options.client } : {}) });
  const engine = await engineLeftovers(connection.client, options, isAlive);
  const markers = await readRunMarkers(stateDir);
  const liveness = livenessOf(markers, engine, isAlive);
  const state = await planStateClean({
    stateDir,
    keep: options.keep ?? DEFAULT_KEEP_PIPELINES,
    now: options.now ?? new Date(),
    liveness,
    unmarkedGraceMs: options.unmarkedGraceMs ?? UNMARKED_BUILDS_GRACE_MS,
    marked: new Set(markers.keys()),
  });
  const report: CleanReport = { dryRun: options.dryRun ?? false, stateDir, engine: engineStatus(connection), items: [], failed: [], kept: [...engine.kept, ...state.kept] };
  if (report.dryRun) {
    report.items = [...engine.items, ...state.items];
    return report;
  }
  const removedEngine = connection.client ? await removeEngineItems(connection.client, engine.items) : { removed: [], failed: [] };
  const removedState = await removeStateItems(state.items);
  report.items = [...removedEngine.removed, ...removedState.removed];
  report.failed = [...removedEngine.failed, ...removedState.failed];
  await dropDeadMarkers(stateDir, markers, liveness, report.failed);
  return report;
}
