// The Docker engine as seen by the maintenance commands (`glci clean`, `glci cache ...`): an engine
// that does not answer is a normal situation there (the user may only use the shell executor), so it
// is reported as data, not thrown. dockerode is loaded only here, and only when a command needs it,
// so `glci list` never pays for it (DESIGN.md habit 10).
import type { DockerClient } from '../executors/docker/client.js';
import { resolveEngineAddress } from '../executors/docker/engine-address.js';
import { withTimeout } from '../platform/with-timeout.js';

export interface EngineConnection {
  /** Where glci looked for the engine (`unix:///var/run/docker.sock`, `tcp://host:2376`). */
  address: string;
  /** The client, or null when the engine did not answer. */
  client: DockerClient | null;
  /** Why the engine could not be used; null when it answered. */
  problem: string | null;
}

/** What a command reports about the engine (the JSON shape of `EngineConnection`). */
export interface EngineStatus {
  address: string;
  reachable: boolean;
  problem: string | null;
}

export interface ConnectOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** A client to use instead of connecting (tests, or a caller that already has one). */
  client?: DockerClient;
  /** How long the engine may take to answer its first call. */
  probeTimeoutMs?: number;
}

const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Connects to the engine DOCKER_HOST / the docker context / the default socket names, and probes it. */
export async function connectEngine(options: ConnectOptions): Promise<EngineConnection> {
  if (options.client) return { address: options.client.address, client: options.client, problem: null };
  let address: string;
  let client: DockerClient;
  try {
    const resolved = resolveEngineAddress({ env: options.env });
    address = resolved.url;
    const { createDockerClient } = await import('../executors/docker/client.js');
    client = createDockerClient(resolved);
  } catch (error) {
    // An unusable DOCKER_HOST or docker context: the engine cannot be reached, the rest still works.
    return { address: options.env.DOCKER_HOST ?? 'the Docker engine', client: null, problem: messageOf(error) };
  }
  try {
    const ms = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    await withTimeout(client.info(), ms, `the engine at ${address} did not answer within ${ms / 1000} s`);
    return { address, client, problem: null };
  } catch (error) {
    return { address, client: null, problem: messageOf(error) };
  }
}

export function engineStatus(connection: EngineConnection): EngineStatus {
  return { address: connection.address, reachable: connection.client !== null, problem: connection.problem };
}

/** The one stderr line for an engine that did not answer (not an error for these commands). */
export function unreachableNotice(status: EngineStatus): string | null {
  if (status.reachable) return null;
  return `note: the Docker engine at ${status.address} was not reachable (${status.problem ?? 'no answer'}); only the state directory was looked at`;
}

/**
 * Whether process `pid` exists on this host. EPERM means it exists but belongs to another user, which
 * counts as alive: clean-up must never take what a live run still uses.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
