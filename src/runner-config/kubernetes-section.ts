// `[runners.kubernetes]` → KubernetesSettings, with GitLab Runner's defaults for every unset key
// (runner-behavior.md §9.4, §11; https://docs.gitlab.com/runner/executors/kubernetes/). Nested tables
// (volumes, security contexts, affinity, pod_spec) are read in kubernetes-volumes.ts.
import { goRegExp } from './go-regexp.js';
import type {
  KubernetesOverwriteLimits, KubernetesResources, KubernetesSettings, KubernetesToleration,
} from '../model/kubernetes.js';
import { readServices } from './docker-section.js';
import {
  entry, readAffinity, readContainerSecurityContext, readPodSecurityContext, readPodSpec, readQuantity, readVolumes,
} from './kubernetes-volumes.js';
import { HOST_ALIAS_SCHEMA, KUBERNETES_SCHEMA, KUBERNETES_SERVICE_SCHEMA, POD_RESOURCE_FIELDS, RESOURCE_FIELDS } from './schema.js';
import { Section, camel, describeValue, readPullPolicyList } from './section.js';

/** GitLab Runner's dns_policy spellings (common/config.go KubernetesDNSPolicy). */
const DNS_POLICIES = ['none', 'default', 'cluster-first', 'cluster-first-with-host-net'];
/** Kubernetes' taint effects; "" tolerates every effect. */
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
/** GitLab Runner always drops NET_RAW unless cap_add adds it back (KubernetesConfig.getCapabilities). */
const DEFAULT_CAP_DROP = 'NET_RAW';

export function readKubernetes(s: Section): KubernetesSettings {
  s.checkKeys(KUBERNETES_SCHEMA);
  return {
    ...readAccess(s),
    ...readSecurity(s),
    ...readResources(s),
    ...readScheduling(s),
    ...readImages(s),
    ...readPod(s),
    services: readServices(s, '[[runners.kubernetes.services]]', KUBERNETES_SERVICE_SCHEMA),
    volumes: readVolumes(s),
    podSpec: readPodSpec(s),
  };
}

/** GitLab Runner treats an empty string like an unset key. */
function optional(s: Section, key: string): string | undefined {
  return s.string(key) || undefined;
}

/** The `*_overwrite_allowed` regexes. GitLab compiles them with Go's RE2; glci accepts what JavaScript compiles, leading Go flags included. */
function regex(s: Section, key: string): string | undefined {
  const value = optional(s, key);
  if (value === undefined) return undefined;
  try {
    goRegExp(value);
  } catch (err) {
    s.error(s.keyPath(key), `${s.keyPath(key)} must be a regular expression: ${(err as Error).message}`);
  }
  return value;
}

function readAccess(s: Section) {
  return {
    host: optional(s, 'host'),
    context: optional(s, 'context'),
    certFile: optional(s, 'cert_file'),
    keyFile: optional(s, 'key_file'),
    caFile: optional(s, 'ca_file'),
    bearerToken: optional(s, 'bearer_token'),
    bearerTokenOverwriteAllowed: s.boolean('bearer_token_overwrite_allowed', false),
    // GitLab Runner's default namespace; it also warns at job time when the key is empty.
    namespace: optional(s, 'namespace') ?? 'default',
    namespaceOverwriteAllowed: regex(s, 'namespace_overwrite_allowed'),
    namespacePerJob: s.boolean('namespace_per_job', false),
  };
}

function readSecurity(s: Section) {
  const capAdd = s.strings('cap_add');
  const configuredDrop = s.strings('cap_drop');
  // Default first, then the file's list; cap_drop wins over cap_add, as in GitLab Runner.
  const capDrop = [...new Set([...(capAdd.includes(DEFAULT_CAP_DROP) ? [] : [DEFAULT_CAP_DROP]), ...configuredDrop])];
  return {
    privileged: s.optionalBoolean('privileged'),
    allowPrivilegeEscalation: s.optionalBoolean('allow_privilege_escalation'),
    capAdd,
    capDrop,
    runtimeClassName: optional(s, 'runtime_class_name'),
    podSecurityContext: readPodSecurityContext(s),
    buildContainerSecurityContext: readContainerSecurityContext(s, 'build_container_security_context'),
    helperContainerSecurityContext: readContainerSecurityContext(s, 'helper_container_security_context'),
    serviceContainerSecurityContext: readContainerSecurityContext(s, 'service_container_security_context'),
    initPermissionsContainerSecurityContext: readContainerSecurityContext(s, 'init_permissions_container_security_context'),
  };
}

