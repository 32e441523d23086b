// The one module that imports dockerode (DESIGN.md): a narrow client with exactly the engine calls the
// docker executor makes. Everything else in executors/docker/ talks to `DockerClient`, so tests of the
// pure parts never need an engine, and every engine error can name the engine it came from.
import type { Duplex, Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import type { EngineAddress } from './engine-address.js';
import type { RegistryAuth } from '../images/registry-auth.js';

export type { RegistryAuth };

/** What the executor needs to know about an image. */
export interface ImageFacts {
  id: string;
  repoDigests: string[];
  /** `Config.ExposedPorts` keys, e.g. `5432/tcp`. */
  exposedPorts: string[];
  /** `Config.Volumes` keys: paths the image declares as volumes (`VOLUME /var/lib/docker`). */
  volumes: string[];
  env: string[];
  user: string;
  entrypoint: string[] | null;
  cmd: string[] | null;
}

/** One line of `docker pull` progress (one per layer and status change). */
export interface PullProgress {
  id?: string;
  status: string;
  progress?: string;
}

/** Credentials sent with a pull (`X-Registry-Auth`). */

export interface ContainerFacts {
  id: string;
  name: string;
  running: boolean;
  status: string;
  exitCode: number;
  /** IPv4 address per attached network. */
  addresses: Record<string, string>;
  env: string[];
  exposedPorts: string[];
}

export interface ResourceSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
}

/** The attached standard streams of a container, ready for `start`. */
export interface Attachment {
  /** Write the script here, then end it (half-close) so the shell sees EOF. */
  stdin: Duplex;
  /** Demultiplexed output, stdout and stderr in the order the engine framed them. */
  output: Readable;
}

export type ContainerSpec = Docker.ContainerCreateOptions;

/** A process to run in a running container on a TTY of its own, all three streams attached (the debug shell). */
export interface ExecSpec {
  cmd: string[];
  /** `KEY=value` entries added to the container's environment. */
  env: string[];
  workingDir: string;
}

export interface ExecFacts {
  running: boolean;
  /** Null while it runs. */
  exitCode: number | null;
}

export interface DockerClient {
  /** Where this client talks to, for messages (`unix:///var/run/docker.sock`, `tcp://host:2376`). */
  readonly address: string;
  /** The engine's version and kind; throws when it does not answer. */
  info(): Promise<{ serverVersion: string; operatingSystem: string; apiVersion: string; rootless: boolean; components: string[] }>;
  inspectImage(reference: string): Promise<ImageFacts | null>;
  pullImage(reference: string, auth: RegistryAuth | undefined, onProgress: (p: PullProgress) => void, platform?: string): Promise<void>;
  createNetwork(name: string, labels: Record<string, string>): Promise<string>;
  removeNetwork(nameOrId: string): Promise<void>;
  createVolume(name: string, labels: Record<string, string>): Promise<void>;
  volumeExists(name: string): Promise<boolean>;
  removeVolume(name: string): Promise<void>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  attachContainer(id: string): Promise<Attachment>;
  /** Waits for the container to stop and returns its exit status. */
  waitContainer(id: string): Promise<number>;
  /** SIGTERM, then SIGKILL after `graceSeconds` (a stopped container is not an error). */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Force-removes the container and its anonymous volumes; a missing container is not an error. */
  removeContainer(id: string): Promise<void>;
  inspectContainer(id: string): Promise<ContainerFacts | null>;
  putArchive(id: string, path: string, tar: Readable): Promise<void>;
  getArchive(id: string, path: string): Promise<Readable>;
  /** Past logs (stdout and stderr interleaved), optionally with timestamps; at most `limitBytes`. */
  logs(id: string, options: { timestamps: boolean; limitBytes: number }): Promise<Buffer>;
  /** Follows a container's logs until it stops or `signal` aborts. */
  followLogs(id: string, onChunk: (chunk: Buffer) => void, signal: AbortSignal): Promise<void>;
  listContainers(labelFilters: string[]): Promise<ResourceSummary[]>;
  listNetworks(labelFilters: string[]): Promise<ResourceSummary[]>;
  listVolumes(labelFilters: string[]): Promise<ResourceSummary[]>;
  /** Creates an exec in a running container, with a TTY; returns its id. */
  execCreate(containerId: string, spec: ExecSpec): Promise<string>;
  /** Starts it; the hijacked connection carries raw terminal bytes both ways (a TTY is not multiplexed). */
  execStart(execId: string): Promise<Duplex>;
  /** Sets the size of its TTY (fails until the process has started). */
  execResize(execId: string, size: { rows: number; columns: number }): Promise<void>;
  execInspect(execId: string): Promise<ExecFacts>;
}

interface EngineErrorShape {
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

/** The engine's own message for an API error (dockerode wraps it as `(HTTP code 404) ... - <message>`). */
export function engineMessage(error: unknown): string {
  const e = error as EngineErrorShape;
  const fromJson = e?.json && typeof e.json === 'object' ? e.json.message : undefined;
  return (fromJson ?? e?.message ?? String(error)).trim();
}

export function statusCodeOf(error: unknown): number | undefined {
  return (error as EngineErrorShape)?.statusCode;
}

async function orNullOn404<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (statusCodeOf(error) === 404) return null;
    throw error;
  }
}

