// A job's KUBERNETES_* overwrite variables against the settings, with GitLab Runner's semantics
// (executors/kubernetes/overwrites.go): unset permission → ignored; refused value → the job fails.
import { describe, expect, it } from 'vitest';
import { ExecutorError } from '../../../src/errors.js';
import { applyOverwrites, type OverwriteVariable } from '../../../src/executors/kubernetes/overwrites.js';
import type { KubernetesSettings } from '../../../src/model/kubernetes.js';
import { kubernetesSettings } from '../../support/runner-settings.js';

const vars = (entries: Record<string, string> | [string, string][]): OverwriteVariable[] =>
  (Array.isArray(entries) ? entries : Object.entries(entries)).map(([key, value]) => ({ key, value }));

function apply(settings: Partial<KubernetesSettings>, variables: Record<string, string> | [string, string][]) {
  return applyOverwrites(kubernetesSettings(settings), vars(variables));
}

function refusal(settings: Partial<KubernetesSettings>, variables: Record<string, string> | [string, string][]): ExecutorError {
  try {
    apply(settings, variables);
  } catch (error) {
    expect(error).toBeInstanceOf(ExecutorError);
    return error as ExecutorError;
  }
  throw new Error('expected the overwrite to be refused');
}

describe('namespace and service account overwrites', () => {
  it.each([
    ['no regex: ignored', {}, { KUBERNETES_NAMESPACE_OVERWRITE: 'ci-x' }, 'team'],
    ['matching the regex', { namespaceOverwriteAllowed: '^ci-' }, { KUBERNETES_NAMESPACE_OVERWRITE: 'ci-x' }, 'ci-x'],
    ['the regex is not anchored (MatchString)', { namespaceOverwriteAllowed: 'ci' }, { KUBERNETES_NAMESPACE_OVERWRITE: 'my-ci-ns' }, 'my-ci-ns'],
    ['Go flags lead the regex', { namespaceOverwriteAllowed: '(?i)^CI-' }, { KUBERNETES_NAMESPACE_OVERWRITE: 'ci-x' }, 'ci-x'],
    ['an empty value keeps the setting', { namespaceOverwriteAllowed: '.*' }, { KUBERNETES_NAMESPACE_OVERWRITE: '' }, 'team'],
    ['the last of repeated keys counts', { namespaceOverwriteAllowed: '^ci-' }, [['KUBERNETES_NAMESPACE_OVERWRITE', 'prod'], ['KUBERNETES_NAMESPACE_OVERWRITE', 'ci-b']] as [string, string][], 'ci-b'],
  ] as const)('namespace: %s', (_, settings, variables, namespace) => {
    const applied = apply({ namespace: 'team', ...settings }, variables as Record<string, string>);
    expect(applied.settings.namespace).toBe(namespace);
    expect(applied.notes).toEqual(namespace === 'team' ? [] : [`"Namespace" overwritten with "${namespace}"`]);
  });

  it('refuses a namespace the regex does not match, in GitLab\'s words, naming variable and key', () => {
    const error = refusal({ namespaceOverwriteAllowed: '^ci-' }, { KUBERNETES_NAMESPACE_OVERWRITE: 'production' });
    expect(error.message).toContain('provided value "production" does not match "^ci-"');
    expect(error.message).toContain('KUBERNETES_NAMESPACE_OVERWRITE');
    expect(error.message).toContain('namespace_overwrite_allowed');
    expect(error.code).toBe('KUBE_OVERWRITE');
  });

  it('overwrites the service account only where service_account_overwrite_allowed matches', () => {
    expect(apply({ serviceAccount: 'ci' }, { KUBERNETES_SERVICE_ACCOUNT_OVERWRITE: 'deployer' }).settings.serviceAccount).toBe('ci');
    const applied = apply({ serviceAccount: 'ci', serviceAccountOverwriteAllowed: '^deploy' }, { KUBERNETES_SERVICE_ACCOUNT_OVERWRITE: 'deployer' });
    expect(applied.settings.serviceAccount).toBe('deployer');
    expect(applied.notes).toEqual(['"ServiceAccount" overwritten with "deployer"']);
    expect(refusal({ serviceAccountOverwriteAllowed: '^deploy' }, { KUBERNETES_SERVICE_ACCOUNT_OVERWRITE: 'admin' }).message)
      .toContain('provided value "admin" does not match "^deploy" (KUBERNETES_SERVICE_ACCOUNT_OVERWRITE, allowed by service_account_overwrite_allowed');
  });
});

