// Runner settings for executor tests: GitLab Runner's defaults for a `[[runners]]` entry with a
// `[runners.docker]` table, with any field overridden.
import type { KubernetesSettings } from '../../src/model/kubernetes.js';
import type { DockerSettings, RunnerSettings } from '../../src/model/runner.js';

export function dockerSettings(overrides: Partial<DockerSettings> = {}): DockerSettings {
  return {
    tlsVerify: false,
    privileged: false,
    privilegedFallback: false,
    capAdd: [],
    capDrop: [],
    securityOpt: [],
    servicesSecurityOpt: [],
    devices: [],
    servicesDevices: {},
    volumes: [],
    tmpfs: {},
    servicesTmpfs: {},
    servicesLimit: -1,
    shmSize: 0,
    dns: [],
    dnsSearch: [],
    extraHosts: [],
    oomKillDisable: false,
    pullPolicy: ['if-not-present'],
    pullPolicyOrigin: 'glci-default',
    allowedPullPolicies: ['always', 'if-not-present', 'never'],
    allowedImages: [],
    allowedServices: [],
    allowedPrivilegedImages: [],
    allowedPrivilegedServices: [],
    allowedUsers: [],
    disableCache: false,
    disableEntrypointOverwrite: false,
    waitForServicesTimeout: 0,
    services: [],
    containerLabels: {},
    ...overrides,
  };
}

export function runnerSettings(overrides: Partial<RunnerSettings> = {}): RunnerSettings {
  return {
    name: 'test-runner',
    url: '',
    token: '',
    executor: 'docker',
    environment: [],
    limit: 0,
    requestConcurrency: 1,
    outputLimit: 4096,
    featureFlags: {},
    tags: [],
    runUntagged: true,
    index: 1,
    ...overrides,
  };
}

/** GitLab Runner's defaults for `[runners.kubernetes]`, with any field overridden. */
export function kubernetesSettings(overrides: Partial<KubernetesSettings> = {}): KubernetesSettings {
  const none = {};
  return {
    bearerTokenOverwriteAllowed: false,
    namespace: 'default',
    namespacePerJob: false,
    capAdd: [],
    capDrop: ['NET_RAW'],
    build: none,
    helper: none,
    service: none,
    pod: none,
    buildOverwriteMax: none,
    helperOverwriteMax: none,
    serviceOverwriteMax: none,
    pollInterval: 3,
    pollTimeout: 180,
    nodeSelector: {},
    nodeTolerations: [],
    imagePullSecrets: [],
    useServiceAccountImagePullSecrets: false,
    pullPolicy: [],
    allowedPullPolicies: [],
    allowedImages: [],
    allowedServices: [],
    allowedUsers: [],
    allowedGroups: [],
    podLabels: {},
    podAnnotations: {},
    hostAliases: [],
    cleanupResourcesTimeout: 300,
    services: [],
    volumes: [],
    podSpec: [],
    ...overrides,
  };
}
