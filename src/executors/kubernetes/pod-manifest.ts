// The job's pod as GitLab Runner's kubernetes executor lays it out (runner-behavior.md §11.2), from
// the job and the effective settings: pure, so it is tested against expected manifests without a
// cluster. `build` (the job image) and `helper` (moves files: needs only sh and tar) share the builds
// and scripts emptyDirs; both wait on stdin, as GitLab Runner's do, so the steps arrive by exec.
import type { KubernetesPodSpecPatch, KubernetesResources, KubernetesToleration } from '../../model/kubernetes.js';
import { addInitPermissions } from './attach-steps.js';
import type { Pod } from './client.js';
import { applySecurity, type PodSecurity } from './pod-security.js';
import { patchPodSpec } from './pod-spec-patch.js';
import { applyVolumes, type PodVolumes } from './pod-volumes.js';

/** The labels every glci pod carries; cleanup and `glci clean` select on them. */
export const POD_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  pipeline: 'job.glci.dev/pipeline',
  job: 'job.glci.dev/id',
} as const;

export interface PodInput {
  name: string;
  image: string;
  helperImage: string;
  /** honoured only with FF_KUBERNETES_HONOR_ENTRYPOINT; otherwise the image's entrypoint is replaced. */
  entrypoint?: string[];
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  buildsDir: string;
  scriptsDir: string;
  /** The attach strategy's logs emptyDir (attach-steps.ts): mounted in every container, its output.log
   *  made by the init-permissions container. Unset with the legacy exec strategy. */
  logsDir?: string;
  pipelineId: number;
  jobId: number;
  jobName: string;
  projectName: string;
  /** Public and internal job variables: secrets only reach the job through the script's exports. */
  env: { name: string; value: string }[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The job timeout in seconds: activeDeadlineSeconds is one more (FF_USE_POD_ACTIVE_DEADLINE_SECONDS). */
  timeoutSeconds?: number;
  terminationGracePeriodSeconds?: number;
  resources: { build: KubernetesResources; helper: KubernetesResources };
  nodeSelector: Record<string, string>;
  tolerations: KubernetesToleration[];
  serviceAccount?: string;
  imagePullSecrets: string[];
  /** Container name → pull policy for this attempt (pod-start.ts); '' leaves the cluster's default. */
  pullPolicies?: Record<string, 'Always' | 'IfNotPresent' | 'Never' | ''>;
  /** `[runners.kubernetes.volumes]` (pod-volumes.ts), mounted into every container. */
  volumes?: PodVolumes;
  /** Security contexts and pod-level fields (pod-security.ts). */
  security?: PodSecurity;
  /** `[[runners.kubernetes.pod_spec]]`, applied last (only with FF_USE_ADVANCED_POD_SPEC_CONFIGURATION). */
  podSpecPatches?: KubernetesPodSpecPatch[];
  /** Service containers (pod-services.ts), after build and helper; each gets the same volume mounts. */
  services?: NonNullable<Pod['spec']>['containers'];
  /** The services' host names on 127.0.0.1, then `host_aliases` (pod-services.ts). */
  hostAliases?: NonNullable<Pod['spec']>['hostAliases'];
}

type Quantities = Record<string, string>;

/** requests/limits of one container; keys left unset stay out, so the cluster's defaults apply. */
export function containerResources(r: KubernetesResources): { requests?: Quantities; limits?: Quantities } {
  const pick = (cpu?: string, memory?: string, storage?: string): Quantities | undefined => {
    const q: Quantities = {};
    if (cpu) q.cpu = cpu;
    if (memory) q.memory = memory;
    if (storage) q['ephemeral-storage'] = storage;
    return Object.keys(q).length ? q : undefined;
  };
  const requests = pick(r.cpuRequest, r.memoryRequest, r.ephemeralStorageRequest);
  const limits = pick(r.cpuLimit, r.memoryLimit, r.ephemeralStorageLimit);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

/** A label value: at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
export function labelValue(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

function podMetadata(input: PodInput): Pod['metadata'] {
  return {
    name: input.name,
    labels: {
      ...input.labels,
      [POD_LABELS.managedBy]: 'glci',
      [POD_LABELS.pipeline]: String(input.pipelineId),
      [POD_LABELS.job]: String(input.jobId),
    },
    annotations: {
      ...input.annotations,
      'job.glci.dev/name': input.jobName,
      'project.glci.dev/name': input.projectName,
    },
  };
}

export function jobPod(input: PodInput): Pod {
  const mounts = [
    { name: 'repo', mountPath: input.buildsDir },
    { name: 'scripts', mountPath: input.scriptsDir },
    ...(input.logsDir ? [{ name: 'logs', mountPath: input.logsDir }] : []),
  ];
  // A shell reading stdin that never comes: the container stays up until the pod is deleted.
  const waitOnStdin = ['sh'];
  const honorEntrypoint = input.entrypoint !== undefined;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: podMetadata(input),
    spec: {
      restartPolicy: 'Never',
      ...(input.terminationGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: input.terminationGracePeriodSeconds }),
      ...(input.timeoutSeconds ? { activeDeadlineSeconds: input.timeoutSeconds + 1 } : {}),
      ...(Object.keys(input.nodeSelector).length ? { nodeSelector: input.nodeSelector } : {}),
      ...(input.tolerations.length ? { tolerations: input.tolerations } : {}),
      ...(input.serviceAccount ? { serviceAccountName: input.serviceAccount } : {}),
      ...(input.imagePullSecrets.length ? { imagePullSecrets: input.imagePullSecrets.map((name) => ({ name })) } : {}),
      ...(input.hostAliases?.length ? { hostAliases: input.hostAliases } : {}),
      volumes: [
        { name: 'repo', emptyDir: {} },
        { name: 'scripts', emptyDir: {} },
        ...(input.logsDir ? [{ name: 'logs', emptyDir: {} }] : []),
      ],
      containers: [
        {
          name: 'build',
          image: input.image,
          ...(honorEntrypoint ? { args: waitOnStdin } : { command: waitOnStdin }),
          ...(input.imagePullPolicy ? { imagePullPolicy: input.imagePullPolicy } : {}),
          stdin: true,
          env: input.env,
          resources: containerResources(input.resources.build),
          volumeMounts: mounts,
        },
        {
          name: 'helper',
          image: input.helperImage,
          command: waitOnStdin,
          ...(input.imagePullPolicy ? { imagePullPolicy: input.imagePullPolicy } : {}),
          stdin: true,
          resources: containerResources(input.resources.helper),
          volumeMounts: mounts,
        },
        ...(input.services ?? []).map((service) => ({ ...service, volumeMounts: mounts })),
      ],
    },
  };
  if (input.logsDir) addInitPermissions(pod, input.logsDir, input.pullPolicies);
  return podFeatures(pod, input);
}

/** The settings' pod features, over every container (services included), in GitLab Runner's order. */
function podFeatures(pod: Pod, input: PodInput): Pod {
  for (const container of pod.spec?.containers ?? []) {
    const policy = input.pullPolicies?.[container.name];
    if (policy === '') delete container.imagePullPolicy;
    else if (policy) container.imagePullPolicy = policy;
  }
  if (input.volumes) applyVolumes(pod, input.volumes, input.buildsDir);
  if (input.security) applySecurity(pod, input.security);
  return input.podSpecPatches?.length ? patchPodSpec(pod, input.podSpecPatches) : pod;
}
