// `[runners.kubernetes]` → KubernetesSettings: GitLab Runner's defaults, every key family, and errors at
// FILE:LINE:COLUMN naming the key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubernetesSettings } from '../../src/model/kubernetes.js';
import { describeRunnerConfig, parseRunnerConfig, redactRunnerConfig } from '../../src/runner-config/index.js';
import { parseGoDuration } from '../../src/runner-config/kubernetes-section.js';
import { errorsOf, load, toml, warningsOf } from './support.js';

const HEAD = ['[[runners]]', '  executor = "kubernetes"', '  [runners.kubernetes]'];

function k8s(...lines: string[]): KubernetesSettings {
  const config = load(toml(...HEAD, ...lines));
  expect(warningsOf(config)).toEqual([]);
  return config.runners[0]!.kubernetes!;
}

describe('defaults', () => {
  it('are GitLab Runner\'s for an empty table', () => {
    expect(k8s()).toEqual({
      host: undefined, context: undefined, certFile: undefined, keyFile: undefined, caFile: undefined, bearerToken: undefined,
      bearerTokenOverwriteAllowed: false, namespace: 'default', namespaceOverwriteAllowed: undefined, namespacePerJob: false,
      privileged: undefined, allowPrivilegeEscalation: undefined, capAdd: [], capDrop: ['NET_RAW'], runtimeClassName: undefined,
      podSecurityContext: undefined, buildContainerSecurityContext: undefined, helperContainerSecurityContext: undefined,
      serviceContainerSecurityContext: undefined, initPermissionsContainerSecurityContext: undefined,
      build: {}, helper: {}, service: {}, pod: {}, buildOverwriteMax: {}, helperOverwriteMax: {}, serviceOverwriteMax: {},
      pollInterval: 3, pollTimeout: 180, nodeSelector: {}, nodeSelectorOverwriteAllowed: undefined, nodeTolerations: [],
      nodeTolerationsOverwriteAllowed: undefined, affinity: undefined, schedulerName: undefined, priorityClassName: undefined,
      image: undefined, helperImage: undefined, pullPolicy: [], allowedPullPolicies: [], allowedImages: [], allowedServices: [], allowedUsers: [], allowedGroups: [],
      imagePullSecrets: [], serviceAccount: undefined, serviceAccountOverwriteAllowed: undefined,
      automountServiceAccountToken: undefined, useServiceAccountImagePullSecrets: false,
      podLabels: {}, podLabelsOverwriteAllowed: undefined, podAnnotations: {}, podAnnotationsOverwriteAllowed: undefined,
      dnsPolicy: undefined, hostAliases: [], terminationGracePeriodSeconds: undefined, cleanupGracePeriodSeconds: undefined,
      cleanupResourcesTimeout: 300, services: [], volumes: [], podSpec: [],
    });
  });

  it('empty namespace and zero polls mean the defaults; a kubernetes runner without the table gets them with a warning', () => {
    expect(k8s('namespace = ""', 'poll_interval = 0', 'poll_timeout = -1', 'cleanup_resources_timeout = "0s"')).toMatchObject({
      namespace: 'default', pollInterval: 3, pollTimeout: 180, cleanupResourcesTimeout: 300,
    });
    const bare = load(toml('[[runners]]', '  executor = "kubernetes"'));
    expect(warningsOf(bare)).toEqual(['1: runners[0] uses the kubernetes executor but has no [runners.kubernetes] table: glci uses GitLab Runner\'s defaults']);
    expect(bare.runners[0]!.kubernetes).toMatchObject({ namespace: 'default', capDrop: ['NET_RAW'] });
  });

  it('other executors get no kubernetes settings unless the table is there', () => {
    expect(load(toml('[[runners]]', 'executor = "docker"', '[runners.docker]')).runners[0]!.kubernetes).toBeUndefined();
    expect(load(toml('[[runners]]', 'executor = "shell"', '[runners.kubernetes]', 'namespace = "x"')).runners[0]!.kubernetes!.namespace).toBe('x');
  });
});