/**
 * `cpu_request`, `helper_cpu_limit`, `service_memory_request_overwrite_max_allowed`, ... grouped per
 * container class. Origins are keyed by model path (`kubernetes.helper.cpuLimit`) for `config show`.
 */
function readGroup(s: Section, field: string, prefix: string, fields: readonly string[], suffix = ''): Record<string, string> {
  const quiet = entry(s);
  const out: Record<string, string> = {};
  for (const f of fields) {
    const key = `${prefix}${f}${suffix}`;
    const value = readQuantity(quiet, key);
    s.ctx.origins[`${s.modelPath}.${field}.${camel(f)}`] = s.has(key) ? 'file' : 'default';
    if (value !== undefined) out[camel(f)] = value;
  }
  return out;
}

function readResources(s: Section) {
  return {
    build: readGroup(s, 'build', '', RESOURCE_FIELDS) as KubernetesResources,
    helper: readGroup(s, 'helper', 'helper_', RESOURCE_FIELDS) as KubernetesResources,
    service: readGroup(s, 'service', 'service_', RESOURCE_FIELDS) as KubernetesResources,
    pod: readGroup(s, 'pod', 'pod_', POD_RESOURCE_FIELDS) as KubernetesSettings['pod'],
    buildOverwriteMax: readGroup(s, 'buildOverwriteMax', '', RESOURCE_FIELDS, '_overwrite_max_allowed') as KubernetesOverwriteLimits,
    helperOverwriteMax: readGroup(s, 'helperOverwriteMax', 'helper_', RESOURCE_FIELDS, '_overwrite_max_allowed') as KubernetesOverwriteLimits,
    serviceOverwriteMax: readGroup(s, 'serviceOverwriteMax', 'service_', RESOURCE_FIELDS, '_overwrite_max_allowed') as KubernetesOverwriteLimits,
  };
}

/** poll_interval / poll_timeout: 0 and below mean GitLab Runner's default (common/config.go getters). */
function positive(s: Section, key: string, fallback: number): number {
  const value = s.integer(key, 0);
  if (value > 0) return value;
  s.setOrigin(key, 'default');
  return fallback;
}

function readScheduling(s: Section) {
  return {
    pollInterval: positive(s, 'poll_interval', 3),
    pollTimeout: positive(s, 'poll_timeout', 180),
    // GitLab's docs show {"kubernetes.io/os" = "linux"} as an example; unset selects no nodes by label.
    nodeSelector: s.stringMap('node_selector'),
    nodeSelectorOverwriteAllowed: regex(s, 'node_selector_overwrite_allowed'),
    nodeTolerations: readTolerations(s),
    nodeTolerationsOverwriteAllowed: regex(s, 'node_tolerations_overwrite_allowed'),
    affinity: readAffinity(s),
    schedulerName: optional(s, 'scheduler_name'),
    priorityClassName: optional(s, 'priority_class_name'),
  };
}

/** `{"key=value" = "NoSchedule", "key" = ""}` (executors/kubernetes/kubernetes.go getPodTolerations). */
function readTolerations(s: Section): KubernetesToleration[] {
  const path = s.keyPath('node_tolerations');
  return Object.entries(s.stringMap('node_tolerations')).map(([spec, effect]) => {
    const eq = spec.indexOf('=');
    const toleration: KubernetesToleration = eq >= 0
      ? { key: spec.slice(0, eq), operator: 'Equal', value: spec.slice(eq + 1) }
      : { key: spec, operator: 'Exists' };
    if (effect !== '') {
      if (!EFFECTS.includes(effect)) s.error(`${path}.${JSON.stringify(spec)}`, `${path}.${JSON.stringify(spec)} must be ${EFFECTS.join(', ')} or "" (every effect), not ${describeValue(effect)}`);
      toleration.effect = effect;
    }
    return toleration;
  });
}

