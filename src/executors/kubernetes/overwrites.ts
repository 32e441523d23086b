// A job's overwrite variables (runner-behavior.md §9.4, §11.1, §11.5): KUBERNETES_NAMESPACE_OVERWRITE,
// KUBERNETES_SERVICE_ACCOUNT_OVERWRITE, KUBERNETES_BEARER_TOKEN, KUBERNETES_POD_LABELS_*,
// KUBERNETES_POD_ANNOTATIONS_*, KUBERNETES_NODE_SELECTOR_*, KUBERNETES_NODE_TOLERATIONS_* and the
// resource variables, applied to the settings as GitLab Runner's createOverwrites does
// (executors/kubernetes/overwrites.go). Pure: settings + the job's expanded variables → effective
// settings and the lines GitLab prints, or an ExecutorError worded as GitLab words it.
//
// GitLab's semantics, followed here:
// - An overwrite whose `*_overwrite_allowed` regex (or `*_overwrite_max_allowed` ceiling) is unset is
//   ignored without a word in the job log (GitLab only logs it at debug level); so is an empty value.
// - A value the regex does not match, a map value without `=`, a quantity that does not parse, and a
//   quantity above its ceiling fail the job (GitLab returns the error from Prepare); none is ignored.
// - The regex is Go's, unanchored (MatchString), and for the map variables it is held against the
//   whole `key=value` value, not the key. `bearer_token_overwrite_allowed = true` allows any value.
// - The resource ceiling is inclusive: equal is allowed.
// Not here, as glci's settings have no place for them yet: the pod-level KUBERNETES_POD_CPU_REQUEST
// family (pod_*_overwrite_max_allowed) and a service's own KUBERNETES_SERVICE_* in its `variables:`.
import { ExecutorError } from '../../errors.js';
import type { KubernetesResources, KubernetesSettings, KubernetesToleration } from '../../model/kubernetes.js';
import { goRegExp } from '../../runner-config/go-regexp.js';
import { compareQuantities, parseQuantity, QuantityError } from './quantity.js';

export interface OverwriteVariable {
  key: string;
  value: string;
}

export interface AppliedOverwrites {
  settings: KubernetesSettings;
  /** GitLab Runner's `"Namespace" overwritten with "ci-x"` lines, in its order, for the job log. */
  notes: string[];
  /** KUBERNETES_BEARER_TOKEN replaced the token: the job's API calls need a client of their own. */
  bearerTokenOverwritten: boolean;
}

const CONFIG = '[runners.kubernetes]';

/** Go's %q for the ASCII text these messages quote. */
const q = (text: string) => JSON.stringify(text);

function overwriteError(message: string, hint: string): ExecutorError {
  return new ExecutorError('KUBE_OVERWRITE', message, hint);
}

/** Go's regexp.MatchString; an invalid pattern (settings not read from config.toml) is an error too. */
function matches(pattern: string, value: string, configKey: string): boolean {
  try {
    return goRegExp(pattern).test(value);
  } catch (error) {
    throw overwriteError(`${configKey} is not a valid regular expression: ${(error as Error).message}`, `fix ${configKey} in ${CONFIG} of config.toml`);
  }
}

interface Scalar {
  field: string;
  variable: string;
  configKey: string;
  /** Never echoed: the log shows GitLab's placeholder instead. */
  secret?: boolean;
}

function evaluateScalar(spec: Scalar, current: string | undefined, pattern: string | undefined, value: string | undefined, notes: string[]): string | undefined {
  if (!pattern || !value) return current;
  if (!matches(pattern, value, spec.configKey)) {
    throw overwriteError(
      `provided value ${q(value)} does not match ${q(pattern)} (${spec.variable}, allowed by ${spec.configKey} of ${CONFIG})`,
      `set ${spec.variable} to a value ${spec.configKey} matches, or widen that regex in config.toml`,
    );
  }
  notes.push(`${q(spec.field)} overwritten with ${q(spec.secret ? 'XXXXXXXX...' : value)}`);
  return value;
}

interface MapSpec {
  field: string;
  prefix: string;
  configKey: string;
  split: (value: string) => [string, string] | null;
}

/** `key=value` split on the first `=` (splitMapOverwrite). */
const splitPair = (value: string): [string, string] | null => {
  const at = value.indexOf('=');
  return at < 0 ? null : [value.slice(0, at), value.slice(at + 1)];
};

/** `key[=value][:effect]` split on the first `:` (splitToleration); an empty value tolerates every taint. */
const splitToleration = (value: string): [string, string] => {
  const at = value.indexOf(':');
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
};