describe('key families', () => {
  it('cluster access and namespace', () => {
    expect(k8s(
      'host = "https://k8s.example.com:6443"', 'context = "prod"', 'cert_file = "/c.pem"', 'key_file = "/k.pem"', 'ca_file = "/ca.pem"',
      'bearer_token = "t0k"', 'bearer_token_overwrite_allowed = true', 'namespace = "ci"', 'namespace_overwrite_allowed = "^ci-.*$"',
      'namespace_per_job = true',
    )).toMatchObject({
      host: 'https://k8s.example.com:6443', context: 'prod', certFile: '/c.pem', keyFile: '/k.pem', caFile: '/ca.pem', bearerToken: 't0k',
      bearerTokenOverwriteAllowed: true, namespace: 'ci', namespaceOverwriteAllowed: '^ci-.*$', namespacePerJob: true,
    });
  });

  it('capabilities: NET_RAW is dropped unless cap_add adds it; cap_drop wins', () => {
    expect(k8s('cap_add = ["SYS_TIME"]', 'cap_drop = ["SYS_ADMIN"]')).toMatchObject({ capAdd: ['SYS_TIME'], capDrop: ['NET_RAW', 'SYS_ADMIN'] });
    expect(k8s('cap_add = ["NET_RAW"]').capDrop).toEqual([]);
    expect(k8s('cap_add = ["NET_RAW"]', 'cap_drop = ["NET_RAW"]').capDrop).toEqual(['NET_RAW']);
  });

  it('resources of every container class and their overwrite ceilings', () => {
    const s = k8s(
      'cpu_request = "500m"', 'cpu_limit = "2"', 'memory_request = "1Gi"', 'memory_limit = "2Gi"',
      'ephemeral_storage_request = "1G"', 'ephemeral_storage_limit = "10e9"',
      'helper_cpu_request = "100m"', 'helper_memory_limit = "256Mi"', 'service_cpu_limit = "1.5"', 'service_ephemeral_storage_limit = "5Gi"',
      'pod_cpu_request = "3"', 'pod_memory_limit = "8Gi"',
      'cpu_request_overwrite_max_allowed = "4"', 'memory_limit_overwrite_max_allowed = "16Gi"',
      'helper_cpu_limit_overwrite_max_allowed = "1"', 'service_memory_limit_overwrite_max_allowed = "4Gi"',
      'service_ephemeral_storage_request = "1G"',
    );
    expect(s.build).toEqual({ cpuRequest: '500m', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '2Gi', ephemeralStorageRequest: '1G', ephemeralStorageLimit: '10e9' });
    expect(s.helper).toEqual({ cpuRequest: '100m', memoryLimit: '256Mi' });
    expect(s.service).toEqual({ cpuLimit: '1.5', ephemeralStorageLimit: '5Gi', ephemeralStorageRequest: '1G' });
    expect(s.pod).toEqual({ cpuRequest: '3', memoryLimit: '8Gi' });
    expect(s.buildOverwriteMax).toEqual({ cpuRequest: '4', memoryLimit: '16Gi' });
    expect(s.helperOverwriteMax).toEqual({ cpuLimit: '1' });
    expect(s.serviceOverwriteMax).toEqual({ memoryLimit: '4Gi' });
  });

  it('scheduling: selector, tolerations, affinity, scheduler', () => {
    const s = k8s(
      'node_selector = { "kubernetes.io/os" = "linux", "node-pool" = "ci" }', 'node_selector_overwrite_allowed = ".*"',
      'node_tolerations = { "dedicated=ci" = "NoSchedule", "spot" = "", "gpu=" = "NoExecute" }', 'node_tolerations_overwrite_allowed = "^x"',
      'scheduler_name = "custom"', 'priority_class_name = "ci-low"', 'poll_interval = 5', 'poll_timeout = 600',
    );
    expect(s).toMatchObject({
      nodeSelector: { 'kubernetes.io/os': 'linux', 'node-pool': 'ci' }, nodeSelectorOverwriteAllowed: '.*', nodeTolerationsOverwriteAllowed: '^x',
      schedulerName: 'custom', priorityClassName: 'ci-low', pollInterval: 5, pollTimeout: 600,
    });
    expect(s.nodeTolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule' },
      { key: 'spot', operator: 'Exists' },
      { key: 'gpu', operator: 'Equal', value: '', effect: 'NoExecute' },
    ]);
  });

  it('affinity: snake_case tables become Kubernetes camelCase; label names stay as written', () => {
    const s = k8s(
      '[runners.kubernetes.affinity.node_affinity.required_during_scheduling_ignored_during_execution]',
      '  [[runners.kubernetes.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_terms]]',
      '    [[runners.kubernetes.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_terms.match_expressions]]',
      '      key = "kubernetes.io/arch"', '      operator = "In"', '      values = ["amd64"]',
      '[[runners.kubernetes.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution]]',
      '  weight = 100',
      '  [runners.kubernetes.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution.pod_affinity_term]',
      '    topology_key = "kubernetes.io/hostname"',
      '    [runners.kubernetes.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution.pod_affinity_term.label_selector]',
      '      match_labels = { "app.kubernetes.io/managed_by" = "glci" }',
    );
    expect(s.affinity).toEqual({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }] } },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/managed_by': 'glci' } } },
        }],
      },
    });
  });

  it('images, pull policies and service accounts', () => {
    expect(k8s(
      'image = "alpine:3.20"', 'helper_image = "registry.example.com/helper:x"', 'pull_policy = "if-not-present"',
      'allowed_images = ["alpine:*"]', 'allowed_services = ["postgres:*"]', 'image_pull_secrets = ["regcred"]',
      'service_account = "ci"', 'service_account_overwrite_allowed = "ci-.*"', 'automount_service_account_token = false',
      'use_service_account_image_pull_secrets = true',
    )).toMatchObject({
      image: 'alpine:3.20', helperImage: 'registry.example.com/helper:x', pullPolicy: ['if-not-present'], allowedPullPolicies: ['if-not-present'],
      allowedImages: ['alpine:*'], allowedServices: ['postgres:*'], imagePullSecrets: ['regcred'], serviceAccount: 'ci',
      serviceAccountOverwriteAllowed: 'ci-.*', automountServiceAccountToken: false, useServiceAccountImagePullSecrets: true,
    });
    expect(k8s('pull_policy = ["always", "if-not-present"]', 'allowed_pull_policies = ["never"]')).toMatchObject({
      pullPolicy: ['always', 'if-not-present'], allowedPullPolicies: ['never'],
    });
  });

  it('pod metadata, dns, host aliases and grace periods', () => {
    const s = k8s(
      'pod_labels = { team = "web" }', 'pod_labels_overwrite_allowed = "^team$"', 'pod_annotations = { "a/b" = "c" }',
      'pod_annotations_overwrite_allowed = ".*"', 'dns_policy = "cluster-first"', 'pod_termination_grace_period_seconds = 10',
      'cleanup_grace_period_seconds = 5', 'cleanup_resources_timeout = "1h30m"',
      '[[runners.kubernetes.host_aliases]]', '  ip = "10.0.0.5"', '  hostnames = ["git.internal", "registry.internal"]',
    );
    expect(s).toMatchObject({
      podLabels: { team: 'web' }, podLabelsOverwriteAllowed: '^team$', podAnnotations: { 'a/b': 'c' }, podAnnotationsOverwriteAllowed: '.*',
      dnsPolicy: 'cluster-first', terminationGracePeriodSeconds: 10, cleanupGracePeriodSeconds: 5, cleanupResourcesTimeout: 5400,
      hostAliases: [{ ip: '10.0.0.5', hostnames: ['git.internal', 'registry.internal'] }],
    });
    // The deprecated key overrides both, as in GitLab Runner.
    expect(k8s('terminationGracePeriodSeconds = 30', 'cleanup_grace_period_seconds = 5')).toMatchObject({ terminationGracePeriodSeconds: 30, cleanupGracePeriodSeconds: 30 });
  });

  it('security contexts', () => {
    const s = k8s(
      'privileged = true', 'allow_privilege_escalation = false', 'runtime_class_name = "gvisor"',
      '[runners.kubernetes.pod_security_context]', '  run_as_non_root = true', '  run_as_user = 1000', '  run_as_group = 1000', '  fs_group = 2000',
      '  supplemental_groups = [3000, 3001]', '  fs_group_change_policy = "OnRootMismatch"',
      '[runners.kubernetes.build_container_security_context]', '  run_as_user = 1001', '  read_only_root_filesystem = true',
      '  proc_mount = "unmasked"', '  selinux_type = "spc_t"',
      '  [runners.kubernetes.build_container_security_context.capabilities]', '    add = ["SYS_ADMIN"]', '    drop = ["ALL"]',
      '[runners.kubernetes.helper_container_security_context]', '  privileged = false',
      '[runners.kubernetes.service_container_security_context]', '  allow_privilege_escalation = true',
      '[runners.kubernetes.init_permissions_container_security_context]', '  run_as_non_root = false',
    );
    expect(s).toMatchObject({ privileged: true, allowPrivilegeEscalation: false, runtimeClassName: 'gvisor' });
    expect(s.podSecurityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, supplementalGroups: [3000, 3001], fsGroupChangePolicy: 'OnRootMismatch' });
    expect(s.buildContainerSecurityContext).toEqual({
      runAsUser: 1001, readOnlyRootFilesystem: true, procMount: 'Unmasked', seLinuxType: 'spc_t', capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] },
    });
    expect(s.helperContainerSecurityContext).toEqual({ privileged: false });
    expect(s.serviceContainerSecurityContext).toEqual({ allowPrivilegeEscalation: true });
    expect(s.initPermissionsContainerSecurityContext).toEqual({ runAsNonRoot: false });
  });

  it('services, as docker reads them', () => {
    expect(k8s(
      '[[runners.kubernetes.services]]', '  name = "postgres:16"', '  alias = "db, pg"', '  environment = ["POSTGRES_PASSWORD=x"]',
      '  command = ["postgres", "-c", "fsync=off"]', '  entrypoint = ["docker-entrypoint.sh"]',
    ).services).toEqual([{
      name: 'postgres:16', aliases: ['db', 'pg'], command: ['postgres', '-c', 'fsync=off'], entrypoint: ['docker-entrypoint.sh'],
      environment: [{ key: 'POSTGRES_PASSWORD', value: 'x' }],
    }]);
  });
});

