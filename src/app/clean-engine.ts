// The engine half of `glci clean`: containers, networks and non-cache volumes labelled
// `org.glci.managed=true` whose creating glci process (`org.glci.pid`) is gone. Resources of a live run
// are never touched, nor cache volumes (`org.glci.reusable=true`), which only `glci cache clear` removes.
import type { DockerClient, ResourceSummary } from '../executors/docker/client.js';
import { LABELS, labelFilter } from '../executors/docker/labels.js';
import type { CleanFailure, CleanItem, CleanItemKind } from './clean-items.js';

export interface EnginePlanOptions {
  /** Extra `KEY` / `KEY=VALUE` filters: only resources carrying all of them are candidates. */
  labelFilters: readonly string[];
  isAlive: (pid: number) => boolean;
}

export interface EnginePlan {
  /** In removal order: containers (they hold networks and volumes), then networks, then volumes. */
  items: CleanItem[];
  kept: CleanItem[];
  /** Pipelines with a resource whose run is alive (their state directory entries stay too). */
  livePipelines: Set<string>;
}

type Kind = Extract<CleanItemKind, 'container' | 'network' | 'volume'>;

/** True when `labels` satisfy every `KEY` / `KEY=VALUE` filter, as the engine's label filter does. */
export function matchesLabelFilters(labels: Readonly<Record<string, string>>, filters: readonly string[]): boolean {
  return filters.every((filter) => {
    const eq = filter.indexOf('=');
    if (eq < 0) return filter in labels;
    return labels[filter.slice(0, eq)] === filter.slice(eq + 1);
  });
}

function isCacheVolume(labels: Readonly<Record<string, string>>): boolean {
  return labels[LABELS.reusable] === 'true' || labels[LABELS.type] === 'cache';
}

function classify(kind: Kind, resource: ResourceSummary, options: EnginePlanOptions, plan: EnginePlan): void {
  const labels = resource.labels;
  const pipelineId = labels[LABELS.pipelineId] ?? null;
  const pid = Number(labels[LABELS.pid]);
  // Without a pid glci cannot prove the run is over; such a resource is not clean's to take.
  if (!Number.isInteger(pid) || pid <= 0) return;
  const alive = options.isAlive(pid);
  if (alive && pipelineId !== null) plan.livePipelines.add(pipelineId);
  if (!matchesLabelFilters(labels, options.labelFilters)) return;
  const item = { kind, name: resource.name, target: resource.id, pipelineId };
  if (alive) plan.kept.push({ ...item, reason: `glci process ${pid} is alive` });
  else plan.items.push({ ...item, reason: `glci process ${pid} is gone` });
}

/** Lists glci's resources on the engine and sorts them into leftovers and resources of live runs. */
export async function planEngineClean(client: DockerClient, options: EnginePlanOptions): Promise<EnginePlan> {
  const managed = [labelFilter(LABELS.managed, 'true')];
  const [containers, networks, volumes] = await Promise.all([
    client.listContainers(managed),
    client.listNetworks(managed),
    client.listVolumes(managed),
  ]);
  const plan: EnginePlan = { items: [], kept: [], livePipelines: new Set() };
  containers.forEach((c) => classify('container', c, options, plan));
  networks.forEach((n) => classify('network', n, options, plan));
  volumes.filter((v) => !isCacheVolume(v.labels)).forEach((v) => classify('volume', v, options, plan));
  return plan;
}

function removal(client: DockerClient, item: CleanItem): Promise<void> {
  if (item.kind === 'container') return client.removeContainer(item.target);
  if (item.kind === 'network') return client.removeNetwork(item.target);
  return client.removeVolume(item.target);
}

/**
 * Removes planned engine resources kind by kind, in the plan's order: a network or volume still held
 * by a container cannot go before it. Within a kind the calls run together; failures are collected.
 */
export async function removeEngineItems(client: DockerClient, items: readonly CleanItem[]): Promise<{ removed: CleanItem[]; failed: CleanFailure[] }> {
  // Lazily, like the client itself (engine-connection.ts): whoever holds a client has loaded it already.
  const { engineMessage } = await import('../executors/docker/client.js');
  const removed: CleanItem[] = [];
  const failed: CleanFailure[] = [];
  for (const kind of ['container', 'network', 'volume'] as const) {
    const batch = items.filter((i) => i.kind === kind);
    const results = await Promise.allSettled(batch.map((item) => removal(client, item)));
    results.forEach((result, index) => {
      const item = batch[index] as CleanItem;
      if (result.status === 'fulfilled') removed.push(item);
      else failed.push({ ...item, error: engineMessage(result.reason) });
    });
  }
  return { removed, failed };
}
