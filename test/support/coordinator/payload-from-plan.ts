// GitLab-shaped job payloads (runner-behavior.md §8.4) for a fixture pipeline, planned by glci's own
// planner: what GitLab would hand a runner for each job, so runner-mode tests run real pipelines
// through the coordinator double. GitLab's server-side work is done here as GitLab does it:
// before_script joined into the `script` step, after_script as its own step (when always,
// allow_failure true), cache keys final (key:files digested, `-protected`/`-non_protected` appended),
// every artifacts:reports type as its own entry. The coordinator fills id and token (its
// buildPayload replaces the JOB_TOKEN placeholder; withJobIdentity also sets CI_JOB_ID and CI_JOB_URL).
import { composePipelineConfig } from '../../../src/config/index.js';
import { resolveRawConfig } from '../../../src/config/resolve.js';
import type { SourceReader } from '../../../src/config/source-reader.js';
import { composeFilesKey, defaultKeyPrefix, filesDigest, gitBlobId } from '../../../src/artifacts/cache-key.js';
import type { ArtifactsDefinition, CacheDefinition, ImageDefinition, ServiceDefinition } from '../../../src/model/config.js';
import type { JobPayload, PayloadArtifact, PayloadCache, PayloadImage, PayloadVariable } from '../../../src/model/job-payload.js';
import type { JobVariable, PipelineContext, PlannedJob } from '../../../src/model/plan.js';
import { planPipeline } from '../../../src/planner/index.js';

/** The coordinator double's placeholder (state.ts buildPayload replaces it with the job token it issues). */
export const PLACEHOLDER_JOB_TOKEN = 'JOB_TOKEN';

export interface PayloadOptions {
  /** The job token put in CI_JOB_TOKEN and repo_url until the coordinator sets the real one. */
  jobToken?: string;
  /** Base URL of the coordinator double (CI_SERVER_URL, repo_url). */
  serverUrl?: string;
  projectPath?: string;
  projectId?: number;
  pipelineId?: number;
  sha?: string;
  ref?: string;
  /** GitLab's "separate caches for protected branches": `-protected` when true (default). */
  refProtected?: boolean;
  /** git_info.depth (GitLab's GIT_DEPTH, default 20). */
  depth?: number;
  /** Default: the branch's refspec only (a fixture repository has no refs/pipelines/<id>). */
  refspecs?: string[];
  /** Project files: key:files digests are computed from them, as GitLab does from the commit. */
  files?: Record<string, string>;
  /** Default 3600, GitLab's project default; a job's `timeout` wins. */
  timeoutSeconds?: number;
  allowGitFetch?: boolean;
}

export interface PlannedPayload {
  planned: PlannedJob;
  payload: JobPayload;
}

function memoryReader(yamlText: string, files: Record<string, string>): SourceReader {
  const all: Record<string, string> = { ...files, '.gitlab-ci.yml': yamlText };
  return {
    readFile: async (project, path) => (project.kind === 'self' && all[path] !== undefined ? { status: 'ok', content: all[path] } : { status: 'missing-file' }),
    listFiles: async (project) => (project.kind === 'self' ? Object.keys(all) : null),
    fetchRemote: async () => ({ status: 'http-status', code: 404 }),
    readTemplate: async () => ({ status: 'missing-file' }),
  };
}

function contextOf(options: Required<Pick<PayloadOptions, 'serverUrl' | 'projectPath' | 'pipelineId' | 'sha' | 'ref' | 'refProtected'>>, files: string[]): PipelineContext {
  return {
    projectDir: '/project',
    git: { sha: options.sha, branch: options.ref, tag: null, tagMessage: null, message: 'Fixture commit', authorName: 'Fixture', authorEmail: 'fixture@example.com', timestamp: '2026-01-01T00:00:00Z', remoteUrl: null, defaultBranch: 'main' },
    source: 'push',
    refKind: 'branch',
    ref: options.ref,
    refProtected: options.refProtected,
    changedFiles: null,
    files,
    userVariables: {},
    pipelineId: options.pipelineId,
    pipelineIid: options.pipelineId,
    projectPath: options.projectPath,
    serverUrl: options.serverUrl,
    createdAt: '2026-01-01T00:00:00Z',
    playedManualJobs: [],
  };
}

