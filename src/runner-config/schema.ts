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
  read: ['concurrent', 'check_interval', 'runners'],
  ignored: [
    'log_level', 'log_format', 'listen_address', 'shutdown_timeout', 'connection_max_age', 'user', 'sentry_dsn',
    'labels', 'session_server', 'experimental', 'machine',
  ],
  noted: ['user'],
};

export const RUNNER_SCHEMA: TableSchema = {
  read: [
    'name', 'url', 'token', 'executor', 'environment', 'builds_dir', 'cache_dir', 'shell', 'pre_build_script',
    'post_build_script', 'limit', 'feature_flags', 'tags', 'run_untagged', 'docker',
  ],
  ignored: [
    'id', 'token_obtained_at', 'token_expires_at', 'tls-ca-file', 'tls-cert-file', 'tls-key-file', 'output_limit',
    'request_concurrency', 'unhealthy_requests_limit', 'unhealthy_interval', 'strict_check_interval',
    'job_status_final_update_retry_limit', 'clone_url', 'pre_get_sources_script', 'post_get_sources_script',
    'pre_clone_script', 'post_clone_script', 'debug_trace_disabled', 'safe_directory_checkout', 'clean_git_config',
    'proxy_exec', 'prepare_timeout', 'get_sources_timeout', 'labels', 'system_id',
    // Sub-tables: other executors, cache, build-dir and monitoring settings.
    'custom_build_dir', 'referees', 'cache', 'artifact', 'kubernetes', 'custom', 'ssh', 'parallels', 'virtualbox',
    'machine', 'autoscaler', 'instance', 'step_runner',
  ],
  // `kubernetes`: read by no code yet, so a kubernetes runner's settings would silently not apply.
  noted: ['clone_url', 'pre_get_sources_script', 'post_get_sources_script', 'pre_clone_script', 'post_clone_script', 'kubernetes'],
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

/** GitLab Runner's executors (`executor = ...`). */
export const GITLAB_EXECUTORS = [
  'shell', 'docker', 'docker-windows', 'docker+machine', 'docker-autoscaler', 'kubernetes', 'custom', 'ssh',
  'parallels', 'virtualbox', 'instance',
] as const;

/** The executors glci implements. */
export const GLCI_EXECUTORS = ['shell', 'docker', 'kubernetes'] as const;

export const SHELLS = ['bash', 'sh', 'pwsh', 'powershell', 'cmd'] as const;