function evaluateMap(spec: MapSpec, current: Map<string, string>, pattern: string | undefined, variables: readonly OverwriteVariable[], notes: string[]): Map<string, string> {
  if (!pattern) return current;
  const result = new Map(current);
  for (const { key, value } of variables) {
    if (!key.startsWith(spec.prefix)) continue;
    if (!matches(pattern, value, spec.configKey)) {
      throw overwriteError(
        `provided value ${q(value)} does not match ${q(pattern)} (${key}, allowed by ${spec.configKey} of ${CONFIG})`,
        `set ${key} to a value ${spec.configKey} matches, or widen that regex in config.toml`,
      );
    }
    const pair = spec.split(value);
    if (!pair) throw overwriteError(`provided value ${q(value)} does not match "k=v" (${key})`, `write ${key} as key=value`);
    result.set(pair[0], pair[1]);
    notes.push(`${q(spec.field)} ${q(pair[0])} overwritten with ${q(pair[1])}`);
  }
  return result;
}

/** GitLab keeps tolerations as a map of `key=value` (Equal) or `key` (Exists) to the effect. */
function tolerationMap(tolerations: readonly KubernetesToleration[]): Map<string, string> {
  return new Map(tolerations.map((t) => [t.operator === 'Equal' ? `${t.key}=${t.value ?? ''}` : t.key, t.effect ?? '']));
}

/** The map back as tolerations (getPodTolerations): `=` makes Equal, a bare key Exists, "" any key. */
function tolerationsOf(map: Map<string, string>): KubernetesToleration[] {
  return [...map].map(([spec, effect]) => {
    const at = spec.indexOf('=');
    const toleration: KubernetesToleration = at < 0 ? { key: spec, operator: 'Exists' } : { key: spec.slice(0, at), operator: 'Equal', value: spec.slice(at + 1) };
    if (effect) toleration.effect = effect;
    return toleration;
  });
}

// ---- resources ----------------------------------------------------------------------------------

type ResourceKey = keyof KubernetesResources;

/** Per container class: GitLab's field prefix, the variables' and config keys' infix, its wording. */
const CLASSES = [
  { name: 'build', field: '', variable: '', config: '', settings: 'build', max: 'buildOverwriteMax' },
  { name: 'service', field: 'Service', variable: 'SERVICE_', config: 'service_', settings: 'service', max: 'serviceOverwriteMax' },
  { name: 'helper', field: 'Helper', variable: 'HELPER_', config: 'helper_', settings: 'helper', max: 'helperOverwriteMax' },
] as const;

/** In GitLab's order: requests (cpu, memory, ephemeral storage), then limits. */
const KINDS = [
  { kind: 'requests', suffix: 'Request', keys: ['cpuRequest', 'memoryRequest', 'ephemeralStorageRequest'] },
  { kind: 'limits', suffix: 'Limit', keys: ['cpuLimit', 'memoryLimit', 'ephemeralStorageLimit'] },
] as const;

const RESOURCE_WORDS: Record<string, { field: string; snake: string }> = {
  cpu: { field: 'CPU', snake: 'cpu' },
  memory: { field: 'Memory', snake: 'memory' },
  ephemeralStorage: { field: 'EphemeralStorage', snake: 'ephemeral_storage' },
};

interface ResourceSpec {
  /** `CPURequest`, `HelperMemoryLimit`, ... as GitLab names them in its messages. */
  field: string;
  variable: string;
  configKey: string;
  /** `invalid build requests specified` */
  context: string;
}

function resourceSpec(cls: (typeof CLASSES)[number], kind: (typeof KINDS)[number], key: ResourceKey): ResourceSpec {
  const words = RESOURCE_WORDS[key.replace(/Request$|Limit$/, '')]!;
  const snake = `${words.snake}_${kind.suffix.toLowerCase()}`;
  return {
    field: `${cls.field}${words.field}${kind.suffix}`,
    variable: `KUBERNETES_${cls.variable}${snake.toUpperCase()}`,
    configKey: `${cls.config}${snake}_overwrite_max_allowed`,
    context: `invalid ${cls.name} ${kind.kind} specified`,
  };
}

function parsed(text: string, spec: ResourceSpec, what: string) {
  try {
    return parseQuantity(text);
  } catch (error) {
    if (!(error instanceof QuantityError)) throw error;
    throw overwriteError(`${spec.context}: parsing resource limit: ${q(error.message)} (${what} ${q(text)})`, `write ${spec.variable} as a Kubernetes quantity such as "500m", "2" or "1Gi"`);
  }
}

function evaluateResource(spec: ResourceSpec, current: string | undefined, max: string | undefined, value: string | undefined, notes: string[]): string | undefined {
  if (!max || !value) return current;
  const ceiling = parsed(max, spec, spec.configKey);
  const wanted = parsed(value, spec, spec.variable);
  if (compareQuantities(wanted, ceiling) > 0) {
    throw overwriteError(
      `${spec.context}: the resource ${q(spec.field)} requested ${q(value)} is higher than limit allowed ${q(max)} (${spec.variable} above ${spec.configKey} of ${CONFIG})`,
      `lower ${spec.variable} to at most ${max}, or raise ${spec.configKey} in config.toml`,
    );
  }
  notes.push(`${q(spec.field)} overwritten with ${q(value)}`);
  return value;
}