const wire = (v: JobVariable): PayloadVariable => ({ key: v.key, value: v.value, public: v.public, file: v.file, masked: v.masked, raw: v.raw });

function imagePayload(image: ImageDefinition): PayloadImage {
  const out: PayloadImage = { name: image.name };
  if (image.entrypoint) out.entrypoint = image.entrypoint;
  if (image.pullPolicy) out.pull_policy = image.pullPolicy;
  if (image.docker || image.kubernetes) out.executor_opts = { ...(image.docker ? { docker: image.docker } : {}), ...(image.kubernetes ? { kubernetes: image.kubernetes } : {}) };
  return out;
}

function servicePayload(service: ServiceDefinition): PayloadImage {
  const out = imagePayload(service);
  if (service.aliases.length > 0) out.alias = service.aliases.join(',');
  if (service.command) out.command = service.command;
  if (service.variables) out.variables = Object.entries(service.variables).map(([key, value]) => ({ key, value, public: true, file: false, masked: false, raw: false }));
  return out;
}

/** The key GitLab sends: key:files digested from the commit's files, then the protection suffix. */
function cacheKey(cache: CacheDefinition, index: number, files: Record<string, string>): string {
  const key = cache.key;
  if (key.kind === 'literal') return key.value;
  const blobs = key.files.filter((f) => files[f] !== undefined).map((f) => gitBlobId(Buffer.from(files[f] ?? '')));
  return composeFilesKey(key.prefix ?? defaultKeyPrefix(index, key.files), filesDigest(blobs));
}

function cachePayload(cache: CacheDefinition, index: number, options: PayloadOptions): PayloadCache {
  const suffix = cache.unprotect ? '' : options.refProtected === false ? '-non_protected' : '-protected';
  return {
    key: `${cacheKey(cache, index, options.files ?? {})}${suffix}`,
    untracked: cache.untracked,
    policy: cache.policy as PayloadCache['policy'],
    paths: cache.paths,
    when: cache.when,
    fallback_keys: cache.fallbackKeys.map((k) => `${k}${suffix}`),
  };
}

/** The archive entry (when there are paths or untracked) and one entry per report type. */
function artifactsPayload(artifacts: ArtifactsDefinition | null): PayloadArtifact[] {
  if (!artifacts) return [];
  const entries: PayloadArtifact[] = [];
  if (artifacts.paths.length > 0 || artifacts.untracked) {
    entries.push({ name: artifacts.name ?? '', untracked: artifacts.untracked, paths: artifacts.paths, exclude: artifacts.exclude, when: artifacts.when, artifact_type: 'archive', artifact_format: 'zip', expire_in: artifacts.expireIn ?? '' });
  }
  // GitLab uploads reports whatever the job's result, gzipped.
  for (const [type, paths] of Object.entries(artifacts.reports)) {
    entries.push({ name: `${type}.gz`, untracked: false, paths, exclude: [], when: 'always', artifact_type: type, artifact_format: 'gzip', expire_in: artifacts.expireIn ?? '' });
  }
  return entries;
}

function identityVariables(jobId: number, token: string, options: PayloadOptions & { serverUrl: string; projectPath: string }): PayloadVariable[] {
  const v = (key: string, value: string, extra: Partial<PayloadVariable> = {}): PayloadVariable => ({ key, value, public: true, file: false, masked: false, raw: false, ...extra });
  return [
    v('CI_JOB_ID', String(jobId)),
    v('CI_JOB_URL', `${options.serverUrl}/${options.projectPath}/-/jobs/${jobId}`),
    v('CI_JOB_TOKEN', token, { public: false, masked: true }),
    v('CI_REPOSITORY_URL', repoUrl(options.serverUrl, options.projectPath, token), { public: false }),
  ];
}

function repoUrl(serverUrl: string, projectPath: string, token: string): string {
  const url = new URL(`${serverUrl.replace(/\/$/, '')}/${projectPath}.git`);
  url.username = 'gitlab-ci-token';
  url.password = token;
  return url.toString();
}

