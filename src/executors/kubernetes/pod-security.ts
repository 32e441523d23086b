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

/** Go's `%v` of a string slice: `[1000 2000]`. */
const goList = (items: readonly string[]) => `[${items.join(' ')}]`;

/**
 * One id of image:kubernetes:user, checked as GitLab Runner checks it (parseAndValidateID,
 * isUserOrGroupAllowed): a non-negative integer, root only when the allow-list names it, any other id
 * when the list is empty. An error is GitLab Runner's message; the id is then not used.
 */
function jobId(kind: 'UID' | 'GID', text: string, allowed: readonly string[]): number | string {
  if (!/^[+-]?\d+$/.test(text)) return `failed to parse ${kind}: strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`;
  const id = Number(text);
  if (id < 0) return `failed to parse ${kind}: negative values not allowed`;
  const listed = allowed.some((entry) => /^[+-]?\d+$/.test(entry) && Number(entry) === id);
  const word = kind === 'UID' ? 'user' : 'group';
  if ((id === 0 || allowed.length > 0) && !listed) return `validating ${kind}: ${word} ${JSON.stringify(text)} is not in the allowed list: ${goList(allowed)}`;
  return id;
}

export type JobUserSettings = Pick<KubernetesSettings, 'buildContainerSecurityContext' | 'podSecurityContext' | 'allowedUsers' | 'allowedGroups'>;

/**
 * The build container's user and group from image:kubernetes:user (`uid[:gid]`, already expanded), as
 * GitLab Runner picks them (getContainerUIDGID): an id the runner's build container or pod security
 * context sets wins (and the job is told), an id that fails the checks is a warning and left out.
 */
export function jobUserIds(settings: JobUserSettings, jobUser: string, log: (kind: 'print' | 'warn', message: string) => void): { runAsUser?: number; runAsGroup?: number } {
  // Go's strings.Cut: everything after the first `:` is the group.
  const at = jobUser.indexOf(':');
  const uidText = at < 0 ? jobUser : jobUser.slice(0, at);
  const gidText = at < 0 ? '' : jobUser.slice(at + 1);
  const out: { runAsUser?: number; runAsGroup?: number } = {};
  const pick = (kind: 'UID' | 'GID', text: string, own: number | undefined, pod: number | undefined, allowed: readonly string[]) => {
    const fixed = own !== undefined ? { id: own, source: 'container security context' } : pod !== undefined ? { id: pod, source: 'pod security context' } : null;
    const word = kind === 'UID' ? 'user' : 'group';
    if (fixed) {
      if (text !== '') log('print', `Overriding ${word} for container "build" to ${JSON.stringify(text)} is not allowed: ${word} is set to ${fixed.id} in ${fixed.source}`);
      return undefined;
    }
    if (text === '') return undefined;
    const id = jobId(kind, text, allowed);
    if (typeof id === 'number') return id;
    log('warn', `Error parsing '${kind.toLowerCase()}' from image options for container "build", using the configured security context: ${id}`);
    return undefined;
  };
  const own = settings.buildContainerSecurityContext;
  const uid = pick('UID', uidText, own?.runAsUser, settings.podSecurityContext?.runAsUser, settings.allowedUsers);
  const gid = pick('GID', gidText, own?.runAsGroup, settings.podSecurityContext?.runAsGroup, settings.allowedGroups);
  if (uid !== undefined) out.runAsUser = uid;
  if (gid !== undefined) out.runAsGroup = gid;
  return out;
}

/** The security of the job's pod; `jobUser` is the build container's ids from image:kubernetes:user. */
export function podSecurity(settings: SecuritySettings, jobUser: { runAsUser?: number; runAsGroup?: number } = {}): PodSecurity {
  return {
    containers: {
      build: { ...containerSecurityContext(settings, settings.buildContainerSecurityContext), ...jobUser },
      helper: containerSecurityContext(settings, settings.helperContainerSecurityContext),
      service: containerSecurityContext(settings, settings.serviceContainerSecurityContext),
      init: containerSecurityContext(settings, settings.initPermissionsContainerSecurityContext),
    },
    pod: podLevelFields(settings),
  };
}

/**
 * Who the build container runs as when the runner or the job says (its own context, the pod's, or
 * image:kubernetes:user), else root: the owner the checkout is extracted as, so a build container of
 * another user can write to its project, as GitLab Runner's umask 0000 checkout lets it.
 */
export function buildOwner(security: PodSecurity): { uid: number; gid: number } {
  const build = security.containers.build;
  const pod = security.pod.securityContext;
  return { uid: build.runAsUser ?? pod?.runAsUser ?? 0, gid: build.runAsGroup ?? pod?.runAsGroup ?? 0 };
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
