// Typed runner settings: what `runner-config/` makes of a GitLab Runner `config.toml`
// (runner-behavior.md §9, https://docs.gitlab.com/runner/configuration/advanced-configuration/).
// Field names are camelCase forms of the TOML keys. Types only.
import type { PullPolicy } from './config.js';
import type { ConfigService } from './config-service.js';
import type { KubernetesSettings } from './kubernetes.js';
import type { CacheSettings } from './cache-settings.js';

export type { ConfigService, CacheSettings };

/** Where a setting's value came from, for `glci config show`. */
export type SettingOrigin = 'file' | 'default' | 'glci-default';

/** `[runners.docker]`. Unset optional keys keep Docker's (or GitLab Runner's) default. */
export interface DockerSettings {
  /** Engine address (`unix://…`, `tcp://…`, `npipe://…`); unset: DOCKER_HOST, the docker context, the local socket. */
  host?: string;
  tlsVerify: boolean;
  tlsCertPath?: string;
  /** Default image when a job names none (`image`). */
  image?: string;
  privileged: boolean;
  /**
   * glci extension: where the engine refuses privileged containers ("unable to apply caps" on hardened or
   * sandboxed hosts), start containers that would be privileged with the broadest set it allows instead.
   */
  privilegedFallback: boolean;
  servicesPrivileged?: boolean;
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  servicesSecurityOpt: string[];
  /** `host[:container[:perms]]`. */
  devices: string[];
  /** Image glob → device list. */
  servicesDevices: Record<string, string[]>;
  volumes: string[];
  tmpfs: Record<string, string>;
  servicesTmpfs: Record<string, string>;
  /** -1: unlimited. */
  servicesLimit: number;
  /** Bytes; 0: Docker's default. */
  shmSize: number;
  user?: string;
  dns: string[];
  dnsSearch: string[];
  extraHosts: string[];
  networkMode?: string;
  oomKillDisable: boolean;
  pullPolicy: PullPolicy[];
  /** Where `pullPolicy` came from: GitLab's error names the source (`Runner config` / `Runner config (default)`). */
  pullPolicyOrigin: SettingOrigin;
  allowedPullPolicies: PullPolicy[];
  allowedImages: string[];
  allowedServices: string[];
  allowedPrivilegedImages: string[];
  allowedPrivilegedServices: string[];
  allowedUsers: string[];
  disableCache: boolean;
  disableEntrypointOverwrite: boolean;
  /** Seconds; 0: the default 30; negative: do not wait. */
  waitForServicesTimeout: number;
  /** Accepted and ignored: glci needs no helper image. */
  helperImage?: string;
  /** Host directory for cache volumes instead of named volumes (`[runners.docker] cache_dir`). */
  cacheDir?: string;
  hostname?: string;
  memory?: string;
  cpus?: string;
  services: ConfigService[];
  containerLabels: Record<string, string>;
}

export type ExecutorKind = 'shell' | 'docker' | 'kubernetes';

/** One `[[runners]]` entry. */
export interface RunnerSettings {
  name: string;
  url: string;
  token: string;
  executor: ExecutorKind | string;
  /** `["K=V"]` entries added to every job's variables. */
  environment: { key: string; value: string }[];
  buildsDir?: string;
  cacheDir?: string;
  shell?: string;
  preBuildScript?: string;
  postBuildScript?: string;
  /** `pre_get_sources_script` (or the older `pre_clone_script`): runs before the job's sources are fetched. */
  preGetSourcesScript?: string;
  /** `post_get_sources_script` (or the older `post_clone_script`): runs after. */
  postGetSourcesScript?: string;
  /** Jobs this runner runs at once; 0: no limit besides `concurrent`. */
  limit: number;
  featureFlags: Record<string, boolean>;
  /** glci extension: the tags GitLab would hold for this runner on the server. */
  tags: string[];
  /** glci extension; GitLab's default: run untagged jobs only when the runner has no tags. */
  runUntagged: boolean;
  docker?: DockerSettings;
  kubernetes?: KubernetesSettings;
  /** `[runners.cache]`, when the runner has one. */
  cache?: CacheSettings;
  /** 1-based position in the file (0 for the built-in default runner). */
  index: number;
  /** GitLab's runner id, written by register/verify. */
  id?: number;
  /** RFC 3339 UTC: when `token` was obtained. */
  tokenObtainedAt?: string;
  /** RFC 3339 UTC; null when the token does not expire (`0001-01-01T00:00:00Z` in the file). */
  tokenExpiresAt?: string | null;
  /** `jobs/request` calls in flight at once (`request_concurrency`, default 1). */
  requestConcurrency: number;
  /** Job log limit in KB (`output_limit`, default 4096). */
  outputLimit: number;
  /** `clone_url`: the base URL git clones and fetches from instead of the payload's repo_url. */
  cloneUrl?: string;
  /** `tls-ca-file`: CA certificates (PEM) trusted for GitLab besides the system's (API, git, artifacts). */
  tlsCaFile?: string;
  /** `tls-cert-file` and `tls-key-file`: the client certificate (PEM) GitLab asks for (mutual TLS). */
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

/** A warning found while loading (unknown key, ignored setting), with its line when known. */
export interface RunnerConfigWarning {
  message: string;
  file: string | null;
  line: number | null;
  /** 1-based column of the key, when the line is known. */
  column?: number;
}

export interface RunnerConfig {
  /** The file read, or null when none exists (one docker runner with defaults). */
  file: string | null;
  concurrent: number;
  /** Seconds between job requests; `check_interval` 0 or less means 3. */
  checkInterval: number;
  /** `listen_address`: the metrics server's `host:port`. */
  listenAddress?: string;
  /** Seconds of forceful-shutdown grace (`shutdown_timeout`; 0 or unset means 30). */
  shutdownTimeout: number;
  /** `log_format`: `runner`, `text` or `json`. */
  logFormat?: string;
  /** `log_level`: `panic` … `debug`. */
  logLevel?: string;
  runners: RunnerSettings[];
  warnings: RunnerConfigWarning[];
  /** `runners[i].docker.pullPolicy` style dotted paths → origin, for `glci config show`. */
  origins: Record<string, SettingOrigin>;
  /** TOML paths (`session_server`, `runners[0].cache`) of valid GitLab Runner settings glci does not use. */
  ignored?: string[];
}