async function ignoring(codes: number[], call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    const code = statusCodeOf(error);
    if (code === undefined || !codes.includes(code)) throw error;
  }
}

function summaries<T extends { Id?: string; Name?: string; Names?: string[]; Labels?: Record<string, string> | null }>(items: T[]): ResourceSummary[] {
  return items.map((item) => ({
    id: item.Id ?? item.Name ?? '',
    name: item.Name ?? item.Names?.[0]?.replace(/^\//, '') ?? item.Id ?? '',
    labels: item.Labels ?? {},
  }));
}

function modemOptions(address: EngineAddress): Docker.DockerOptions {
  if (address.socketPath) return { socketPath: address.socketPath };
  return {
    host: address.host,
    port: address.port,
    protocol: address.tls ? 'https' : 'http',
    ...(address.tls ? { ca: address.tls.ca, cert: address.tls.cert, key: address.tls.key } : {}),
  };
}

/** A client for the engine at `address` (see engine-address.ts for how it is chosen). */
export function createDockerClient(address: EngineAddress): DockerClient {
  const docker = new Docker(modemOptions(address));
  return { address: address.url, ...engineCalls(docker), ...imageCalls(docker), ...resourceCalls(docker), ...containerCalls(docker), ...archiveAndLogCalls(docker), ...execCalls(docker) };
}

function engineCalls(docker: Docker): Pick<DockerClient, 'info'> {
  return {
    async info() {
      const [info, version] = await Promise.all([docker.info() as Promise<Record<string, unknown>>, docker.version()]);
      const security = (info.SecurityOptions as string[] | undefined) ?? [];
      return {
        serverVersion: String(info.ServerVersion ?? version.Version),
        operatingSystem: String(info.OperatingSystem ?? ''),
        apiVersion: version.ApiVersion,
        rootless: security.some((s) => s.includes('rootless')),
        // `/version` Components name the engine: "Engine" for Docker, "Podman Engine" for podman.
        components: ((version as { Components?: { Name?: string }[] }).Components ?? []).map((c) => c.Name ?? '').filter((n) => n !== ''),
      };
    },
  };
}

function imageCalls(docker: Docker): Pick<DockerClient, 'inspectImage' | 'pullImage'> {
  return {
    async inspectImage(reference) {
      const image = await orNullOn404(docker.getImage(reference).inspect());
      if (!image) return null;
      const config = image.Config ?? {};
      return {
        id: image.Id,
        repoDigests: image.RepoDigests ?? [],
        exposedPorts: Object.keys(config.ExposedPorts ?? {}),
        volumes: Object.keys((config as { Volumes?: Record<string, unknown> | null }).Volumes ?? {}),
        env: config.Env ?? [],
        user: config.User ?? '',
        entrypoint: (config.Entrypoint as string[] | null | undefined) ?? null,
        cmd: (config.Cmd as string[] | null | undefined) ?? null,
      };
    },
    async pullImage(reference, auth, onProgress, platform) {
      const stream = (await docker.pull(reference, { ...(auth ? { authconfig: auth } : {}), ...(platform ? { platform } : {}) })) as Readable;
      // An error inside the stream (a broken blob, a full disk) arrives as an event, not as a failed request.
      let streamError: string | undefined;
      await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(
          stream,
          (error: Error | null) => {
            if (error) reject(error);
            else if (streamError !== undefined) reject(Object.assign(new Error(streamError), { statusCode: 500 }));
            else resolve();
          },
          (event: { id?: string; status?: string; progress?: string; error?: string }) => {
            if (event.error) {
              streamError ??= event.error;
              return;
            }
            onProgress({ status: event.status ?? '', ...(event.id ? { id: event.id } : {}), ...(event.progress ? { progress: event.progress } : {}) });
          },
        );
      });
    },
  };
}

type ResourceCall = 'createNetwork' | 'removeNetwork' | 'createVolume' | 'volumeExists' | 'removeVolume' | 'listContainers' | 'listNetworks' | 'listVolumes';

function resourceCalls(docker: Docker): Pick<DockerClient, ResourceCall> {
  return {
    async createNetwork(name, labels) {
      const network = await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true });
      return network.id;
    },
    removeNetwork: (nameOrId) => ignoring([404], docker.getNetwork(nameOrId).remove()),
    async createVolume(name, labels) {
      await docker.createVolume({ Name: name, Labels: labels });
    },
    volumeExists: async (name) => (await orNullOn404(docker.getVolume(name).inspect())) !== null,
    removeVolume: (name) => ignoring([404], docker.getVolume(name).remove()),
    listContainers: async (labels) => summaries(await docker.listContainers({ all: true, filters: { label: labels } })),
    listNetworks: async (labels) => summaries(await docker.listNetworks({ filters: { label: labels } })),
    listVolumes: async (labels) => summaries((await docker.listVolumes({ filters: { label: labels } })).Volumes ?? []),
  };
}