describe('volumes', () => {
  it('of each kind, in kind order', () => {
    const s = k8s(
      '[[runners.kubernetes.volumes.empty_dir]]', '  name = "scratch"', '  mount_path = "/scratch"', '  medium = "Memory"', '  size_limit = "1Gi"',
      '[[runners.kubernetes.volumes.host_path]]', '  name = "docker"', '  mount_path = "/var/run/docker.sock"', '  read_only = true',
      '[[runners.kubernetes.volumes.host_path]]', '  name = "certs"', '  mount_path = "/certs"', '  host_path = "/etc/ci/certs"', '  sub_path = "ca"',
      '[[runners.kubernetes.volumes.pvc]]', '  name = "cache"', '  mount_path = "/cache"', '  mount_propagation = "HostToContainer"',
      '[[runners.kubernetes.volumes.config_map]]', '  name = "settings"', '  mount_path = "/etc/settings"', '  items = { "app.yaml" = "app.yaml" }',
      '[[runners.kubernetes.volumes.secret]]', '  name = "deploy-key"', '  mount_path = "/keys"', '  read_only = true',
    );
    expect(s.volumes).toEqual([
      { kind: 'host_path', name: 'docker', mountPath: '/var/run/docker.sock', readOnly: true, hostPath: '/var/run/docker.sock' },
      { kind: 'host_path', name: 'certs', mountPath: '/certs', subPath: 'ca', readOnly: false, hostPath: '/etc/ci/certs' },
      { kind: 'pvc', name: 'cache', mountPath: '/cache', readOnly: false, mountPropagation: 'HostToContainer' },
      { kind: 'config_map', name: 'settings', mountPath: '/etc/settings', readOnly: false, items: { 'app.yaml': 'app.yaml' } },
      { kind: 'secret', name: 'deploy-key', mountPath: '/keys', readOnly: true, items: {} },
      { kind: 'empty_dir', name: 'scratch', mountPath: '/scratch', readOnly: false, medium: 'Memory', sizeLimit: '1Gi' },
    ]);
  });

  it('csi and nfs load, with the "ignored by glci" note', () => {
    const config = load(toml(...HEAD, '[[runners.kubernetes.volumes.csi]]', '  name = "x"', '  driver = "d"', '  mount_path = "/x"'));
    expect(warningsOf(config)).toEqual(['4: ignored by glci (GitLab Runner settings glci does not apply): runners[0].kubernetes.volumes.csi']);
  });
});

