// The keys GitLab Runner's config.toml may hold, per table (runner-behavior.md §9, GitLab Runner's
// common/config.go, https://docs.gitlab.com/runner/configuration/advanced-configuration/).
// `read` keys are mapped into RunnerSettings; `ignored` keys are valid GitLab Runner settings glci
// does not apply: they load without error because users copy their real file. Of those, `noted`
// ones change what a job sees, so when set to a non-empty value glci says it ignores them.

export interface TableSchema {
  /** Keys glci reads. */
  read: readonly string[];
  /** Valid GitLab Runner keys glci accepts and does not use (whole sub-tables included). */
  ignored: readonly string[];
  /** The ignored keys worth one "ignored by glci" warning when set. */
  noted: readonly string[];
}

export const GLOBAL_SCHEMA: TableSchema = {
  read: ['concurrent', 'check_interval', 'log_level', 'log_format', 'listen_address', 'shutdown_timeout', 'runners'],
  ignored: [
    'connection_max_age', 'user', 'sentry_dsn',
    'labels', 'session_server', 'experimental', 'machine',
  ],
  noted: ['user'],
};

export const RUNNER_SCHEMA: TableSchema = {
  read: [
    'name', 'url', 'token', 'executor', 'environment', 'builds_dir', 'cache_dir', 'shell', 'pre_build_script',
    'post_build_script', 'limit', 'feature_flags', 'tags', 'run_untagged', 'docker', 'kubernetes', 'cache',
    // Runner mode (`glci runner run`, register, verify).
    'id', 'token_obtained_at', 'token_expires_at', 'tls-ca-file', 'tls-cert-file', 'tls-key-file', 'output_limit',
    'request_concurrency', 'clone_url', 'pre_get_sources_script', 'post_get_sources_script', 'pre_clone_script',
    'post_clone_script',
  ],
  ignored: [
    'unhealthy_requests_limit', 'unhealthy_interval', 'strict_check_interval',
    'job_status_final_update_retry_limit', 'debug_trace_disabled', 'safe_directory_checkout', 'clean_git_config',
    'proxy_exec', 'prepare_timeout', 'get_sources_timeout', 'labels', 'system_id',
    // Sub-tables: other executors, cache, build-dir and monitoring settings.
    'custom_build_dir', 'referees', 'artifact', 'custom', 'ssh', 'parallels', 'virtualbox',
    'machine', 'autoscaler', 'instance', 'step_runner',
  ],
  noted: [],
};

const DOCKER_IGNORED = [
  'runtime', 'memory_swap', 'memory_reservation', 'cpuset_cpus', 'cpuset_mems', 'cpu_shares', 'cgroup_parent', 'gpus',
  'device_cgroup_rules', 'group_add', 'userns_mode', 'oom_score_adjust', 'volume_driver', 'volume_driver_ops',
  'volumes_from', 'volume_keep', 'links', 'ipcmode', 'pid_mode', 'mac_address', 'isolation', 'sysctls', 'ulimit',
  'log_options', 'enable_ipv6', 'network_mtu', 'service_memory', 'service_memory_swap', 'service_memory_reservation',
  'service_cpus', 'service_cpuset_cpus', 'service_cpu_shares', 'service_cgroup_parent', 'service_gpus',
];

export const DOCKER_SCHEMA: TableSchema = {
  read: [
    'host', 'tls_verify', 'tls_cert_path', 'image', 'privileged', 'services_privileged', 'cap_add', 'cap_drop',
    'security_opt', 'services_security_opt', 'devices', 'services_devices', 'volumes', 'tmpfs', 'services_tmpfs',
    'services_limit', 'shm_size', 'user', 'dns', 'dns_search', 'extra_hosts', 'network_mode', 'oom_kill_disable',
    'pull_policy', 'allowed_pull_policies', 'allowed_images', 'allowed_services', 'allowed_privileged_images',
    'allowed_privileged_services', 'allowed_users', 'disable_cache', 'disable_entrypoint_overwrite',
    'wait_for_services_timeout', 'helper_image', 'cache_dir', 'hostname', 'memory', 'cpus', 'container_labels',
    'services',
    // glci extension: see DockerSettings.privilegedFallback.
    'privileged_fallback',
  ],
  // helper_image_flavor only picks a helper image, which glci does not use.
  ignored: [...DOCKER_IGNORED, 'helper_image_flavor'],
  noted: DOCKER_IGNORED,
};

export const SERVICE_SCHEMA: TableSchema = {
  read: ['name', 'alias', 'command', 'entrypoint', 'environment'],
  ignored: [],
  noted: [],
};

// `[runners.kubernetes]` (runner-behavior.md §9.4; GitLab Runner's KubernetesConfig in common/config.go).
/** The resource keys of one container class: `cpu_request`, `helper_cpu_request`, ... */
export const RESOURCE_FIELDS = [
  'cpu_request', 'cpu_limit', 'memory_request', 'memory_limit', 'ephemeral_storage_request', 'ephemeral_storage_limit',
] as const;
/** Pods have no ephemeral-storage keys in GitLab Runner. */
export const POD_RESOURCE_FIELDS = ['cpu_request', 'cpu_limit', 'memory_request', 'memory_limit'] as const;
const OVERWRITE_MAX = (prefix: string) => RESOURCE_FIELDS.map((f) => `${prefix}${f}_overwrite_max_allowed`);

// Settings that change a job's pod but that glci does not model; set, they get the "ignored" warning.
const KUBERNETES_NOTED = [
  'dns_config', 'container_lifecycle', 'pod_disruption_budget', 'logs_base_dir', 'scripts_base_dir',
];

