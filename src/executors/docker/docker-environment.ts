// One docker job's environment: the build container (created in prepare, started once per stage), its
// services, network and volumes. Files move through the engine's archive API, so nothing is needed in
// the image (no tar, no helper image). Cleanup removes everything except persistent cache volumes.
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { ExecutorError } from '../../errors.js';
import { directoriesArchive, emptyArchive, joinArchives } from '../../platform/archive.js';
import type { JobEnvironment, JobIO, ScriptStep, ShellOptions, StepOutcome } from '../executor.js';
import { engineMessage, statusCodeOf, type DockerClient } from './client.js';
import { privilegedRefusalHint } from './host-privileges.js';
import { runInteractiveShell } from './interactive-shell.js';
import { runStage } from './stage-runner.js';

/** What a job created, in the order cleanup removes it. */
export class JobResources {
  readonly containers: string[] = [];
  readonly volumes: string[] = [];
  networks: string[] = [];
  /** Stops log followers (CI_DEBUG_SERVICES). */
  readonly followers = new AbortController();
  private cleaned: Promise<void> | null = null;

  /** `release` gives the job's concurrency slot back once everything is removed. */
  constructor(
    private readonly client: DockerClient,
    private readonly release: () => void = () => undefined,
  ) {}

  /** Removes containers (in parallel), then temporary volumes, then the network; idempotent. */
  cleanup(): Promise<void> {
    this.cleaned ??= this.removeAll().finally(this.release);
    return this.cleaned;
  }

  private async removeAll(): Promise<void> {
    this.followers.abort();
    const failures: string[] = [];
    const attempt = async (what: string, call: Promise<void>) => {
      try {
        await call;
      } catch (error) {
        failures.push(`${what}: ${engineMessage(error)}`);
      }
    };
    // In parallel, then once more for those that failed: podman refuses to remove a container another
    // one still uses as its network namespace (a health probe), until that one is gone.
    const refused: string[] = [];
    await Promise.all(this.containers.map((id) => this.client.removeContainer(id).catch(() => refused.push(id))));
    await Promise.all(refused.map((id) => attempt(`container ${id.slice(0, 12)}`, this.client.removeContainer(id))));
    await Promise.all(this.volumes.map((name) => attempt(`volume ${name}`, this.client.removeVolume(name))));
    await Promise.all(this.networks.map((name) => attempt(`network ${name}`, this.client.removeNetwork(name))));
    if (failures.length > 0) {
      throw new ExecutorError('DOCKER_CLEANUP', `could not remove everything the job created on ${this.client.address}: ${failures.join('; ')}`, 'run `glci clean` to remove leftovers');
    }
  }
}

export interface DockerEnvironmentSpec {
  client: DockerClient;
  buildContainer: string;
  projectDir: string;
  buildsDir: string;
  tmpDir: string;
  owner: { uid: number; gid: number };
  killGraceMs: number;
  io: JobIO;
  resources: JobResources;
  getSources: (signal: AbortSignal) => Promise<void>;
}

/** `path` (relative to the project, or absolute) as an absolute container path inside the project; null outside. */
function insideProject(projectDir: string, path: string): string | null {
  const absolute = posix.resolve(projectDir, path);
  if (absolute === projectDir || absolute.startsWith(`${projectDir}/`)) return absolute;
  return null;
}

/** What to do when the engine refuses to start the build container. */
export function runFailureHint(message: string): string | undefined {
  if (/unable to apply caps|privileged|operation not permitted/i.test(message)) return privilegedRefusalHint();
  if (/no space left on device/i.test(message)) return 'the engine is out of disk space: `docker system prune` or `glci clean` free some';
  return undefined;
}

export class DockerEnvironment implements JobEnvironment {
  readonly projectDir: string;
  readonly buildsDir: string;
  readonly tmpDir: string;

  constructor(private readonly spec: DockerEnvironmentSpec) {
    this.projectDir = spec.projectDir;
    this.buildsDir = spec.buildsDir;
    this.tmpDir = spec.tmpDir;
  }