describe('pod_spec patches', () => {
  it('inline JSON, patch_type defaulting to strategic', () => {
    expect(k8s(
      '[[runners.kubernetes.pod_spec]]', '  name = "hostname"', '  patch = \'{"hostname": "ci"}\'',
      '[[runners.kubernetes.pod_spec]]', '  name = "dns"', '  patch_type = "json"', '  patch = \'[{"op": "add", "path": "/dnsPolicy", "value": "None"}]\'',
    ).podSpec).toEqual([
      { name: 'hostname', patchType: 'strategic', patch: { hostname: 'ci' } },
      { name: 'dns', patchType: 'json', patch: [{ op: 'add', path: '/dnsPolicy', value: 'None' }] },
    ]);
  });

  it('patch_path relative to the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glci-k8s-'));
    writeFileSync(join(dir, 'patch.json'), '{"runtimeClassName": "kata"}');
    const file = join(dir, 'config.toml');
    const config = parseRunnerConfig(toml(...HEAD, '[[runners.kubernetes.pod_spec]]', '  name = "rt"', '  patch_path = "patch.json"', '  patch_type = "merge"'), file);
    expect(config.runners[0]!.kubernetes!.podSpec).toEqual([{ name: 'rt', patchType: 'merge', patch: { runtimeClassName: 'kata' } }]);
  });

  it('errors: YAML, both sources, a missing file, an unknown type', () => {
    expect(errorsOf(toml(...HEAD, '[[runners.kubernetes.pod_spec]]', '  name = "y"', '  patch = "hostname: ci"'))).toEqual([
      expect.stringMatching(/^config\.toml:6:3: runners\[0\]\.kubernetes\.pod_spec\[0\]\.patch is not JSON \(.*\): glci reads pod_spec patches as JSON only; write a YAML patch as JSON$/),
    ]);
    expect(errorsOf(toml(...HEAD, '[[runners.kubernetes.pod_spec]]', '  name = "b"', '  patch = "{}"', '  patch_path = "/nonexistent/p.json"', '  patch_type = "apply"'))).toEqual([
      'config.toml:7:3: runners[0].kubernetes.pod_spec[0] (b): ambiguous patch: both patch_path and patch provided',
      'config.toml:7:3: runners[0].kubernetes.pod_spec[0].patch_path: cannot read /nonexistent/p.json: ENOENT',
      'config.toml:8:3: runners[0].kubernetes.pod_spec[0].patch_type "apply" is not strategic, merge, json',
    ]);
  });
});