export const KUBERNETES_SCHEMA: TableSchema = {
  read: [
    'host', 'context', 'cert_file', 'key_file', 'ca_file', 'bearer_token', 'bearer_token_overwrite_allowed',
    'namespace', 'namespace_overwrite_allowed', 'namespace_per_job', 'image', 'helper_image', 'privileged',
    'allow_privilege_escalation', 'cap_add', 'cap_drop', 'runtime_class_name', 'pod_security_context',
    'build_container_security_context', 'helper_container_security_context', 'service_container_security_context',
    'init_permissions_container_security_context',
    ...RESOURCE_FIELDS, ...RESOURCE_FIELDS.map((f) => `helper_${f}`), ...RESOURCE_FIELDS.map((f) => `service_${f}`),
    ...POD_RESOURCE_FIELDS.map((f) => `pod_${f}`), ...OVERWRITE_MAX(''), ...OVERWRITE_MAX('helper_'), ...OVERWRITE_MAX('service_'),
    'poll_interval', 'poll_timeout', 'node_selector', 'node_selector_overwrite_allowed', 'node_tolerations',
    'node_tolerations_overwrite_allowed', 'affinity', 'service_account', 'service_account_overwrite_allowed',
    'automount_service_account_token', 'image_pull_secrets', 'use_service_account_image_pull_secrets', 'pull_policy',
    'allowed_pull_policies', 'allowed_images', 'allowed_services', 'pod_labels', 'pod_labels_overwrite_allowed',
    'pod_annotations', 'pod_annotations_overwrite_allowed', 'scheduler_name', 'priority_class_name', 'dns_policy',
    'host_aliases', 'pod_termination_grace_period_seconds', 'terminationGracePeriodSeconds',
    'cleanup_grace_period_seconds', 'cleanup_resources_timeout', 'services', 'volumes', 'pod_spec',
  ],
  // helper_image_flavor / autoset only pick a helper image, retry_* and the rest tune the runner's API calls.
  ignored: [
    ...KUBERNETES_NOTED, 'helper_image_flavor', 'helper_image_autoset_arch_and_os',
    'resource_availability_check_max_attempts', 'retry_limit', 'retry_backoff_max', 'retry_limits',
    'print_pod_warning_events',
  ],
  noted: KUBERNETES_NOTED,
};

/** `[[runners.kubernetes.services]]`: docker's keys and the suspendable-environment path. */
export const KUBERNETES_SERVICE_SCHEMA: TableSchema = { read: SERVICE_SCHEMA.read, ignored: ['suspend_data_path'], noted: [] };

export const CONTAINER_SECURITY_SCHEMA: TableSchema = {
  read: [
    'privileged', 'run_as_user', 'run_as_group', 'run_as_non_root', 'read_only_root_filesystem',
    'allow_privilege_escalation', 'capabilities', 'selinux_type', 'proc_mount',
  ],
  ignored: ['seccomp_profile', 'apparmor_profile'],
  noted: ['seccomp_profile', 'apparmor_profile'],
};

export const POD_SECURITY_SCHEMA: TableSchema = {
  read: ['fs_group', 'run_as_user', 'run_as_group', 'run_as_non_root', 'supplemental_groups', 'fs_group_change_policy'],
  ignored: ['selinux_type', 'seccomp_profile', 'apparmor_profile'],
  noted: ['selinux_type', 'seccomp_profile', 'apparmor_profile'],
};

export const CAPABILITIES_SCHEMA: TableSchema = { read: ['add', 'drop'], ignored: [], noted: [] };

/** `[runners.kubernetes.volumes]`: csi and nfs volumes are valid but not modelled. */
export const VOLUMES_SCHEMA: TableSchema = {
  read: ['host_path', 'pvc', 'config_map', 'secret', 'empty_dir'],
  ignored: ['csi', 'nfs'],
  noted: ['csi', 'nfs'],
};

const VOLUME_BASE = ['name', 'mount_path', 'sub_path', 'read_only', 'mount_propagation'];
export const VOLUME_SCHEMAS: Record<'host_path' | 'pvc' | 'config_map' | 'secret' | 'empty_dir', TableSchema> = {
  host_path: { read: [...VOLUME_BASE, 'host_path'], ignored: [], noted: [] },
  pvc: { read: VOLUME_BASE, ignored: [], noted: [] },
  config_map: { read: [...VOLUME_BASE, 'items'], ignored: [], noted: [] },
  secret: { read: [...VOLUME_BASE, 'items'], ignored: [], noted: [] },
  empty_dir: { read: [...VOLUME_BASE, 'medium', 'size_limit'], ignored: [], noted: [] },
};

export const HOST_ALIAS_SCHEMA: TableSchema = { read: ['ip', 'hostnames'], ignored: [], noted: [] };
export const POD_SPEC_SCHEMA: TableSchema = { read: ['name', 'patch', 'patch_path', 'patch_type'], ignored: [], noted: [] };
export const AFFINITY_SCHEMA: TableSchema = { read: ['node_affinity', 'pod_affinity', 'pod_anti_affinity'], ignored: [], noted: [] };

/** GitLab Runner's executors (`executor = ...`). */
export const GITLAB_EXECUTORS = [
  'shell', 'docker', 'docker-windows', 'docker+machine', 'docker-autoscaler', 'kubernetes', 'custom', 'ssh',
  'parallels', 'virtualbox', 'instance',
] as const;

/** The executors glci implements. */
export const GLCI_EXECUTORS = ['shell', 'docker', 'kubernetes'] as const;

export const SHELLS = ['bash', 'sh', 'pwsh', 'powershell', 'cmd'] as const;