  async getSources(signal: AbortSignal): Promise<void> {
    try {
      await this.spec.getSources(signal);
    } catch (error) {
      if (error instanceof ExecutorError) throw error;
      throw new ExecutorError('DOCKER_GET_SOURCES', `cannot put the project into the build container on ${this.spec.client.address}: ${engineMessage(error)}`, undefined, { cause: error });
    }
  }

  async run(step: ScriptStep, signal: AbortSignal): Promise<StepOutcome> {
    try {
      return await runStage({
        client: this.spec.client,
        containerId: this.spec.buildContainer,
        script: step.script,
        onOutput: (chunk) => this.spec.io.output(chunk),
        ...(step.timeoutMs !== undefined ? { timeoutMs: step.timeoutMs } : {}),
        signal,
        killGraceMs: this.spec.killGraceMs,
      });
    } catch (error) {
      if (signal.aborted) return { exitCode: -1, timedOut: false, canceled: true };
      const message = engineMessage(error);
      throw new ExecutorError('DOCKER_RUN', `cannot run the ${step.name} stage in the build container on ${this.spec.client.address}: ${message}`, runFailureHint(message), { cause: error });
    }
  }

  async openShell(options: ShellOptions): Promise<number> {
    const { client, buildContainer, owner, killGraceMs } = this.spec;
    try {
      return await runInteractiveShell({ ...options, client, containerId: buildContainer, projectDir: this.projectDir, tmpDir: this.tmpDir, owner, killGraceMs });
    } catch (error) {
      const message = engineMessage(error);
      throw new ExecutorError('DOCKER_SHELL', `cannot open a shell in the build container on ${client.address}: ${message}`, runFailureHint(message), { cause: error });
    }
  }

  async copyIn(tar: Readable, to: string): Promise<void> {
    const target = posix.isAbsolute(to) ? posix.normalize(to) : posix.join(this.projectDir, to);
    const { client, buildContainer, owner } = this.spec;
    try {
      // The archive API needs the target folder to exist: create it (and its parents) first.
      await client.putArchive(buildContainer, '/', directoriesArchive([target.slice(1)], owner));
      await client.putArchive(buildContainer, target, joinArchives([{ open: async () => tar, rename: (p) => p }], { owner }));
    } catch (error) {
      throw new ExecutorError('DOCKER_COPY_IN', `cannot extract into ${target} in the build container: ${engineMessage(error)}`, undefined, { cause: error });
    }
  }

  async copyOut(paths: string[]): Promise<Readable> {
    const selected: { absolute: string; relative: string }[] = [];
    for (const path of paths) {
      const absolute = insideProject(this.projectDir, path);
      if (absolute === null) throw new ExecutorError('DOCKER_COPY_OUT', `${path} is outside the project directory ${this.projectDir}`);
      const relative = posix.relative(this.projectDir, absolute);
      if (!selected.some((s) => s.relative === relative)) selected.push({ absolute, relative });
    }
    if (selected.length === 0) return emptyArchive();
    const { client, buildContainer } = this.spec;
    return joinArchives(
      selected.map(({ absolute, relative }) => {
        // The engine roots the archive at the path's basename; entries are renamed relative to the project.
        const base = posix.basename(absolute);
        return {
          open: async () => {
            try {
              return await client.getArchive(buildContainer, absolute);
            } catch (error) {
              if (statusCodeOf(error) === 404) return null;
              throw new ExecutorError('DOCKER_COPY_OUT', `cannot read ${absolute} from the build container: ${engineMessage(error)}`, undefined, { cause: error });
            }
          },
          rename: (entry: string) => {
            const rest = entry === base ? '' : entry.startsWith(`${base}/`) ? entry.slice(base.length + 1) : null;
            if (rest === null) return null;
            if (relative === '') return rest;
            return rest === '' ? relative : `${relative}/${rest}`;
          },
        };
      }),
    );
  }

  cleanup(): Promise<void> {
    return this.spec.resources.cleanup();
  }
}
