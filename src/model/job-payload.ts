// The job GitLab hands a runner: the 201 body of `POST /api/v4/jobs/request` (runner-behavior.md §8.4,
// GitLab's `lib/api/entities/ci/job_request/response.rb`). Field names are GitLab's snake_case, because
// this is wire data; `gitlab/job-mapper.ts` turns it into a PlannedJob. Types only.

/** One entry of `variables[]` (also `image.variables`, `services[].variables`). */
export interface PayloadVariable {
  key: string;
  value: string;
  public?: boolean;
  file?: boolean;
  masked?: boolean;
  raw?: boolean;
}

export interface PayloadJobInfo {
  name: string;
  stage: string;
  pipeline_id?: number;
  project_id: number;
  project_name?: string;
  project_full_path?: string;
  namespace_id?: number;
  root_namespace_id?: number;
  time_in_queue_seconds?: number;
  [extra: string]: unknown;
}

export interface PayloadGitInfo {
  /** Clone URL with `gitlab-ci-token:<job token>@` in it: never printed. */
  repo_url: string;
  repo_object_format?: 'sha1' | 'sha256';
  ref: string;
  sha: string;
  before_sha?: string;
  ref_type: 'branch' | 'tag' | string;
  refspecs?: string[];
  /** 0: full clone. */
  depth: number;
  protected?: boolean;
}

export interface PayloadStep {
  /** `script` (before_script + script, joined by GitLab), `after_script`, `release`, ... */
  name: string;
  script: string[];
  /** Seconds. */
  timeout?: number;
  when: 'on_success' | 'on_failure' | 'always';
  allow_failure: boolean;
}

export interface PayloadImage {
  name: string;
  alias?: string;
  command?: string[];
  entrypoint?: string[];
  ports?: { number: number; protocol?: string; name?: string }[];
  variables?: PayloadVariable[];
  pull_policy?: string[];
  executor_opts?: { docker?: { platform?: string; user?: string }; kubernetes?: { user?: string } };
}

export interface PayloadArtifact {
  name?: string;
  untracked?: boolean;
  paths?: string[];
  exclude?: string[];
  when?: 'on_success' | 'on_failure' | 'always';
  /** `archive`, or a report type: `junit`, `dotenv`, `coverage_report`, ... */
  artifact_type: string;
  artifact_format: 'zip' | 'gzip' | 'raw' | string;
  expire_in?: string;
}

export interface PayloadCache {
  /** Already computed by GitLab (key:files hashed, `-protected`/`-non_protected` and the index appended). */
  key: string;
  untracked?: boolean;
  policy?: 'pull' | 'push' | 'pull-push';
  paths?: string[];
  when?: 'on_success' | 'on_failure' | 'always';
  fallback_keys?: string[];
}

export interface PayloadCredential {
  type: 'registry' | string;
  url: string;
  username: string;
  password: string;
}

export interface PayloadDependency {
  id: number;
  token: string;
  name: string;
  artifacts_file?: { filename: string; size: number };
}

export interface PayloadFeatures {
  trace_sections?: boolean;
  token_mask_prefixes?: string[];
  /** Failure reasons this GitLab accepts; others are mapped (runner-behavior.md §8.6). */
  failure_reasons?: string[];
}

export interface PayloadHook {
  name: 'pre_get_sources_script' | 'post_get_sources_script' | string;
  script: string[];
}

export interface JobPayload {
  id: number;
  /** The job token (CI_JOB_TOKEN): JOB-TOKEN of every job-scoped call. Masked. */
  token: string;
  allow_git_fetch?: boolean;
  job_info: PayloadJobInfo;
  git_info: PayloadGitInfo;
  runner_info: { timeout: number; uuid?: string };
  variables: PayloadVariable[];
  steps: PayloadStep[];
  image?: PayloadImage | null;
  services?: PayloadImage[] | null;
  artifacts?: PayloadArtifact[] | null;
  cache?: PayloadCache[] | null;
  credentials?: PayloadCredential[] | null;
  dependencies?: PayloadDependency[] | null;
  features?: PayloadFeatures;
  hooks?: PayloadHook[] | null;
  [extra: string]: unknown;
}
