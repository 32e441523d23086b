// The engine half of `glci doctor`, loaded only when doctor runs (it pulls in dockerode): connect,
// then the privilege and Docker-in-Docker checks with throw-away containers of local images.
import type { DockerClient } from '../executors/docker/client.js';
import type { FallbackHostConfig } from '../executors/docker/privileged-fallback.js';
import { hostFallbackConfig } from '../executors/docker/host-privileges.js';
import type { DockerSettings, RunnerConfig } from '../model/runner.js';
import { CHECK, type DoctorCheck } from './doctor-check.js';
import { COMMON_IMAGES, firstLocalImage } from './doctor-containers.js';
import { checkDind } from './doctor-dind.js';
import { checkEngine, type ClientFactory, type Env } from './doctor-engine.js';
import { checkPrivileges, privilegedWanted } from './doctor-privileged.js';

export interface DoctorOptions {
  /** Project directory (default: the process's). */
  cwd?: string;
  /** `--config PATH`, relative to the process's directory. */
  configPath?: string;
  stateDir?: string;
  /** Image for the privilege test containers (default: the config's default image, else busybox or alpine if present). */
  image?: string;
  /** Image for the Docker-in-Docker check (default docker:24.0.5-dind). */
  dindImage?: string;
  env: Env;
  /** Default: this process's. */
  nodeVersion?: string;
  /** Tests: a fake engine, or a factory for one. */
  createClient?: ClientFactory;
  /** Default: what the docker executor would use on this host. */
  fallback?: FallbackHostConfig;
  dindTimeoutMs?: number;
}

/** The runner whose engine doctor examines: the first docker runner, else the first runner. */
function examinedDocker(config: RunnerConfig): DockerSettings | undefined {
  return (config.runners.find((r) => r.executor === 'docker') ?? config.runners[0])?.docker;
}

/** The config's default images, then common small ones: doctor never pulls, so only local ones count. */
function imageCandidates(config: RunnerConfig): string[] {
  const configured = config.runners.map((r) => r.docker?.image).filter((i): i is string => i !== undefined && i !== '' && !i.includes('$'));
  return [...configured, ...COMMON_IMAGES];
}

async function testImage(client: DockerClient, options: DoctorOptions, config: RunnerConfig): Promise<{ image: string | null; reason: string }> {
  if (options.image) {
    const present = await firstLocalImage(client, [options.image]);
    return { image: present, reason: `${options.image} is not present locally (pull it, or pass another --image)` };
  }
  return { image: await firstLocalImage(client, imageCandidates(config)), reason: 'no local image to test with (pass --image)' };
}

/** Engine, privileged, fallback and Docker-in-Docker, in that order; skipped lines without an engine. */
export async function engineChecks(options: DoctorOptions & { dindImage: string }, config: RunnerConfig): Promise<DoctorCheck[]> {
  const engine = await checkEngine({ docker: examinedDocker(config), env: options.env, ...(options.createClient ? { createClient: options.createClient } : {}) });
  const { client } = engine;
  if (!client) {
    const skip = (name: string): DoctorCheck => ({ name, status: 'skip', summary: 'skipped: no engine' });
    return [engine.check, skip(CHECK.privileged), skip(CHECK.fallback), skip(CHECK.dind)];
  }
  const { image, reason } = await testImage(client, options, config);
  const privileges = await checkPrivileges({
    client, image, noImageReason: reason, fallback: options.fallback ?? hostFallbackConfig(), isLocalEngine: engine.local, config,
  });
  const dind = await checkDind({
    client,
    working: privileges.working,
    notWorkingReason: image ? 'neither privileged nor fallback containers start here' : 'the privilege checks did not run',
    image: options.dindImage,
    failureStatus: privilegedWanted(config) ? 'fail' : 'warn',
    ...(options.dindTimeoutMs ? { timeoutMs: options.dindTimeoutMs } : {}),
  });
  return [engine.check, ...privileges.checks, dind];
}
