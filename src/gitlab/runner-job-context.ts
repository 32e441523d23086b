// What the runner needs of a GitLab job payload besides the PlannedJob the engine runs: the ids and
// token of the job-scoped API calls, how to fetch the sources, what to upload and how (GitLab's
// per-entry artifact type and format), and the parts of the payload the engine's model has no place
// for. Kept as GitLab sent them, because the runner sends them back (uploads, cache names). Pure.
import type { JobPayload, PayloadArtifact, PayloadCache, PayloadCredential, PayloadDependency, PayloadImage } from '../model/job-payload.js';

/** `git_info` of the payload, camel-cased; `repoUrl` holds the job token and is never printed. */
export interface RunnerGitInfo {
  repoUrl: string;
  ref: string;
  sha: string;
  /** 40 zeros when GitLab sends none (a new branch, a tag). */
  beforeSha: string;
  refType: string;
  refspecs: string[];
  /** GIT_DEPTH as GitLab evaluated it; 0 is the whole history. */
  depth: number;
  protected: boolean;
  objectFormat: 'sha1' | 'sha256';
}

export interface RunnerJobContext {
  jobId: number;
  /** The job token: JOB-TOKEN of every job-scoped call, and masked in the log. */
  jobToken: string;
  projectId: number;
  /** null when GitLab does not send `job_info.pipeline_id`. */
  pipelineId: number | null;
  git: RunnerGitInfo;
  /** GIT_STRATEGY's default: fetch when true, clone when false. */
  allowGitFetch: boolean;
  dependencies: PayloadDependency[];
  credentials: PayloadCredential[];
  features: { failureReasons: string[]; tokenMaskPrefixes: string[] };
  timeoutSeconds: number;
  /** `artifacts[]` as sent: the uploader passes each entry's type, format and expire_in back. */
  artifacts: PayloadArtifact[];
  /** `cache[]` as sent: the keys are final (GitLab appended its suffixes). */
  caches: PayloadCache[];
  /** `hooks: post_get_sources_script`. */
  postGetSourcesScript: string[];
  /** The image as sent, for what ImageDefinition has no field for (`command`, `ports`, `variables`, `alias`). */
  imageAsSent: PayloadImage | null;
  /** The services as sent, for `ports` (the model keeps no ports). */
  servicesAsSent: PayloadImage[];
}

const ZERO_SHA = '0'.repeat(40);

function hookScript(payload: JobPayload, name: string): string[] {
  return (payload.hooks ?? []).find((h) => h.name === name)?.script ?? [];
}

/** The context of a payload whose required fields were already checked (job-mapper.ts). */
export function runnerJobContext(payload: JobPayload): RunnerJobContext {
  const git = payload.git_info;
  return {
    jobId: payload.id,
    jobToken: payload.token,
    projectId: payload.job_info.project_id,
    pipelineId: typeof payload.job_info.pipeline_id === 'number' ? payload.job_info.pipeline_id : null,
    git: {
      repoUrl: git.repo_url,
      ref: git.ref,
      sha: git.sha,
      beforeSha: git.before_sha || ZERO_SHA,
      refType: git.ref_type,
      refspecs: [...(git.refspecs ?? [])],
      depth: git.depth,
      protected: git.protected ?? false,
      objectFormat: git.repo_object_format === 'sha256' ? 'sha256' : 'sha1',
    },
    allowGitFetch: payload.allow_git_fetch ?? false,
    dependencies: [...(payload.dependencies ?? [])],
    credentials: [...(payload.credentials ?? [])],
    features: {
      failureReasons: [...(payload.features?.failure_reasons ?? [])],
      tokenMaskPrefixes: [...(payload.features?.token_mask_prefixes ?? [])],
    },
    timeoutSeconds: payload.runner_info.timeout,
    artifacts: [...(payload.artifacts ?? [])],
    caches: [...(payload.cache ?? [])],
    postGetSourcesScript: hookScript(payload, 'post_get_sources_script'),
    imageAsSent: payload.image?.name ? payload.image : null,
    servicesAsSent: (payload.services ?? []).filter((s) => s.name),
  };
}