function payloadOf(job: PlannedJob, options: PayloadOptions & { serverUrl: string; projectPath: string; sha: string; ref: string; pipelineId: number }): JobPayload {
  const token = options.jobToken ?? PLACEHOLDER_JOB_TOKEN;
  const timeout = job.timeoutSeconds ?? options.timeoutSeconds ?? 3600;
  const steps: JobPayload['steps'] = [{ name: 'script', script: [...job.beforeScript, ...job.script], timeout, when: 'on_success', allow_failure: false }];
  if (job.afterScript.length > 0) steps.push({ name: 'after_script', script: job.afterScript, timeout, when: 'always', allow_failure: true });
  const planned = job.variables.filter((v) => !['CI_JOB_ID', 'CI_JOB_URL', 'CI_JOB_TOKEN', 'CI_REPOSITORY_URL'].includes(v.key)).map(wire);
  // job_info.project_id and CI_PROJECT_ID name the same project.
  const projectVariable = planned.find((v) => v.key === 'CI_PROJECT_ID');
  const projectId = options.projectId ?? (Number.isInteger(Number(projectVariable?.value)) ? Number(projectVariable?.value) : 1);
  if (projectVariable) projectVariable.value = String(projectId);
  return {
    id: 0,
    token,
    allow_git_fetch: options.allowGitFetch ?? true,
    job_info: { name: job.name, stage: job.stage, pipeline_id: options.pipelineId, project_id: projectId, project_name: options.projectPath.split('/').pop() ?? '', project_full_path: options.projectPath },
    git_info: {
      repo_url: repoUrl(options.serverUrl, options.projectPath, token),
      repo_object_format: 'sha1',
      ref: options.ref,
      sha: options.sha,
      before_sha: '0'.repeat(40),
      ref_type: 'branch',
      refspecs: options.refspecs ?? [`+refs/heads/${options.ref}:refs/remotes/origin/${options.ref}`],
      depth: options.depth ?? 20,
      protected: options.refProtected ?? true,
    },
    runner_info: { uuid: '', timeout },
    // GitLab sends the job's identity first, then the predefined and user variables in precedence order.
    variables: [...identityVariables(0, token, options), ...planned],
    steps,
    image: job.image ? imagePayload(job.image) : null,
    services: job.services.map(servicePayload),
    artifacts: artifactsPayload(job.artifacts),
    cache: job.cache.map((c, i) => cachePayload(c, i, options)),
    credentials: [],
    dependencies: [],
    features: { trace_sections: true, token_mask_prefixes: ['glpat-', 'glcbt-'], failure_reasons: ['unknown_failure', 'script_failure', 'api_failure', 'stuck_or_timeout_failure', 'runner_system_failure', 'job_execution_timeout'] },
  };
}

/** Plans `yamlText` with glci's planner and returns each job with the payload GitLab would send for it. */
export async function payloadsFromPipeline(yamlText: string, options: PayloadOptions = {}): Promise<PlannedPayload[]> {
  const resolved = {
    serverUrl: options.serverUrl ?? 'https://gitlab.example.com',
    projectPath: options.projectPath ?? 'group/project',
    pipelineId: options.pipelineId ?? 1,
    sha: options.sha ?? '0123456789abcdef0123456789abcdef01234567',
    ref: options.ref ?? 'main',
    refProtected: options.refProtected ?? true,
  };
  const files = options.files ?? {};
  const reader = memoryReader(yamlText, files);
  const config = composePipelineConfig(await resolveRawConfig({ projectDir: '/project', reader, variables: {} }));
  const plan = planPipeline(config, contextOf(resolved, [...Object.keys(files), '.gitlab-ci.yml']));
  return plan.jobs.map((job) => ({ planned: job, payload: payloadOf(job, { ...options, ...resolved }) }));
}

/** A payload with the coordinator's job id and token everywhere GitLab puts them. */
export function withJobIdentity(payload: JobPayload, jobId: number, token: string, serverUrl?: string): JobPayload {
  const projectPath = String(payload.job_info.project_full_path ?? 'group/project');
  const base = serverUrl ?? new URL(payload.git_info.repo_url).origin;
  const identity = identityVariables(jobId, token, { serverUrl: base, projectPath });
  const keys = new Set(identity.map((v) => v.key));
  return {
    ...payload,
    id: jobId,
    token,
    git_info: { ...payload.git_info, repo_url: repoUrl(base, projectPath, token) },
    variables: [...identity, ...payload.variables.filter((v) => !keys.has(v.key))],
  };
}
