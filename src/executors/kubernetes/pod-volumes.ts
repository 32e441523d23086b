// `[runners.kubernetes.volumes]` as pod volumes and mounts (runner-behavior.md §9.4, §11.2; GitLab Runner
// executors/kubernetes/kubernetes.go getVolumesForConfig / getVolumeMountsForConfig). Every configured
// volume is mounted into every container of the pod (build, helper and services), and a volume mounted
// exactly at the builds dir replaces the `repo` emptyDir. Pure.
import type { KubernetesVolume } from '../../model/kubernetes.js';
import type { Pod } from './client.js';

type PodSpec = NonNullable<Pod['spec']>;
type V1Volume = NonNullable<PodSpec['volumes']>[number];
type V1VolumeMount = NonNullable<PodSpec['containers'][number]['volumeMounts']>[number];

export interface PodVolumes {
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
}

/** GitLab Runner lists the kinds in this order, whatever the order of the tables in config.toml. */
const KIND_ORDER: KubernetesVolume['kind'][] = ['host_path', 'secret', 'pvc', 'config_map', 'empty_dir'];

/** The volume the builds dir lives in unless a configured one is mounted there. */
export const REPO_VOLUME = 'repo';

const keyToPath = (items: Record<string, string>) => Object.entries(items).map(([key, path]) => ({ key, path }));

function volumeOf(volume: KubernetesVolume, expand: (text: string) => string): V1Volume {
  switch (volume.kind) {
    case 'host_path':
      return { name: volume.name, hostPath: { path: volume.hostPath } };
    case 'secret': {
      const items = keyToPath(volume.items);
      return { name: volume.name, secret: { secretName: volume.name, ...(items.length ? { items } : {}) } };
    }
    case 'pvc': {
      // The claim's name may name a job variable (`pvc-$CI_CONCURRENT_ID`); GitLab expands it for both.
      const name = expand(volume.name);
      return { name, persistentVolumeClaim: { claimName: name } };
    }
    case 'config_map': {
      const items = keyToPath(volume.items);
      return { name: volume.name, configMap: { name: volume.name, ...(items.length ? { items } : {}) } };
    }
    case 'empty_dir':
      return {
        name: volume.name,
        emptyDir: { ...(volume.medium ? { medium: volume.medium } : {}), ...(volume.sizeLimit ? { sizeLimit: volume.sizeLimit } : {}) },
      };
  }
}

function mountOf(volume: KubernetesVolume, expand: (text: string) => string): V1VolumeMount {
  const subPath = volume.subPath ? expand(volume.subPath) : '';
  // GitLab passes mount_propagation for host_path and pvc only, and read_only for all but empty_dir.
  const propagation = volume.kind === 'host_path' || volume.kind === 'pvc' ? volume.mountPropagation : undefined;
  const readOnly = volume.kind !== 'empty_dir' && volume.readOnly;
  return {
    name: volume.kind === 'pvc' ? expand(volume.name) : volume.name,
    mountPath: expand(volume.mountPath),
    ...(subPath ? { subPath } : {}),
    ...(readOnly ? { readOnly: true } : {}),
    ...(propagation ? { mountPropagation: propagation } : {}),
  };
}

/**
 * The pod volumes and the mounts every container gets, in GitLab Runner's order; mount paths and sub
 * paths are expanded with the job's variables. A claim named twice is one volume mounted twice.
 */
export function podVolumes(configured: readonly KubernetesVolume[], expand: (text: string) => string = (t) => t): PodVolumes {
  const ordered = KIND_ORDER.flatMap((kind) => configured.filter((v) => v.kind === kind));
  const claims = new Set<string>();
  const volumes: V1Volume[] = [];
  for (const volume of ordered) {
    if (volume.kind === 'pvc') {
      if (claims.has(volume.name)) continue;
      claims.add(volume.name);
    }
    volumes.push(volumeOf(volume, expand));
  }
  return { volumes, mounts: ordered.map((v) => mountOf(v, expand)) };
}

const trimSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/** Whether a configured volume takes the builds dir's place (GitLab's isDefaultBuildsDirVolumeRequired). */
export function replacesBuildsVolume(config: PodVolumes, buildsDir: string): boolean {
  return config.mounts.some((m) => trimSlash(m.mountPath) === trimSlash(buildsDir));
}

/**
 * Adds the configured volumes to the pod and their mounts to each of its containers, after the
 * executor's own; drops the `repo` emptyDir and its mounts when a configured volume holds the builds dir.
 */
export function applyVolumes(pod: Pod, config: PodVolumes, buildsDir: string): Pod {
  const spec = pod.spec;
  if (!spec || (config.volumes.length === 0 && config.mounts.length === 0)) return pod;
  const dropRepo = replacesBuildsVolume(config, buildsDir);
  const keep = <T extends { name: string }>(list: T[] | undefined): T[] => (list ?? []).filter((v) => !dropRepo || v.name !== REPO_VOLUME);
  spec.volumes = [...keep(spec.volumes), ...config.volumes];
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    container.volumeMounts = [...keep(container.volumeMounts), ...config.mounts.map((m) => ({ ...m }))];
  }
  return pod;
}
