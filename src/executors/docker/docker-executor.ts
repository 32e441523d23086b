// The docker executor (runner-behavior.md §1.2): per job, resolve the image, create the per-build
// network and volumes, start and wait for services, create the build container, put the project into
// it as one tar stream, and hand back a JobEnvironment whose stages start that container again and
// again. Everything created carries glci labels and is removed by cleanup (persistent cache volumes
// aside); a failing prepare removes what it created before it throws.
import { ExecutorError } from '../../errors.js';
import { runnerLine, type RunnerLineKind } from '../../log/runner-lines.js';
import type { PlannedJob } from '../../model/plan.js';
import type { DockerSettings, RunnerSettings } from '../../model/runner.js';
import type { Executor, JobEnvironment, JobIO, PrepareOptions } from '../executor.js';
import { createDockerClient, engineMessage, type DockerClient } from './client.js';
import { DockerEnvironment, JobResources } from './docker-environment.js';
import { resolveEngineAddress } from './engine-address.js';
import { JobSetup } from './job-setup.js';
import { withTimeout } from '../../platform/with-timeout.js';

export interface DockerExecutorOptions {
  /** The `[[runners]]` entry (builds_dir, cache_dir, environment, feature flags, name). */
  runner: RunnerSettings;
  docker: DockerSettings;
  /** The host environment (DOCKER_HOST, HOME, DOCKER_CONFIG, PATH). */
  env: Readonly<Record<string, string | undefined>>;
  /** The engine client; default: one for the engine the settings and env name. */
  client?: DockerClient;
  /** Time between SIGTERM and SIGKILL when a step times out or is canceled (default 5 s). */
  killGraceMs?: number;
}

export type EngineProbe = { ok: true; address: string; version: string } | { ok: false; address: string; reason: string };

const DEFAULT_KILL_GRACE_MS = 5000;

/** Engines that answered a probe in this process: an executor for one of them needs no second round trip. */
const answered = new Set<string>();
const PROBE_TIMEOUT_MS = 2000;

function clientFor(docker: DockerSettings | undefined, env: Readonly<Record<string, string | undefined>>): DockerClient {
  return createDockerClient(
    resolveEngineAddress({
      env,
      ...(docker?.host ? { host: docker.host } : {}),
      ...(docker?.tlsVerify ? { tlsVerify: docker.tlsVerify } : {}),
      ...(docker?.tlsCertPath ? { tlsCertPath: docker.tlsCertPath } : {}),
    }),
  );
}

/** Whether the engine the settings name answers (a missing socket fails at once, TCP within 2 s). */
export async function probeDockerEngine(docker: DockerSettings | undefined, env: Readonly<Record<string, string | undefined>>): Promise<EngineProbe> {
  let client: DockerClient;
  try {
    client = clientFor(docker, env);
  } catch (error) {
    return { ok: false, address: docker?.host ?? env.DOCKER_HOST ?? 'unix:///var/run/docker.sock', reason: engineMessage(error) };
  }
  try {
    const info = await withTimeout(client.info(), PROBE_TIMEOUT_MS, `no answer within ${PROBE_TIMEOUT_MS / 1000} s`);
    answered.add(client.address);
    return { ok: true, address: client.address, version: info.serverVersion };
  } catch (error) {
    return { ok: false, address: client.address, reason: engineMessage(error) };
  }
}

/** How to get an engine going, for the "does not answer" error. */
function startHint(address: string): string {
  if (address.startsWith('unix://')) {
    return 'start the Docker engine (`sudo systemctl start docker`, or Docker Desktop), point DOCKER_HOST at a running engine or podman socket, or run with --executor shell';
  }
  return `check that the engine at ${address} runs and accepts connections (DOCKER_TLS_VERIFY/DOCKER_CERT_PATH for TLS), or run with --executor shell`;
}

/**
 * GitLab Runner's concurrency slot (`cc`, runner-behavior.md §1.5): the lowest number no running job of
 * this runner holds. Cache volumes are per slot, so two jobs running side by side never share one
 * (two dind jobs would overwrite each other's /certs/client).
 */
function slotAllocator(): { acquire(): number; release(slot: number): void } {
  const taken = new Set<number>();
  return {
    acquire() {
      let slot = 0;
      while (taken.has(slot)) slot++;
      taken.add(slot);
      return slot;
    },
    release: (slot) => void taken.delete(slot),
  };
}

export function createDockerExecutor(options: DockerExecutorOptions): Executor {
  const slots = slotAllocator();
  let client: DockerClient | undefined = options.client;
  let connected: Promise<void> | undefined;
  const connect = (c: DockerClient) => {
    if (answered.has(c.address) && options.client === undefined) return Promise.resolve();
    connected ??= c.info().then(
      () => undefined,
      (error: unknown) => {
        connected = undefined;
        throw new ExecutorError('DOCKER_UNREACHABLE', `the Docker engine at ${c.address} does not answer: ${engineMessage(error)}`, startHint(c.address), { cause: error });
      },
    );
    return connected;
  };
  return {
    name: 'docker',
    async prepare(job: PlannedJob, prepareOptions: PrepareOptions, io: JobIO, signal: AbortSignal): Promise<JobEnvironment> {
      client ??= clientFor(options.docker, options.env);
      await connect(client);
      const log = (kind: RunnerLineKind, message: string) => io.output(Buffer.from(runnerLine(kind, message)));
      const slot = slots.acquire();
      const resources = new JobResources(client, () => slots.release(slot));
      const setup = new JobSetup({ client, job, prepare: prepareOptions, io, log, signal, resources, runner: options.runner, docker: options.docker, env: options.env, slot });
      try {
        const ready = await setup.run();
        return new DockerEnvironment({ ...ready, client, killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS, io, resources });
      } catch (error) {
        await resources.cleanup().catch(() => undefined);
        if (signal.aborted) throw new ExecutorError('DOCKER_PREPARE_CANCELED', 'preparation of the docker environment was canceled');
        if (error instanceof ExecutorError) throw error;
        throw new ExecutorError('DOCKER_PREPARE', `cannot prepare the docker environment on ${client.address}: ${engineMessage(error)}`, undefined, { cause: error });
      }
    },
  };
}
