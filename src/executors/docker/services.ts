// Service containers (runner-behavior.md §2): config services first, then the job's; each reachable by
// its image-derived host names and its own aliases (an alias taken by an earlier service is skipped
// with GitLab's warning; a service left with no alias at all is not started); started in parallel.
import type { DockerSettings } from '../../model/runner.js';
import type { DockerClient } from './client.js';
import type { FallbackHostConfig } from './privileged-fallback.js';
import { serviceContainerSpec, type NetworkPlan } from './container-spec.js';
import { serviceContainerName } from './names.js';
import { splitServiceImage, type ServiceRequest } from '../images/service-requests.js';
import type { ImageRequest } from './pull/resolve-image.js';

// The requests are built in images/ (shared with the kubernetes executor); re-exported for docker's callers.
export { serviceRequests, type ServiceRequest } from '../images/service-requests.js';

export interface PlannedService extends ServiceRequest {
  service: string;
  version: string;
  /** Effective network aliases: derived ones, then the user's, minus those taken earlier. */
  aliases: string[];
}

export interface StartedService extends PlannedService {
  containerId: string;
  containerName: string;
}

/** Assigns aliases in order; returns the services to start and the warnings to print. */
export function planServices(requests: ServiceRequest[]): { services: PlannedService[]; warnings: string[] } {
  const taken = new Set<string>();
  const services: PlannedService[] = [];
  const warnings: string[] = [];
  for (const request of requests) {
    const { service, version, aliases: derived } = splitServiceImage(request.image);
    const aliases: string[] = [];
    for (const alias of [...derived, ...request.userAliases]) {
      if (aliases.includes(alias)) continue;
      if (taken.has(alias)) {
        warnings.push(`Skipping alias "${alias}" for service "${request.image}" (services[${request.index}]): alias is already in use by another service.`);
        continue;
      }
      aliases.push(alias);
    }
    if (aliases.length === 0 && derived.length + request.userAliases.length > 0) continue;
    for (const alias of aliases) taken.add(alias);
    services.push({ ...request, service, version, aliases });
  }
  return { services, warnings };
}

export function serviceImageRequest(service: PlannedService): ImageRequest {
  return { name: service.image, kind: 'service', internal: service.internal, ...(service.pullPolicy ? { pullPolicy: service.pullPolicy } : {}) };
}

export interface ServiceStart {
  client: DockerClient;
  settings: DockerSettings;
  base: string;
  network: NetworkPlan;
  binds: string[];
  /** The job's public variables as `K=V` (services never see masked or protected settings variables). */
  publicEnv: string[];
  labels: (service: PlannedService) => Record<string, string>;
  privileged: (service: PlannedService) => boolean | FallbackHostConfig;
  /** Image reference (id) to run, after the pull policy. */
  imageOf: (service: PlannedService) => string;
  /** Extra binds for one service (volumes its image declares, made per job so they are labelled and removed). */
  extraBinds: (service: PlannedService, position: number) => Promise<string[]>;
  track: (containerId: string) => void;
  /** Doublestar glob match of an image name (pull/allowlist.ts). */
  imageMatches: (image: string, patterns: string[]) => boolean;
}

export async function startService(ctx: ServiceStart, service: PlannedService, position: number): Promise<StartedService> {
  const containerName = serviceContainerName(ctx.base, service.service, position);
  // services_devices maps image globs to devices: only the entries whose glob matches this image apply.
  const devices = Object.entries(ctx.settings.servicesDevices).flatMap(([glob, list]) => (ctx.imageMatches(service.image, [glob]) ? list : []));
  const id = await ctx.client.createContainer(
    serviceContainerSpec({
      name: containerName,
      image: ctx.imageOf(service),
      env: [...ctx.publicEnv, ...service.variables.map(({ key, value }) => `${key}=${value}`)],
      labels: ctx.labels(service),
      binds: [...ctx.binds, ...(await ctx.extraBinds(service, position))],
      network: ctx.network,
      privileged: ctx.privileged(service),
      settings: ctx.settings,
      aliases: service.aliases,
      ...(service.command ? { command: service.command } : {}),
      ...(service.entrypoint ? { entrypoint: service.entrypoint } : {}),
      tmpfs: ctx.settings.servicesTmpfs,
      securityOpt: ctx.settings.servicesSecurityOpt,
      devices,
    }),
  );
  ctx.track(id);
  await ctx.client.startContainer(id);
  return { ...service, containerId: id, containerName };
}

/** Legacy network mode: `alias:ip` host entries for every service (Docker `--link` emulation). */
export async function legacyLinks(client: DockerClient, services: StartedService[]): Promise<string[]> {
  const hosts: string[] = [];
  for (const service of services) {
    const facts = await client.inspectContainer(service.containerId);
    const ip = Object.values(facts?.addresses ?? {}).find((a) => a !== '');
    if (!ip) continue;
    for (const alias of [...service.aliases, service.containerId.slice(0, 12)]) hosts.push(`${alias}:${ip}`);
  }
  return hosts;
}