function readImages(s: Section) {
  const configured = readPullPolicyList(s, 'pull_policy', true);
  const allowed = readPullPolicyList(s, 'allowed_pull_policies', false);
  s.setOrigin('pull_policy', configured ? 'file' : 'default');
  s.setOrigin('allowed_pull_policies', allowed ? 'file' : 'default');
  return {
    image: optional(s, 'image'),
    helperImage: optional(s, 'helper_image'),
    // Unlike docker, GitLab Runner sets no policy by default: the cluster's default applies (empty list).
    pullPolicy: configured ?? [],
    allowedPullPolicies: allowed ?? [...(configured ?? [])],
    allowedImages: s.strings('allowed_images'),
    allowedServices: s.strings('allowed_services'),
    allowedUsers: s.strings('allowed_users'),
    allowedGroups: s.strings('allowed_groups'),
    imagePullSecrets: s.strings('image_pull_secrets'),
    serviceAccount: optional(s, 'service_account'),
    serviceAccountOverwriteAllowed: regex(s, 'service_account_overwrite_allowed'),
    automountServiceAccountToken: s.optionalBoolean('automount_service_account_token'),
    useServiceAccountImagePullSecrets: s.boolean('use_service_account_image_pull_secrets', false),
  };
}

function readPod(s: Section) {
  const dnsPolicy = optional(s, 'dns_policy');
  if (dnsPolicy !== undefined && !DNS_POLICIES.includes(dnsPolicy)) {
    // GitLab Runner's wording (it fails the job at prepare time; glci at load time).
    s.error(s.keyPath('dns_policy'), `unsupported kubernetes-dns-policy: ${JSON.stringify(dnsPolicy)} (${s.keyPath('dns_policy')} takes ${DNS_POLICIES.join(', ')})`);
  }
  return {
    podLabels: s.stringMap('pod_labels'),
    podLabelsOverwriteAllowed: regex(s, 'pod_labels_overwrite_allowed'),
    podAnnotations: s.stringMap('pod_annotations'),
    podAnnotationsOverwriteAllowed: regex(s, 'pod_annotations_overwrite_allowed'),
    dnsPolicy,
    hostAliases: readHostAliases(s),
    ...readGracePeriods(s),
    cleanupResourcesTimeout: readCleanupTimeout(s),
  };
}

function readHostAliases(s: Section): { ip: string; hostnames: string[] }[] {
  return s.tables('host_aliases', 'write [[runners.kubernetes.host_aliases]]').map((t) => {
    const a = entry(t);
    a.checkKeys(HOST_ALIAS_SCHEMA);
    const ip = a.string('ip');
    if (!ip) a.error(a.path, `${a.path} needs an ip`);
    return { ip: ip ?? '', hostnames: a.strings('hostnames') };
  });
}

/**
 * The deprecated `terminationGracePeriodSeconds` overrides both newer keys, as in GitLab Runner. The
 * model keeps the pod value under `terminationGracePeriodSeconds`, so origins are set by hand.
 */
function readGracePeriods(s: Section) {
  const quiet = entry(s);
  const deprecated = quiet.optionalInteger('terminationGracePeriodSeconds');
  const pod = quiet.optionalInteger('pod_termination_grace_period_seconds');
  const cleanup = quiet.optionalInteger('cleanup_grace_period_seconds');
  const origin = (set: boolean) => (set ? 'file' : 'default');
  s.ctx.origins[`${s.modelPath}.terminationGracePeriodSeconds`] = origin(deprecated !== undefined || pod !== undefined);
  s.ctx.origins[`${s.modelPath}.cleanupGracePeriodSeconds`] = origin(deprecated !== undefined || cleanup !== undefined);
  return { terminationGracePeriodSeconds: deprecated ?? pod, cleanupGracePeriodSeconds: deprecated ?? cleanup };
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go duration ("5m", "1h30m", "300s") in seconds, or undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (!/^((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) seconds += Number(amount) * DURATION_UNITS[unit!]!;
  return seconds;
}

/**
 * A time.Duration in GitLab Runner: TOML strings such as "5m". A bare integer would be nanoseconds
 * there, which nobody means, so it is an error. 0 or unset: 5 minutes.
 */
function readCleanupTimeout(s: Section): number {
  const key = 'cleanup_resources_timeout';
  const seconds = s.read(key, 'a duration such as "5m" or "300s"', (v) => (typeof v === 'string' ? parseGoDuration(v) : undefined));
  if (seconds === undefined || seconds <= 0) {
    if (seconds !== undefined) s.setOrigin(key, 'default');
    return 300;
  }
  return seconds;
}