type ContainerCall = 'createContainer' | 'startContainer' | 'attachContainer' | 'waitContainer' | 'stopContainer' | 'removeContainer' | 'inspectContainer';

function containerCalls(docker: Docker): Pick<DockerClient, ContainerCall> {
  const container = (id: string) => docker.getContainer(id);
  return {
    createContainer: async (spec) => (await docker.createContainer(spec)).id,
    startContainer: (id) => ignoring([304], container(id).start()),
    async attachContainer(id) {
      // No request body: podman hands the body of the hijacked attach request to the container's stdin
      // (Docker drops it), and dockerode's attach() sends its options as a JSON body.
      const stream = await new Promise<Duplex>((resolve, reject) => {
        docker.modem.dial(
          {
            path: `/containers/${id}/attach?`,
            method: 'POST',
            isStream: true,
            hijack: true,
            openStdin: true,
            file: Buffer.alloc(0),
            statusCodes: { 101: true, 200: true, 404: 'no such container', 500: 'server error' },
            options: { stream: true, stdin: true, stdout: true, stderr: true },
          },
          (error: Error | null, result?: unknown) => (error ? reject(error) : resolve(result as Duplex)),
        );
      });
      const output = new PassThrough();
      // One PassThrough for both streams keeps their order as the engine framed it.
      docker.modem.demuxStream(stream, output, output);
      stream.on('end', () => output.end());
      stream.on('close', () => output.end());
      stream.on('error', (error) => output.destroy(error));
      return { stdin: stream, output };
    },
    async waitContainer(id) {
      const result = (await container(id).wait()) as { StatusCode?: number };
      return result.StatusCode ?? -1;
    },
    stopContainer: (id, graceSeconds) => ignoring([304, 404], container(id).stop({ t: graceSeconds })),
    removeContainer: (id) => ignoring([404], container(id).remove({ force: true, v: true })),
    async inspectContainer(id) {
      const info = await orNullOn404(container(id).inspect());
      if (!info) return null;
      const networks = info.NetworkSettings?.Networks ?? {};
      return {
        id: info.Id,
        name: info.Name.replace(/^\//, ''),
        running: info.State.Running,
        status: info.State.Status,
        exitCode: info.State.ExitCode,
        addresses: Object.fromEntries(Object.entries(networks).map(([name, n]) => [name, n.IPAddress])),
        env: info.Config.Env ?? [],
        exposedPorts: Object.keys(info.Config.ExposedPorts ?? {}),
      };
    },
  };
}

function archiveAndLogCalls(docker: Docker): Pick<DockerClient, 'putArchive' | 'getArchive' | 'logs' | 'followLogs'> {
  const container = (id: string) => docker.getContainer(id);
  return {
    async putArchive(id, path, tar) {
      await container(id).putArchive(tar, { path });
    },
    getArchive: async (id, path) => (await container(id).getArchive({ path })) as Readable,
    async logs(id, options) {
      const raw = (await container(id).logs({ stdout: true, stderr: true, timestamps: options.timestamps, follow: false })) as unknown as Buffer;
      const text = demuxBuffer(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
      return text.length > options.limitBytes ? text.subarray(text.length - options.limitBytes) : text;
    },
    async followLogs(id, onChunk, signal) {
      const stream = (await container(id).logs({ stdout: true, stderr: true, follow: true, abortSignal: signal })) as unknown as Readable;
      const output = new PassThrough();
      output.on('data', (chunk: Buffer) => onChunk(chunk));
      docker.modem.demuxStream(stream, output, output);
      await new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', () => resolve());
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    },
  };
}

function execCalls(docker: Docker): Pick<DockerClient, 'execCreate' | 'execStart' | 'execResize' | 'execInspect'> {
  return {
    async execCreate(containerId, spec) {
      const exec = await docker.getContainer(containerId).exec({
        Cmd: spec.cmd,
        Env: spec.env,
        WorkingDir: spec.workingDir,
        Tty: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
      });
      return exec.id;
    },
    // `hijack` + `stdin`: the connection is upgraded and stays open for the user's keystrokes.
    execStart: async (execId) => (await docker.getExec(execId).start({ hijack: true, stdin: true, Detach: false, Tty: true })) as Duplex,
    async execResize(execId, size) {
      await docker.getExec(execId).resize({ h: size.rows, w: size.columns });
    },
    async execInspect(execId) {
      const info = await docker.getExec(execId).inspect();
      return { running: info.Running, exitCode: info.Running ? null : (info.ExitCode ?? null) };
    },
  };
}

/** Splits the engine's multiplexed log frames (8-byte headers) into one buffer, in order. */
function demuxBuffer(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const kind = raw[offset];
    const size = raw.readUInt32BE(offset + 4);
    if (kind === undefined || kind > 2 || raw[offset + 1] !== 0 || offset + 8 + size > raw.length) return raw; // a TTY log: not framed
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts);
}
