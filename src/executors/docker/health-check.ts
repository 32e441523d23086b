// Waiting for services, as GitLab Runner's health check (runner-behavior.md §2.5): probe only the
// HEALTHCHECK_TCP_PORT port when set, else the lowest 20 exposed TCP ports; one listening port is
// enough; give up after the timeout with the `*** WARNING: Service ... probably didn't start properly`
// block and the service's own log; never fail the job.
//
// GitLab dials the service from a helper-image container. glci has no helper image and cannot dial
// container addresses from the host everywhere (Docker Desktop, rootless engines and podman machines
// keep them unreachable), so the probe is a short-lived container of the job's own image that joins
// the service's network namespace (`container:<id>`) and reads /proc/net/tcp[6] with shell builtins
// for a listening socket on one of the ports: it needs only the `sh` every job image already has.
import { setTimeout as delay } from 'node:timers/promises';
import type { ContainerFacts, DockerClient } from './client.js';
import { engineMessage } from './client.js';

const YELLOW = '\x1b[0;33m';
const RESET = '\x1b[0;m';
const MAX_PORTS = 20;
const SERVICE_LOG_LIMIT = 64 * 1024;

export interface ServiceToCheck {
  containerId: string;
  containerName: string;
}

export interface HealthCheckContext {
  client: DockerClient;
  /** The job image (already present), used for the probe container. */
  probeImage: string;
  probeName: (service: ServiceToCheck) => string;
  labels: (service: ServiceToCheck) => Record<string, string>;
  /** Probe containers are recorded here so cleanup removes them even after a crash. */
  track: (containerId: string) => void;
  write: (text: string) => void;
}

/** The ports to probe: HEALTHCHECK_TCP_PORT (any case) alone, else the lowest 20 exposed TCP ports. */
export function portsToProbe(facts: Pick<ContainerFacts, 'env' | 'exposedPorts'>): number[] {
  const explicit = facts.env.findLast((entry) => entry.slice(0, entry.indexOf('=')).toUpperCase() === 'HEALTHCHECK_TCP_PORT');
  if (explicit !== undefined) {
    const port = Number(explicit.slice(explicit.indexOf('=') + 1));
    return Number.isInteger(port) && port > 0 ? [port] : [];
  }
  const ports = facts.exposedPorts.filter((p) => p.endsWith('/tcp') || !p.includes('/')).map((p) => Number.parseInt(p, 10));
  return [...new Set(ports.filter((p) => Number.isInteger(p) && p > 0))].sort((a, b) => a - b).slice(0, MAX_PORTS);
}

/** A POSIX sh loop (builtins only, plus an optional `sleep`) that exits 0 once a port listens. */
export function probeScript(ports: number[]): string {
  const hex = ports.map((p) => p.toString(16).toUpperCase().padStart(4, '0')).join(' ');
  return [
    `ports="${hex}"`,
    'while :; do',
    '  for f in /proc/net/tcp /proc/net/tcp6; do',
    '    [ -r "$f" ] || continue',
    '    while read -r _ local _ state _; do',
    '      [ "$state" = 0A ] || continue',
    '      for p in $ports; do [ "${local##*:}" = "$p" ] && { echo "port 0x$p is listening"; exit 0; }; done',
    '    done < "$f"',
    '  done',
    '  sleep 0.2 2>/dev/null || sleep 1 2>/dev/null || :',
    'done',
  ].join('\n');
}

/** Waits for every service in parallel; writes a warning block for each one that did not come up. */
export async function waitForServices(ctx: HealthCheckContext, services: ServiceToCheck[], timeoutSeconds: number, signal: AbortSignal): Promise<void> {
  await Promise.all(services.map((service) => checkOne(ctx, service, timeoutSeconds, signal)));
}

async function checkOne(ctx: HealthCheckContext, service: ServiceToCheck, timeoutSeconds: number, signal: AbortSignal): Promise<void> {
  const facts = await ctx.client.inspectContainer(service.containerId);
  if (!facts) return warn(ctx, service, 'service container is gone', '');
  const ports = portsToProbe(facts);
  if (ports.length === 0) return warn(ctx, service, `service "${service.containerName}" has no exposed ports`, '');
  if (!facts.running) return warn(ctx, service, `service container exited with code ${facts.exitCode}`, '');
  let probeId: string | undefined;
  try {
    probeId = await ctx.client.createContainer({
      name: ctx.probeName(service),
      Image: ctx.probeImage,
      Entrypoint: ['sh', '-c', probeScript(ports)],
      Labels: ctx.labels(service),
      HostConfig: { NetworkMode: `container:${service.containerId}` },
    });
    ctx.track(probeId);
    await ctx.client.startContainer(probeId);
  } catch (error) {
    // A probe that never started still names the service as its network namespace: podman refuses to
    // remove the service while it exists, so it goes now rather than in the parallel cleanup.
    if (probeId !== undefined) await ctx.client.removeContainer(probeId).catch(() => undefined);
    return warn(ctx, service, `cannot start the health check: ${engineMessage(error)}`, '');
  }
  const error = await watchProbe(ctx.client, probeId, service, timeoutSeconds * 1000, signal);
  const probeLog = error ? (await ctx.client.logs(probeId, { timestamps: true, limitBytes: SERVICE_LOG_LIMIT }).catch(() => Buffer.alloc(0))).toString('utf8') : '';
  await ctx.client.removeContainer(probeId).catch(() => undefined);
  if (error && !signal.aborted) await warn(ctx, service, error, probeLog);
}

/** Null when a port listens in time; otherwise why not (timeout, the service exited, the probe failed). */
async function watchProbe(client: DockerClient, probeId: string, service: ServiceToCheck, timeoutMs: number, signal: AbortSignal): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  while (!signal.aborted) {
    const [probe, target] = await Promise.all([client.inspectContainer(probeId), client.inspectContainer(service.containerId)]);
    if (probe && !probe.running && probe.status !== 'created') return probe.exitCode === 0 ? null : `health check exited with code ${probe.exitCode}`;
    if (!target || !target.running) return `service container exited with code ${target?.exitCode ?? -1}`;
    if (Date.now() >= deadline) {
      await client.stopContainer(probeId, 1).catch(() => undefined);
      return `service "${service.containerName}-wait-for-service" timeout`;
    }
    await delay(100);
  }
  return 'canceled';
}

async function warn(ctx: HealthCheckContext, service: ServiceToCheck, error: string, probeLog: string): Promise<void> {
  const serviceLog = (await ctx.client.logs(service.containerId, { timestamps: true, limitBytes: SERVICE_LOG_LIMIT }).catch(() => Buffer.alloc(0))).toString('utf8');
  ctx.write(
    [
      '',
      `${YELLOW}*** WARNING:${RESET} Service ${service.containerName} probably didn't start properly.`,
      '',
      'Health check error:',
      error,
      '',
      'Health check container logs:',
      probeLog.trimEnd(),
      '',
      'Service container logs:',
      serviceLog.trimEnd(),
      '',
      `${YELLOW}*********${RESET}`,
      '',
      '',
    ].join('\n'),
  );
}
