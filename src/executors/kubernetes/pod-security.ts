// Security contexts and the pod-level scheduling fields of `[runners.kubernetes]` (runner-behavior.md
// §9.4, §11.2; GitLab Runner common/config.go GetContainerSecurityContext, GetPodSecurityContext,
// getCapabilities, and executors/kubernetes/kubernetes.go preparePodConfig). Nothing is privileged
// unless `privileged` or a container's security context says so. Pure.
import type { KubernetesPodSecurityContext, KubernetesSecurityContext, KubernetesSettings } from '../../model/kubernetes.js';
import type { Pod } from './client.js';

type PodSpec = NonNullable<Pod['spec']>;
type Container = PodSpec['containers'][number];
type SecurityContext = NonNullable<Container['securityContext']>;
type Capabilities = NonNullable<SecurityContext['capabilities']>;

/** Which `*_container_security_context` a container takes (`init`: the init-permissions container). */
export type ContainerClass = 'build' | 'helper' | 'service' | 'init';

export type SecuritySettings = Pick<
  KubernetesSettings,
  | 'privileged' | 'allowPrivilegeEscalation' | 'capAdd' | 'capDrop' | 'podSecurityContext' | 'buildContainerSecurityContext'
  | 'helperContainerSecurityContext' | 'serviceContainerSecurityContext' | 'initPermissionsContainerSecurityContext' | 'runtimeClassName' | 'affinity' | 'schedulerName'
  | 'priorityClassName' | 'dnsPolicy' | 'automountServiceAccountToken' | 'pod'
>;

/** The fields the settings give the pod and its containers, for `applySecurity`. */
export interface PodSecurity {
  containers: Record<ContainerClass, SecurityContext>;
  pod: Partial<PodSpec>;
}

/**
 * `cap_add` / `cap_drop` (the NET_RAW default drop already folded into capDrop by the config reader,
 * and left out there when cap_add names it). GitLab Runner reads the adds, then the drops, into one
 * map: a capability in both lists is dropped.
 */
export function runnerCapabilities(capAdd: readonly string[], capDrop: readonly string[]): Capabilities | undefined {
  const add = [...new Set(capAdd)].filter((c) => !capDrop.includes(c));
  const drop = [...new Set(capDrop)];
  if (add.length === 0 && drop.length === 0) return undefined;
  return { ...(add.length ? { add } : {}), ...(drop.length ? { drop } : {}) };
}

/** A container context's own `capabilities.add` / `.drop` replace the runner-wide list they name. */
function mergeCapabilities(runner: Capabilities | undefined, own: KubernetesSecurityContext['capabilities']): Capabilities | undefined {
  const add = own?.add.length ? own.add : runner?.add;
  const drop = own?.drop.length ? own.drop : runner?.drop;
  if (!add && !drop) return undefined;
  return { ...(add ? { add } : {}), ...(drop ? { drop } : {}) };
}

/** One container's security context: its own table, falling back on the runner-wide privileged keys. */
export function containerSecurityContext(settings: SecuritySettings, own: KubernetesSecurityContext = {}): SecurityContext {
  const capabilities = mergeCapabilities(runnerCapabilities(settings.capAdd, settings.capDrop), own.capabilities);
  const privileged = own.privileged ?? settings.privileged;
  const escalation = own.allowPrivilegeEscalation ?? settings.allowPrivilegeEscalation;
  return {
    ...(capabilities ? { capabilities } : {}),
    ...(privileged === undefined ? {} : { privileged }),
    ...(escalation === undefined ? {} : { allowPrivilegeEscalation: escalation }),
    ...(own.runAsGroup === undefined ? {} : { runAsGroup: own.runAsGroup }),
    ...(own.runAsNonRoot === undefined ? {} : { runAsNonRoot: own.runAsNonRoot }),
    ...(own.runAsUser === undefined ? {} : { runAsUser: own.runAsUser }),
    ...(own.readOnlyRootFilesystem === undefined ? {} : { readOnlyRootFilesystem: own.readOnlyRootFilesystem }),
    ...(own.procMount ? { procMount: own.procMount } : {}),
    ...(own.seLinuxType ? { seLinuxOptions: { type: own.seLinuxType } } : {}),
  };
}