describe('bearer token overwrite', () => {
  it('is ignored unless bearer_token_overwrite_allowed', () => {
    const applied = apply({ bearerToken: 'runner-token' }, { KUBERNETES_BEARER_TOKEN: 'job-token' });
    expect(applied.settings.bearerToken).toBe('runner-token');
    expect(applied.bearerTokenOverwritten).toBe(false);
    expect(applied.notes).toEqual([]);
  });

  it('replaces the token when allowed, and never writes it to the log', () => {
    const applied = apply({ bearerToken: 'runner-token', bearerTokenOverwriteAllowed: true }, { KUBERNETES_BEARER_TOKEN: 'job-token' });
    expect(applied.settings.bearerToken).toBe('job-token');
    expect(applied.bearerTokenOverwritten).toBe(true);
    expect(applied.notes).toEqual(['"BearerToken" overwritten with "XXXXXXXX..."']);
  });

  it('keeps the configured token for an empty value', () => {
    const applied = apply({ bearerTokenOverwriteAllowed: true }, { KUBERNETES_BEARER_TOKEN: '' });
    expect(applied.settings.bearerToken).toBeUndefined();
    expect(applied.bearerTokenOverwritten).toBe(false);
  });
});

describe('labels, annotations and node selector (key=value)', () => {
  it.each([
    ['no regex: ignored', {}, { KUBERNETES_POD_LABELS_1: 'team=web' }, { team: 'infra' }],
    ['a new key', { podLabelsOverwriteAllowed: '.*' }, { KUBERNETES_POD_LABELS_1: 'tier=ci' }, { team: 'infra', tier: 'ci' }],
    ['a configured key replaced', { podLabelsOverwriteAllowed: '.*' }, { KUBERNETES_POD_LABELS_TEAM: 'team=web' }, { team: 'web' }],
    ['split on the first =', { podLabelsOverwriteAllowed: '.*' }, { KUBERNETES_POD_LABELS_1: 'a=b=c' }, { team: 'infra', a: 'b=c' }],
    ['an empty value after =', { podLabelsOverwriteAllowed: '.*' }, { KUBERNETES_POD_LABELS_1: 'empty=' }, { team: 'infra', empty: '' }],
    ['later variables win', { podLabelsOverwriteAllowed: '.*' }, { KUBERNETES_POD_LABELS_1: 'x=1', KUBERNETES_POD_LABELS_2: 'x=2' }, { team: 'infra', x: '2' }],
    ['the regex reads the whole key=value', { podLabelsOverwriteAllowed: '^tier=(ci|qa)$' }, { KUBERNETES_POD_LABELS_1: 'tier=qa' }, { team: 'infra', tier: 'qa' }],
    ['other variables are not overwrites', { podLabelsOverwriteAllowed: '^never$' }, { KUBERNETES_POD_LABEL: 'x=y', POD_LABELS_1: 'x=y' }, { team: 'infra' }],
  ] as const)('pod labels: %s', (_, settings, variables, labels) => {
    expect(apply({ podLabels: { team: 'infra' }, ...settings }, variables).settings.podLabels).toEqual(labels);
  });

  it('writes GitLab\'s line per overwritten key', () => {
    const applied = apply({ podAnnotationsOverwriteAllowed: '.*' }, { KUBERNETES_POD_ANNOTATIONS_1: 'example.com/owner=qa' });
    expect(applied.settings.podAnnotations).toEqual({ 'example.com/owner': 'qa' });
    expect(applied.notes).toEqual(['"PodAnnotations" "example.com/owner" overwritten with "qa"']);
  });

  it.each([
    [{ podLabelsOverwriteAllowed: '^tier=' }, { KUBERNETES_POD_LABELS_1: 'team=web' }, 'provided value "team=web" does not match "^tier=" (KUBERNETES_POD_LABELS_1, allowed by pod_labels_overwrite_allowed'],
    [{ podLabelsOverwriteAllowed: '.*' }, { KUBERNETES_POD_LABELS_1: 'team' }, 'provided value "team" does not match "k=v" (KUBERNETES_POD_LABELS_1)'],
    [{ podAnnotationsOverwriteAllowed: '^a' }, { KUBERNETES_POD_ANNOTATIONS_X: 'b=1' }, 'provided value "b=1" does not match "^a" (KUBERNETES_POD_ANNOTATIONS_X, allowed by pod_annotations_overwrite_allowed'],
    [{ nodeSelectorOverwriteAllowed: '^kubernetes.io/arch=' }, { KUBERNETES_NODE_SELECTOR_POOL: 'pool=gpu' }, 'provided value "pool=gpu" does not match "^kubernetes.io/arch=" (KUBERNETES_NODE_SELECTOR_POOL, allowed by node_selector_overwrite_allowed'],
  ] as const)('refuses %j with %j', (settings, variables, message) => {
    expect(refusal(settings, variables).message).toContain(message);
  });

  it('overwrites the node selector', () => {
    const applied = apply(
      { nodeSelector: { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux' }, nodeSelectorOverwriteAllowed: '^kubernetes.io/arch=' },
      { KUBERNETES_NODE_SELECTOR_ARCH: 'kubernetes.io/arch=arm64' },
    );
    expect(applied.settings.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux' });
    expect(applied.notes).toEqual(['"NodeSelector" "kubernetes.io/arch" overwritten with "arm64"']);
  });
});

describe('node tolerations (key[=value][:effect])', () => {
  it('reads the forms of GitLab\'s documentation', () => {
    const applied = apply({ nodeTolerationsOverwriteAllowed: '.*' }, {
      KUBERNETES_NODE_TOLERATIONS_1: 'node-role.kubernetes.io/master:NoSchedule',
      KUBERNETES_NODE_TOLERATIONS_2: 'custom.toleration=value:NoSchedule',
      KUBERNETES_NODE_TOLERATIONS_3: 'empty.value=:PreferNoSchedule',
      KUBERNETES_NODE_TOLERATIONS_4: 'onlyKey',
      KUBERNETES_NODE_TOLERATIONS_5: '',
    });
    expect(applied.settings.nodeTolerations).toEqual([
      { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'custom.toleration', operator: 'Equal', value: 'value', effect: 'NoSchedule' },
      { key: 'empty.value', operator: 'Equal', value: '', effect: 'PreferNoSchedule' },
      { key: 'onlyKey', operator: 'Exists' },
      // Empty: any key, any effect — tolerates every taint.
      { key: '', operator: 'Exists' },
    ]);
    expect(applied.notes[1]).toBe('"NodeTolerations" "custom.toleration=value" overwritten with "NoSchedule"');
  });

  it('changes the effect of a configured toleration and keeps the others', () => {
    const nodeTolerations = [{ key: 'dedicated', operator: 'Equal' as const, value: 'ci', effect: 'NoSchedule' }, { key: 'spot', operator: 'Exists' as const }];
    expect(apply({ nodeTolerations, nodeTolerationsOverwriteAllowed: '^dedicated=' }, { KUBERNETES_NODE_TOLERATIONS_1: 'dedicated=ci:NoExecute' }).settings.nodeTolerations)
      .toEqual([{ key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoExecute' }, { key: 'spot', operator: 'Exists' }]);
    expect(apply({ nodeTolerations }, { KUBERNETES_NODE_TOLERATIONS_1: 'dedicated=ci:NoExecute' }).settings.nodeTolerations).toBe(nodeTolerations);
    expect(refusal({ nodeTolerations, nodeTolerationsOverwriteAllowed: '^dedicated=' }, { KUBERNETES_NODE_TOLERATIONS_1: '' }).message)
      .toContain('provided value "" does not match "^dedicated=" (KUBERNETES_NODE_TOLERATIONS_1, allowed by node_tolerations_overwrite_allowed');
  });
});

describe('resource overwrites up to *_overwrite_max_allowed', () => {
  it.each([
    ['no ceiling: ignored', { build: { cpuRequest: '100m' } }, { KUBERNETES_CPU_REQUEST: '8' }, { build: { cpuRequest: '100m' } }],
    ['below the ceiling', { buildOverwriteMax: { cpuRequest: '2' } }, { KUBERNETES_CPU_REQUEST: '500m' }, { build: { cpuRequest: '500m' } }],
    ['equal to the ceiling (1.5 = 1500m)', { buildOverwriteMax: { cpuLimit: '1500m' } }, { KUBERNETES_CPU_LIMIT: '1.5' }, { build: { cpuLimit: '1.5' } }],
    ['binary below decimal (1000Mi < 1.1G)', { buildOverwriteMax: { memoryRequest: '1.1G' } }, { KUBERNETES_MEMORY_REQUEST: '1000Mi' }, { build: { memoryRequest: '1000Mi' } }],
    ['replaces the configured value', { build: { memoryLimit: '1Gi' }, buildOverwriteMax: { memoryLimit: '4Gi' } }, { KUBERNETES_MEMORY_LIMIT: '2Gi' }, { build: { memoryLimit: '2Gi' } }],
    ['an empty value keeps it', { build: { memoryLimit: '1Gi' }, buildOverwriteMax: { memoryLimit: '4Gi' } }, { KUBERNETES_MEMORY_LIMIT: '' }, { build: { memoryLimit: '1Gi' } }],
    ['ephemeral storage', { buildOverwriteMax: { ephemeralStorageRequest: '10Gi', ephemeralStorageLimit: '20Gi' } }, { KUBERNETES_EPHEMERAL_STORAGE_REQUEST: '5Gi', KUBERNETES_EPHEMERAL_STORAGE_LIMIT: '20Gi' }, { build: { ephemeralStorageRequest: '5Gi', ephemeralStorageLimit: '20Gi' } }],
    ['helper', { helperOverwriteMax: { cpuRequest: '1', memoryLimit: '512Mi' } }, { KUBERNETES_HELPER_CPU_REQUEST: '250m', KUBERNETES_HELPER_MEMORY_LIMIT: '256Mi' }, { helper: { cpuRequest: '250m', memoryLimit: '256Mi' } }],
    ['service', { serviceOverwriteMax: { cpuLimit: '2', ephemeralStorageRequest: '1Gi' } }, { KUBERNETES_SERVICE_CPU_LIMIT: '2', KUBERNETES_SERVICE_EPHEMERAL_STORAGE_REQUEST: '1G' }, { service: { cpuLimit: '2', ephemeralStorageRequest: '1G' } }],
    ['a build ceiling does not open the helper variable', { buildOverwriteMax: { cpuRequest: '2' } }, { KUBERNETES_HELPER_CPU_REQUEST: '1' }, { helper: {}, build: {} }],
  ] as const)('%s', (_, settings, variables, expected) => {
    const effective = apply(settings as Partial<KubernetesSettings>, variables).settings;
    for (const [cls, resources] of Object.entries(expected)) expect(effective[cls as 'build']).toEqual(resources);
  });

  it('writes GitLab\'s line for each overwritten resource, in its order', () => {
    const applied = apply(
      { buildOverwriteMax: { cpuRequest: '2', cpuLimit: '2' }, helperOverwriteMax: { memoryRequest: '1Gi' }, serviceOverwriteMax: { memoryLimit: '1Gi' } },
      { KUBERNETES_HELPER_MEMORY_REQUEST: '64Mi', KUBERNETES_CPU_LIMIT: '1', KUBERNETES_SERVICE_MEMORY_LIMIT: '128Mi', KUBERNETES_CPU_REQUEST: '1' },
    );
    expect(applied.notes).toEqual([
      '"CPURequest" overwritten with "1"',
      '"CPULimit" overwritten with "1"',
      '"ServiceMemoryLimit" overwritten with "128Mi"',
      '"HelperMemoryRequest" overwritten with "64Mi"',
    ]);
  });

  it.each([
    [{ buildOverwriteMax: { cpuRequest: '2' } }, { KUBERNETES_CPU_REQUEST: '2001m' },
      'invalid build requests specified: the resource "CPURequest" requested "2001m" is higher than limit allowed "2" (KUBERNETES_CPU_REQUEST above cpu_request_overwrite_max_allowed'],
    [{ buildOverwriteMax: { memoryLimit: '1G' } }, { KUBERNETES_MEMORY_LIMIT: '1Gi' },
      'invalid build limits specified: the resource "MemoryLimit" requested "1Gi" is higher than limit allowed "1G" (KUBERNETES_MEMORY_LIMIT above memory_limit_overwrite_max_allowed'],
    [{ helperOverwriteMax: { ephemeralStorageLimit: '1Gi' } }, { KUBERNETES_HELPER_EPHEMERAL_STORAGE_LIMIT: '1025Mi' },
      'invalid helper limits specified: the resource "HelperEphemeralStorageLimit" requested "1025Mi" is higher than limit allowed "1Gi" (KUBERNETES_HELPER_EPHEMERAL_STORAGE_LIMIT above helper_ephemeral_storage_limit_overwrite_max_allowed'],
    [{ serviceOverwriteMax: { cpuRequest: '500m' } }, { KUBERNETES_SERVICE_CPU_REQUEST: '0.6' },
      'invalid service requests specified: the resource "ServiceCPURequest" requested "0.6" is higher than limit allowed "500m" (KUBERNETES_SERVICE_CPU_REQUEST above service_cpu_request_overwrite_max_allowed'],
    [{ buildOverwriteMax: { cpuRequest: '2' } }, { KUBERNETES_CPU_REQUEST: 'two' },
      'invalid build requests specified: parsing resource limit: "quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'" (KUBERNETES_CPU_REQUEST "two")'],
    [{ buildOverwriteMax: { memoryRequest: '1Gi' } }, { KUBERNETES_MEMORY_REQUEST: '1GB' },
      'invalid build requests specified: parsing resource limit: "quantities must match'],
    [{ buildOverwriteMax: { memoryRequest: '1Gi' } }, { KUBERNETES_MEMORY_REQUEST: '1K' },
      'invalid build requests specified: parsing resource limit: "unable to parse quantity\'s suffix" (KUBERNETES_MEMORY_REQUEST "1K")'],
  ] as const)('refuses %j with %j', (settings, variables, message) => {
    const error = refusal(settings as Partial<KubernetesSettings>, variables);
    expect(error.message).toContain(message);
    expect(error.hint).toMatch(/KUBERNETES_/);
  });

  it('names the variable and the ceiling in the hint', () => {
    expect(refusal({ buildOverwriteMax: { cpuRequest: '2' } }, { KUBERNETES_CPU_REQUEST: '3' }).hint)
      .toBe('lower KUBERNETES_CPU_REQUEST to at most 2, or raise cpu_request_overwrite_max_allowed in config.toml');
  });

  it('leaves the given settings untouched', () => {
    const settings = kubernetesSettings({ build: { cpuRequest: '1' }, buildOverwriteMax: { cpuRequest: '2' }, podLabels: { a: 'b' }, podLabelsOverwriteAllowed: '.*' });
    const copy = structuredClone(settings);
    applyOverwrites(settings, vars({ KUBERNETES_CPU_REQUEST: '2', KUBERNETES_POD_LABELS_1: 'c=d' }));
    expect(settings).toEqual(copy);
  });
});