function evaluateResources(settings: KubernetesSettings, lookup: (key: string) => string | undefined, notes: string[]) {
  const out = { build: { ...settings.build }, service: { ...settings.service }, helper: { ...settings.helper } };
  for (const cls of CLASSES) {
    for (const kind of KINDS) {
      for (const key of kind.keys) {
        const spec = resourceSpec(cls, kind, key);
        const value = evaluateResource(spec, settings[cls.settings][key], settings[cls.max][key], lookup(spec.variable), notes);
        if (value === undefined) delete out[cls.settings][key];
        else out[cls.settings][key] = value;
      }
    }
  }
  return out;
}

// ---- the whole -----------------------------------------------------------------------------------

const PREFIXES = {
  labels: 'KUBERNETES_POD_LABELS_',
  annotations: 'KUBERNETES_POD_ANNOTATIONS_',
  nodeSelector: 'KUBERNETES_NODE_SELECTOR_',
  tolerations: 'KUBERNETES_NODE_TOLERATIONS_',
} as const;

/**
 * The settings a job runs with once its overwrite variables are applied. `variables` are the job's,
 * already expanded (GitLab calls variables.Expand() first); of repeated keys the last one counts.
 */
export function applyOverwrites(settings: KubernetesSettings, variables: readonly OverwriteVariable[]): AppliedOverwrites {
  const notes: string[] = [];
  const lookup = (key: string) => variables.findLast((v) => v.key === key)?.value;
  const namespace = evaluateScalar(
    { field: 'Namespace', variable: 'KUBERNETES_NAMESPACE_OVERWRITE', configKey: 'namespace_overwrite_allowed' },
    settings.namespace, settings.namespaceOverwriteAllowed, lookup('KUBERNETES_NAMESPACE_OVERWRITE'), notes,
  ) ?? '';
  const serviceAccount = evaluateScalar(
    { field: 'ServiceAccount', variable: 'KUBERNETES_SERVICE_ACCOUNT_OVERWRITE', configKey: 'service_account_overwrite_allowed' },
    settings.serviceAccount, settings.serviceAccountOverwriteAllowed, lookup('KUBERNETES_SERVICE_ACCOUNT_OVERWRITE'), notes,
  );
  const bearerToken = evaluateScalar(
    { field: 'BearerToken', variable: 'KUBERNETES_BEARER_TOKEN', configKey: 'bearer_token_overwrite_allowed', secret: true },
    settings.bearerToken, settings.bearerTokenOverwriteAllowed ? '.+' : undefined, lookup('KUBERNETES_BEARER_TOKEN'), notes,
  );
  const map = (field: string, prefix: string, configKey: string, current: Record<string, string>, pattern: string | undefined) =>
    Object.fromEntries(evaluateMap({ field, prefix, configKey, split: splitPair }, new Map(Object.entries(current)), pattern, variables, notes));
  const podLabels = map('PodLabels', PREFIXES.labels, 'pod_labels_overwrite_allowed', settings.podLabels, settings.podLabelsOverwriteAllowed);
  const podAnnotations = map('PodAnnotations', PREFIXES.annotations, 'pod_annotations_overwrite_allowed', settings.podAnnotations, settings.podAnnotationsOverwriteAllowed);
  const nodeSelector = map('NodeSelector', PREFIXES.nodeSelector, 'node_selector_overwrite_allowed', settings.nodeSelector, settings.nodeSelectorOverwriteAllowed);
  const tolerations = evaluateMap(
    { field: 'NodeTolerations', prefix: PREFIXES.tolerations, configKey: 'node_tolerations_overwrite_allowed', split: splitToleration },
    tolerationMap(settings.nodeTolerations), settings.nodeTolerationsOverwriteAllowed, variables, notes,
  );
  const resources = evaluateResources(settings, lookup, notes);
  const effective: KubernetesSettings = {
    ...settings,
    namespace,
    podLabels,
    podAnnotations,
    nodeSelector,
    nodeTolerations: settings.nodeTolerationsOverwriteAllowed ? tolerationsOf(tolerations) : settings.nodeTolerations,
    ...resources,
  };
  setOptional(effective, 'serviceAccount', serviceAccount);
  setOptional(effective, 'bearerToken', bearerToken);
  return { settings: effective, notes, bearerTokenOverwritten: bearerToken !== settings.bearerToken };
}

/** exactOptionalPropertyTypes: an optional key is absent, never undefined. */
function setOptional<K extends 'serviceAccount' | 'bearerToken'>(target: KubernetesSettings, key: K, value: string | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}