/** `[runners.kubernetes.pod_security_context]`; undefined when it sets nothing (GitLab sends none then). */
export function podSecurityContext(context: KubernetesPodSecurityContext | undefined): PodSpec['securityContext'] {
  if (!context) return undefined;
  const fields = {
    ...(context.fsGroup === undefined ? {} : { fsGroup: context.fsGroup }),
    ...(context.runAsGroup === undefined ? {} : { runAsGroup: context.runAsGroup }),
    ...(context.runAsNonRoot === undefined ? {} : { runAsNonRoot: context.runAsNonRoot }),
    ...(context.runAsUser === undefined ? {} : { runAsUser: context.runAsUser }),
    ...(context.supplementalGroups.length ? { supplementalGroups: context.supplementalGroups } : {}),
    ...(context.fsGroupChangePolicy ? { fsGroupChangePolicy: context.fsGroupChangePolicy } : {}),
  };
  return Object.keys(fields).length ? fields : undefined;
}

/** config.toml's dns_policy spelling → Kubernetes' (GitLab Runner's KubernetesDNSPolicy.Get). */
const DNS_POLICIES: Record<string, string> = {
  none: 'None',
  default: 'Default',
  'cluster-first': 'ClusterFirst',
  'cluster-first-with-host-net': 'ClusterFirstWithHostNet',
};

/** `pod_cpu_request` and friends: the pod-level resources GitLab sets (podResourcesReference). */
function podResources(pod: SecuritySettings['pod']): PodSpec['resources'] {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (pod.cpuRequest) requests.cpu = pod.cpuRequest;
  if (pod.memoryRequest) requests.memory = pod.memoryRequest;
  if (pod.cpuLimit) limits.cpu = pod.cpuLimit;
  if (pod.memoryLimit) limits.memory = pod.memoryLimit;
  const any = Object.keys(requests).length + Object.keys(limits).length > 0;
  // Left out when unset: an API server without the PodLevelResources feature refuses the field.
  return any ? { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) } : undefined;
}

/** The pod-level fields: each only when set, so the cluster's defaults apply otherwise. */
export function podLevelFields(settings: SecuritySettings): Partial<PodSpec> {
  const securityContext = podSecurityContext(settings.podSecurityContext);
  const dnsPolicy = settings.dnsPolicy ? DNS_POLICIES[settings.dnsPolicy] : undefined;
  const resources = podResources(settings.pod);
  return {
    ...(settings.schedulerName ? { schedulerName: settings.schedulerName } : {}),
    ...(settings.automountServiceAccountToken === undefined ? {} : { automountServiceAccountToken: settings.automountServiceAccountToken }),
    ...(securityContext ? { securityContext } : {}),
    ...(settings.affinity && Object.keys(settings.affinity).length ? { affinity: settings.affinity as PodSpec['affinity'] } : {}),
    ...(dnsPolicy ? { dnsPolicy } : {}),
    ...(settings.runtimeClassName ? { runtimeClassName: settings.runtimeClassName } : {}),
    ...(settings.priorityClassName ? { priorityClassName: settings.priorityClassName } : {}),
    ...(resources ? { resources } : {}),
  };
}

export function podSecurity(settings: SecuritySettings): PodSecurity {
  return {
    containers: {
      build: containerSecurityContext(settings, settings.buildContainerSecurityContext),
      helper: containerSecurityContext(settings, settings.helperContainerSecurityContext),
      service: containerSecurityContext(settings, settings.serviceContainerSecurityContext),
      init: containerSecurityContext(settings, settings.initPermissionsContainerSecurityContext),
    },
    pod: podLevelFields(settings),
  };
}

/** Every container not named build or helper is a service (`svc-0`, an alias, ...). */
export function containerClass(name: string): ContainerClass {
  return name === 'build' || name === 'helper' ? name : 'service';
}

/** The contexts GitLab Runner gives a container: init-permissions has its own table. */
function contextFor(security: PodSecurity, name: string, init: boolean): SecurityContext {
  return init ? security.containers.init : security.containers[containerClass(name)];
}

/** Sets each container's security context (an empty one is left out) and the pod-level fields. */
export function applySecurity(pod: Pod, security: PodSecurity): Pod {
  const spec = pod.spec;
  if (!spec) return pod;
  Object.assign(spec, security.pod);
  const all = [...(spec.initContainers ?? []).map((c) => ({ c, init: true })), ...spec.containers.map((c) => ({ c, init: false }))];
  for (const { c: container, init } of all) {
    const context = contextFor(security, container.name, init);
    if (Object.keys(context).length) container.securityContext = structuredClone(context);
  }
  return pod;
}