describe('errors at FILE:LINE:COLUMN', () => {
  it('quantities, regexes, durations, policies, tolerations and dns_policy', () => {
    expect(errorsOf(toml(
      ...HEAD, '    cpu_request = "half"', '    helper_memory_limit_overwrite_max_allowed = "1 Gi"', '    service_cpu_limit = 2',
      '    namespace_overwrite_allowed = "ci-(["', '    cleanup_resources_timeout = 300', '    pull_policy = "sometimes"',
      '    node_tolerations = { "a=b" = "NoScheduled" }', '    dns_policy = "ClusterFirst"', '    poll_timeout = "3m"',
    ))).toEqual([
      'config.toml:4:5: runners[0].kubernetes.cpu_request must be a Kubernetes quantity such as "500m", "2" or "1Gi", not "half"',
      'config.toml:5:5: runners[0].kubernetes.helper_memory_limit_overwrite_max_allowed must be a Kubernetes quantity such as "500m", "2" or "1Gi", not "1 Gi"',
      'config.toml:6:5: runners[0].kubernetes.service_cpu_limit must be a string, not 2',
      expect.stringMatching(/^config\.toml:7:5: runners\[0\]\.kubernetes\.namespace_overwrite_allowed must be a regular expression: /),
      'config.toml:8:5: runners[0].kubernetes.cleanup_resources_timeout must be a duration such as "5m" or "300s", not 300',
      'config.toml:9:5: unsupported pull_policy config: "sometimes" (runners[0].kubernetes.pull_policy takes always, if-not-present, never)',
      'config.toml:10:26: runners[0].kubernetes.node_tolerations."a=b" must be NoSchedule, PreferNoSchedule, NoExecute or "" (every effect), not "NoScheduled"',
      'config.toml:11:5: unsupported kubernetes-dns-policy: "ClusterFirst" (runners[0].kubernetes.dns_policy takes none, default, cluster-first, cluster-first-with-host-net)',
      'config.toml:12:5: runners[0].kubernetes.poll_timeout must be an integer, not "3m"',
    ]);
  });

  it('volumes without name or mount_path, a bad size_limit, wrong nested types', () => {
    expect(errorsOf(toml(
      ...HEAD, '[[runners.kubernetes.volumes.pvc]]', '  mount_path = "/x"', '[[runners.kubernetes.volumes.empty_dir]]', '  name = "e"',
      '  mount_path = "/e"', '  size_limit = "lots"', '[runners.kubernetes.pod_security_context]', '  run_as_user = "root"',
    ))).toEqual([
      'config.toml:4:1: runners[0].kubernetes.volumes.pvc[0] needs a name (the pvc name)',
      'config.toml:9:3: runners[0].kubernetes.volumes.empty_dir[0].size_limit must be a Kubernetes quantity such as "500m", "2" or "1Gi", not "lots"',
      'config.toml:11:3: runners[0].kubernetes.pod_security_context.run_as_user must be an integer, not "root"',
    ]);
  });
});

