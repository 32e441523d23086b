// Throw-away containers for `glci doctor` and `glci init`: can this engine start a privileged
// container, and if not, the privileged fallback? Each carries glci's labels with this process's pid,
// so `glci clean` removes one a crash left behind; each is removed (with its anonymous volumes) here.
import { randomBytes } from 'node:crypto';
import type { ContainerSpec, DockerClient } from '../executors/docker/client.js';
import { engineMessage } from '../executors/docker/client.js';
import { LABELS } from '../executors/docker/labels.js';
import { engineSecurityOptions, type FallbackHostConfig } from '../executors/docker/privileged-fallback.js';
import { withTimeout } from '../platform/with-timeout.js';

export type HostConfig = NonNullable<ContainerSpec['HostConfig']>;

export type Trial = { ok: true } | { ok: false; message: string };

const TRIAL_TIMEOUT_MS = 30_000;

/** Images tried, after the ones the config names, when doctor is given no --image: small, with `sh`. */
export const COMMON_IMAGES: readonly string[] = ['busybox:latest', 'alpine:latest'];

/** A name that says who made it, unique per call. */
export function doctorContainerName(purpose: string): string {
  return `glci-doctor-${purpose}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function doctorLabels(purpose: string): Record<string, string> {
  return { [LABELS.managed]: 'true', [LABELS.type]: `doctor-${purpose}`, [LABELS.pid]: String(process.pid) };
}

/** The first of `candidates` present in the engine's image store (doctor never pulls). */
export async function firstLocalImage(client: DockerClient, candidates: readonly string[]): Promise<string | null> {
  for (const reference of new Set(candidates)) {
    if (await client.inspectImage(reference).catch(() => null)) return reference;
  }
  return null;
}

/**
 * Creates, starts and waits for `sh -c 'exit 0'` in `image` with `hostConfig`; ok when it exits 0.
 * The engine refuses privileges at start (runc applies capabilities then), so its message is the answer.
 */
export async function tryContainer(client: DockerClient, image: string, hostConfig: HostConfig, purpose: string): Promise<Trial> {
  let id: string | undefined;
  try {
    const run = async (): Promise<Trial> => {
      id = await client.createContainer({
        name: doctorContainerName(purpose),
        Image: image,
        Entrypoint: ['sh', '-c'],
        Cmd: ['exit 0'],
        Labels: doctorLabels(purpose),
        // No network: the question is privileges, and a network would only add time.
        HostConfig: { NetworkMode: 'none', ...hostConfig },
      });
      await client.startContainer(id);
      const status = await client.waitContainer(id);
      return status === 0 ? { ok: true } : { ok: false, message: `sh -c 'exit 0' exited with status ${status} in ${image}` };
    };
    return await withTimeout(run(), TRIAL_TIMEOUT_MS, `a test container of ${image} did not finish within ${TRIAL_TIMEOUT_MS / 1000} s`);
  } catch (error) {
    return { ok: false, message: engineMessage(error) };
  } finally {
    if (id) await client.removeContainer(id).catch(() => undefined);
  }
}

/** The fallback set as the engine takes it in HostConfig. */
export function fallbackAsHostConfig(fallback: FallbackHostConfig): HostConfig {
  return { CapAdd: fallback.CapAdd, CapDrop: fallback.CapDrop, Binds: fallback.Binds, ...engineSecurityOptions(fallback.SecurityOpt) };
}

/** One line naming what the fallback grants, for messages. */
export function describeFallback(fallback: FallbackHostConfig): string {
  const drop = fallback.CapDrop.length > 0 ? `all capabilities but ${fallback.CapDrop.join(', ')}` : 'all capabilities';
  return `${drop}; ${fallback.SecurityOpt.join(', ')}; ${fallback.Binds.join(', ')}`;
}

export type PrivilegeProbe =
  | { privileged: 'allowed' }
  /** `tried`: a container was started and refused; else inferred from this host's bounding set. */
  | { privileged: 'refused'; message: string; tried: boolean }
  | { privileged: 'unknown'; reason: string };

/**
 * Whether the engine starts privileged containers, shared by doctor and init. Without a local image
 * to test with, a local engine is judged by this host's bounding set: runc refuses `privileged`
 * whenever a capability the kernel knows is withheld.
 */
export async function probePrivileged(
  client: DockerClient,
  image: string | null,
  local: { fallback: FallbackHostConfig; isLocalEngine: boolean },
): Promise<PrivilegeProbe> {
  if (image) {
    const trial = await tryContainer(client, image, { Privileged: true }, 'privileged');
    return trial.ok ? { privileged: 'allowed' } : { privileged: 'refused', message: trial.message, tried: true };
  }
  if (local.isLocalEngine) {
    if (local.fallback.CapDrop.length === 0) return { privileged: 'allowed' };
    return { privileged: 'refused', message: `this host withholds ${local.fallback.CapDrop.join(', ')} from every process (CapBnd in /proc/self/status)`, tried: false };
  }
  return { privileged: 'unknown', reason: 'no local image to test with' };
}
