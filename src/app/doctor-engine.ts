// `glci doctor`'s engine check: which engine the docker executor would use (the same order as
// engine-address.ts), whether it answers, and what it is. dockerode is loaded only here, and only when
// doctor or init run, so `glci list` never pays for it.
import type { DockerClient } from '../executors/docker/client.js';
import { resolveEngineAddress, type EngineAddress } from '../executors/docker/engine-address.js';
import type { DockerSettings } from '../model/runner.js';
import { CHECK, messageOf, type DoctorCheck } from './doctor-check.js';
import { withTimeout } from '../platform/with-timeout.js';

export type Env = Readonly<Record<string, string | undefined>>;
export type EngineInfo = Awaited<ReturnType<DockerClient['info']>>;
export type ClientFactory = (address: EngineAddress) => DockerClient | Promise<DockerClient>;

export interface EngineCheckOptions {
  /** The `[runners.docker]` of the runner doctor looks at (its `host`, `tls_verify`, `tls_cert_path`). */
  docker: DockerSettings | undefined;
  env: Env;
  /** Builds the client (tests); default: the real one, imported lazily. */
  createClient?: ClientFactory;
  /** How long the engine may take to answer (default 5 s). */
  timeoutMs?: number;
}

export interface EngineCheckResult {
  check: DoctorCheck;
  /** The client, when the engine answered. */
  client: DockerClient | null;
  /** The engine is reached through a local socket, so it shares this host's kernel and capabilities. */
  local: boolean;
}

const DEFAULT_TIMEOUT_MS = 5_000;
/** Docker has used year-based versions (17.03 on) since API 1.26; podman's own versions are 1.x to 5.x. */
const FIRST_YEAR_VERSION = 17;

/**
 * `podman` or `docker`: from `/version` Components ("Podman Engine") when the engine lists them; else
 * from the version, since podman reports its own (4.3.1) beside a Docker API version (1.41), which no
 * Docker release since 2017 does.
 */
export function engineKind(info: Pick<EngineInfo, 'serverVersion' | 'operatingSystem'> & { components?: string[] }): 'podman' | 'docker' {
  if (info.components?.some((name) => /podman/i.test(name))) return 'podman';
  if (/podman/i.test(info.operatingSystem)) return 'podman';
  const major = Number.parseInt(info.serverVersion, 10);
  return Number.isInteger(major) && major < FIRST_YEAR_VERSION ? 'podman' : 'docker';
}

/** How to get an engine going: the message for "no engine". */
export function engineStartHint(address: string): string {
  if (address.startsWith('unix://')) {
    return 'start one: `sudo systemctl start docker` (and add yourself to the docker group), start Docker Desktop, or `systemctl --user start podman.socket` and set DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock; or point DOCKER_HOST at a running engine. Jobs without an image still run on the shell executor';
  }
  return `check that the engine at ${address} runs and accepts connections (DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for TLS), or point DOCKER_HOST at another engine`;
}

async function defaultClient(address: EngineAddress): Promise<DockerClient> {
  const { createDockerClient } = await import('../executors/docker/client.js');
  return createDockerClient(address);
}

function resolveAddress(docker: DockerSettings | undefined, env: Env): EngineAddress {
  return resolveEngineAddress({
    env,
    ...(docker?.host ? { host: docker.host } : {}),
    ...(docker?.tlsVerify ? { tlsVerify: docker.tlsVerify } : {}),
    ...(docker?.tlsCertPath ? { tlsCertPath: docker.tlsCertPath } : {}),
  });
}

/** The one-line description of an engine that answered. */
export function describeEngine(info: EngineInfo, address: EngineAddress): DoctorCheck {
  const kind = engineKind(info);
  const product = kind === 'podman' ? 'podman' : 'Docker';
  return {
    name: CHECK.engine,
    status: 'ok',
    summary: `${product} ${info.serverVersion} (API ${info.apiVersion}, ${info.rootless ? 'rootless' : 'rootful'}) at ${address.url} (from ${address.source})`,
    ...(info.operatingSystem ? { detail: [`operating system: ${info.operatingSystem}`] } : {}),
  };
}

function unreachable(url: string, source: string, problem: string): EngineCheckResult {
  return {
    check: { name: CHECK.engine, status: 'fail', summary: `no engine answers at ${url} (from ${source})`, detail: [problem], hint: engineStartHint(url) },
    client: null,
    local: url.startsWith('unix://'),
  };
}

export async function checkEngine(options: EngineCheckOptions): Promise<EngineCheckResult> {
  let address: EngineAddress;
  try {
    address = resolveAddress(options.docker, options.env);
  } catch (error) {
    // An unusable DOCKER_HOST, docker context or TLS folder: no engine can be reached.
    const url = options.docker?.host ?? options.env.DOCKER_HOST ?? 'the Docker engine';
    return unreachable(url, options.docker?.host ? '[runners.docker] host' : 'DOCKER_HOST or the docker context', messageOf(error));
  }
  try {
    const client = await (options.createClient ?? defaultClient)(address);
    const ms = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const info = await withTimeout(client.info(), ms, `no answer within ${ms / 1000} s`);
    return { check: describeEngine(info, address), client, local: address.socketPath !== undefined };
  } catch (error) {
    return unreachable(address.url, address.source, messageOf(error));
  }
}