describe('keys glci does not use', () => {
  it('load without error; the ones that change a job are noted once', () => {
    const config = load(toml(
      ...HEAD, '    helper_image_flavor = "ubuntu"', '    helper_image_autoset_arch_and_os = true', '    retry_limit = 5',
      '    retry_backoff_max = 2000', '    resource_availability_check_max_attempts = 5', '    print_pod_warning_events = true',
      '    [runners.kubernetes.retry_limits]', '      "connection refused" = 3', '    [runners.kubernetes.dns_config]', '      nameservers = ["1.1.1.1"]',
      '    [runners.kubernetes.pod_disruption_budget]', '      enabled = true', '    [[runners.kubernetes.services]]', '      name = "redis"', '      suspend_data_path = "/data"',
    ));
    expect(warningsOf(config)).toEqual([
      '12: ignored by glci (GitLab Runner settings glci does not apply): runners[0].kubernetes.dns_config, runners[0].kubernetes.pod_disruption_budget',
    ]);
    expect(config.ignored).toEqual(expect.arrayContaining(['runners[0].kubernetes.helper_image_flavor', 'runners[0].kubernetes.retry_limits']));
  });

  it('an unknown key is a warning with a suggestion', () => {
    expect(warningsOf(load(toml(...HEAD, '    namespaces = "ci"')))).toEqual(['4: unknown setting runners[0].kubernetes.namespaces, ignored (did you mean namespace?)']);
  });
});

