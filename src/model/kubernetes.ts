// Typed `[runners.kubernetes]` settings (runner-behavior.md §9.4, §11;
// https://docs.gitlab.com/runner/executors/kubernetes/). Field names are camelCase forms of the TOML
// keys; quantities stay Kubernetes quantity strings ("500m", "1Gi") because the API server parses them.
// Types only.
import type { PullPolicy } from './config.js';
import type { ConfigService } from './config-service.js';

/** requests/limits of one container class (build, helper, service) or of the pod. */
export interface KubernetesResources {
  cpuRequest?: string;
  cpuLimit?: string;
  memoryRequest?: string;
  memoryLimit?: string;
  ephemeralStorageRequest?: string;
  ephemeralStorageLimit?: string;
}

/** The `*_overwrite_max_allowed` ceilings of one container class, in the same quantities; unset: that overwrite is refused. */
export type KubernetesOverwriteLimits = KubernetesResources;

/** A Kubernetes SecurityContext subset as config.toml spells it (`[runners.kubernetes.build_container_security_context]`). */
export interface KubernetesSecurityContext {
  privileged?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add: string[]; drop: string[] };
  seLinuxType?: string;
  procMount?: string;
}

/** `[runners.kubernetes.pod_security_context]`. */
export interface KubernetesPodSecurityContext {
  fsGroup?: number;
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  supplementalGroups: number[];
  fsGroupChangePolicy?: string;
}

interface VolumeBase {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly: boolean;
  mountPropagation?: string;
}

export type KubernetesVolume =
  | (VolumeBase & { kind: 'host_path'; hostPath: string })
  | (VolumeBase & { kind: 'pvc' })
  | (VolumeBase & { kind: 'config_map'; items: Record<string, string> })
  | (VolumeBase & { kind: 'secret'; items: Record<string, string> })
  | (VolumeBase & { kind: 'empty_dir'; medium?: string; sizeLimit?: string });

/** One `[[runners.kubernetes.pod_spec]]` patch (FF_USE_ADVANCED_POD_SPEC_CONFIGURATION). */
export interface KubernetesPodSpecPatch {
  name: string;
  /** `strategic` (default), `merge` (JSON merge patch, RFC 7386) or `json` (RFC 6902). */
  patchType: 'strategic' | 'merge' | 'json';
  /** The patch document, already parsed from `patch` (JSON or YAML text) or `patch_path`. */
  patch: unknown;
}

/** `node_tolerations = {"key=value" = "NoSchedule", "key" = ""}` as Kubernetes tolerations. */
export interface KubernetesToleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect?: string;
}

/** `[runners.kubernetes]`. Unset optional keys keep GitLab Runner's default. */
export interface KubernetesSettings {
  // Cluster access: empty `host` tries in-cluster config, then the kubeconfig (`context` picks one).
  host?: string;
  context?: string;
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  bearerToken?: string;
  bearerTokenOverwriteAllowed: boolean;

  /** Empty in the file → `default` (with GitLab Runner's warning). */
  namespace: string;
  /** Regex for KUBERNETES_NAMESPACE_OVERWRITE; unset: refused. */
  namespaceOverwriteAllowed?: string;
  /** `ci-job-<job id>`, created before the pod and deleted at cleanup. */
  namespacePerJob: boolean;

  image?: string;
  helperImage?: string;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capAdd: string[];
  /** GitLab Runner's default drops NET_RAW. */
  capDrop: string[];
  runtimeClassName?: string;
  podSecurityContext?: KubernetesPodSecurityContext;
  buildContainerSecurityContext?: KubernetesSecurityContext;
  helperContainerSecurityContext?: KubernetesSecurityContext;
  serviceContainerSecurityContext?: KubernetesSecurityContext;
  initPermissionsContainerSecurityContext?: KubernetesSecurityContext;

  build: KubernetesResources;
  helper: KubernetesResources;
  service: KubernetesResources;
  pod: Pick<KubernetesResources, 'cpuRequest' | 'cpuLimit' | 'memoryRequest' | 'memoryLimit'>;
  buildOverwriteMax: KubernetesOverwriteLimits;
  helperOverwriteMax: KubernetesOverwriteLimits;
  serviceOverwriteMax: KubernetesOverwriteLimits;

  /** Seconds between pod-start polls (default 3). */
  pollInterval: number;
  /** Seconds to wait for the pod to run (default 180). */
  pollTimeout: number;

  nodeSelector: Record<string, string>;
  /** Regex for KUBERNETES_NODE_SELECTOR_* job variables; unset: refused. */
  nodeSelectorOverwriteAllowed?: string;
  nodeTolerations: KubernetesToleration[];
  nodeTolerationsOverwriteAllowed?: string;
  /** `[runners.kubernetes.affinity]` already in Kubernetes' camelCase Affinity shape. */
  affinity?: Record<string, unknown>;

  serviceAccount?: string;
  /** Regex for KUBERNETES_SERVICE_ACCOUNT_OVERWRITE. */
  serviceAccountOverwriteAllowed?: string;
  automountServiceAccountToken?: boolean;
  imagePullSecrets: string[];
  useServiceAccountImagePullSecrets: boolean;

  pullPolicy: PullPolicy[];
  allowedPullPolicies: PullPolicy[];
  allowedImages: string[];
  allowedServices: string[];
  /** `allowed_users` / `allowed_groups`: the ids image:kubernetes:user may ask for (root only when listed). */
  allowedUsers: string[];
  allowedGroups: string[];

  podLabels: Record<string, string>;
  /** Regex for KUBERNETES_POD_LABELS_* keys. */
  podLabelsOverwriteAllowed?: string;
  podAnnotations: Record<string, string>;
  /** Regex for KUBERNETES_POD_ANNOTATIONS_* keys. */
  podAnnotationsOverwriteAllowed?: string;
  schedulerName?: string;
  priorityClassName?: string;
  dnsPolicy?: string;
  /** `[[runners.kubernetes.host_aliases]]`: ip → hostnames, added after the services' aliases. */
  hostAliases: { ip: string; hostnames: string[] }[];
  terminationGracePeriodSeconds?: number;
  cleanupGracePeriodSeconds?: number;
  /** Seconds (default 300). */
  cleanupResourcesTimeout: number;
  services: ConfigService[];
  volumes: KubernetesVolume[];
  podSpec: KubernetesPodSpecPatch[];
}