it('Go durations', () => {
  expect([parseGoDuration('5m'), parseGoDuration('1h30m'), parseGoDuration('1.5s'), parseGoDuration('250ms'), parseGoDuration('5'), parseGoDuration('')]).toEqual([300, 5400, 1.5, 0.25, undefined, undefined]);
});

describe('a team\'s kubernetes runner (Helm chart style config.toml)', () => {
  const config = load(toml(
    'concurrent = 10', 'check_interval = 3', 'log_level = "info"', 'shutdown_timeout = 0',
    '[session_server]', '  session_timeout = 1800',
    '[[runners]]', '  name = "k8s-shared"', '  url = "https://gitlab.example.com"', '  id = 42', '  token = "glrt-abcdefghijklmnop"',
    '  token_obtained_at = 2024-05-01T10:00:00Z', '  token_expires_at = 0001-01-01T00:00:00Z', '  executor = "kubernetes"',
    '  environment = ["FF_USE_ADVANCED_POD_SPEC_CONFIGURATION=true"]',
    '  [runners.feature_flags]', '    FF_USE_POD_ACTIVE_DEADLINE_SECONDS = true',
    '  [runners.cache]', '    Type = "s3"', '    Shared = true', '    [runners.cache.s3]', '      ServerAddress = "minio.example.com"', '      BucketName = "runner-cache"',
    '  [runners.kubernetes]', '    host = ""', '    bearer_token_overwrite_allowed = false', '    image = "ubuntu:22.04"', '    namespace = "gitlab-runner"',
    '    namespace_overwrite_allowed = ""', '    privileged = false', '    cpu_request = "500m"', '    cpu_limit = "2"', '    memory_request = "1Gi"',
    '    memory_limit = "4Gi"', '    cpu_request_overwrite_max_allowed = "4"', '    memory_limit_overwrite_max_allowed = "8Gi"',
    '    helper_cpu_request = "50m"', '    helper_memory_request = "64Mi"', '    service_cpu_request = "100m"', '    service_memory_limit = "1Gi"',
    '    poll_timeout = 600', '    service_account = "gitlab-runner-jobs"', '    service_account_overwrite_allowed = ""', '    pod_annotations_overwrite_allowed = ""',
    '    helper_image_flavor = "ubuntu"', '    pull_policy = ["if-not-present", "always"]', '    allowed_pull_policies = ["always", "if-not-present"]',
    '    image_pull_secrets = ["registry-credentials"]', '    node_selector_overwrite_allowed = ""',
    '    [runners.kubernetes.node_selector]', '      "kubernetes.io/os" = "linux"', '      "node.example.com/pool" = "ci"',
    '    [runners.kubernetes.node_tolerations]', '      "ci-only=true" = "NoSchedule"',
    '    [runners.kubernetes.pod_labels]', '      team = "platform"',
    '    [runners.kubernetes.pod_security_context]', '      run_as_non_root = true', '      run_as_user = 1000', '      fs_group = 1000',
    '    [runners.kubernetes.build_container_security_context]', '      allow_privilege_escalation = false',
    '      [runners.kubernetes.build_container_security_context.capabilities]', '        drop = ["ALL"]',
    '    [runners.kubernetes.volumes]',
    '      [[runners.kubernetes.volumes.empty_dir]]', '        name = "docker-certs"', '        mount_path = "/certs/client"', '        medium = "Memory"',
    '      [[runners.kubernetes.volumes.pvc]]', '        name = "gradle-cache"', '        mount_path = "/cache/gradle"',
    '    [[runners.kubernetes.services]]', '      name = "docker:27-dind"', '      alias = "docker"',
    '    [[runners.kubernetes.pod_spec]]', '      name = "ndots"', '      patch_type = "strategic"',
    '      patch = \'{"dnsConfig": {"options": [{"name": "ndots", "value": "2"}]}}\'',
  ));
  const s = config.runners[0]!.kubernetes!;

  it('loads without warnings', () => {
    expect(warningsOf(config)).toEqual([]);
  });

  it('maps the settings; empty strings are unset', () => {
    expect(s).toMatchObject({
      host: undefined, namespace: 'gitlab-runner', namespaceOverwriteAllowed: undefined, image: 'ubuntu:22.04', privileged: false,
      build: { cpuRequest: '500m', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '4Gi' },
      buildOverwriteMax: { cpuRequest: '4', memoryLimit: '8Gi' }, helper: { cpuRequest: '50m', memoryRequest: '64Mi' },
      service: { cpuRequest: '100m', memoryLimit: '1Gi' }, pollTimeout: 600, pollInterval: 3, serviceAccount: 'gitlab-runner-jobs',
      pullPolicy: ['if-not-present', 'always'], allowedPullPolicies: ['always', 'if-not-present'], imagePullSecrets: ['registry-credentials'],
      nodeSelector: { 'kubernetes.io/os': 'linux', 'node.example.com/pool': 'ci' },
      nodeTolerations: [{ key: 'ci-only', operator: 'Equal', value: 'true', effect: 'NoSchedule' }], podLabels: { team: 'platform' },
      podSecurityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, supplementalGroups: [] },
      buildContainerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { add: [], drop: ['ALL'] } },
      services: [{ name: 'docker:27-dind', aliases: ['docker'] }],
      podSpec: [{ name: 'ndots', patchType: 'strategic', patch: { dnsConfig: { options: [{ name: 'ndots', value: '2' }] } } }],
    });
    expect(s.volumes.map((v) => [v.kind, v.name])).toEqual([['pvc', 'gradle-cache'], ['empty_dir', 'docker-certs']]);
  });

  it('glci config show lists [runners.kubernetes] under TOML key names with origins', () => {
    const text = describeRunnerConfig(config);
    expect(text).toContain('  [runners.kubernetes]');
    expect(text).toMatch(/\n {4}namespace = "gitlab-runner" +\(from config\.toml\)/);
    expect(text).toMatch(/\n {4}helper_cpu_request = "50m" +\(from config\.toml\)/);
    expect(text).toMatch(/\n {4}cpu_request_overwrite_max_allowed = "4" +\(from config\.toml\)/);
    expect(text).toMatch(/\n {4}pod_cpu_limit = unset +\(default\)/);
    expect(text).toMatch(/\n {4}poll_interval = 3 +\(default\)/);
    expect(text).toMatch(/\n {4}cap_drop = \["NET_RAW"\] +\(default\)/);
    expect(text).not.toMatch(/\n {2}kubernetes = /);
  });
});

it('config show shortens the bearer token like the runner token', () => {
  const config = load(toml(...HEAD, '    bearer_token = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.secret"'));
  const text = describeRunnerConfig(redactRunnerConfig(config));
  expect(text).toContain('bearer_token = "eyJhbGci…"');
  expect(text).not.toContain('.secret');
  expect(config.runners[0]!.kubernetes!.bearerToken).toBe('eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.secret');
});

describe('goRegExp', () => {
  it('turns leading Go flags into RegExp flags', async () => {
    const { goRegExp } = await import('../../src/runner-config/go-regexp.js');
    expect(goRegExp('(?i)^CI-').test('ci-job-1')).toBe(true);
    expect(goRegExp('^ci-').test('CI-job')).toBe(false);
    expect(goRegExp('(?is)a.b').flags).toBe('is');
  });
});
