// A job payload GitLab handed the runner (runner-behavior.md §8.4) as the PlannedJob the engine runs
// (DESIGN.md: runner mode enters at PlannedJob). GitLab has already resolved the YAML: rules, needs,
// retries and allow_failure are decided server-side, before_script is joined into the `script` step,
// cache keys carry GitLab's suffixes, and every predefined variable is in `variables[]`. So the mapping
// is a translation of shapes; nothing is computed here. Pure.
import { GlciError } from '../errors.js';
import type { ArtifactsDefinition, ArtifactWhen, CacheDefinition, ImageDefinition, PullPolicy, ServiceDefinition } from '../model/config.js';
import type { JobPayload, PayloadArtifact, PayloadCache, PayloadImage, PayloadVariable } from '../model/job-payload.js';
import type { JobVariable, PlannedJob } from '../model/plan.js';
import { runnerJobContext, type RunnerJobContext } from './runner-job-context.js';

export type { RunnerJobContext } from './runner-job-context.js';

/** A payload the runner cannot run: the job fails with runner_system_failure, naming the field. */
export class JobPayloadError extends GlciError {
  constructor(message: string) {
    super('system', 'JOB_PAYLOAD', message, 'GitLab sent a job this version of glci cannot read; check that glci is up to date');
  }
}

const POLICIES: ReadonlySet<string> = new Set(['always', 'if-not-present', 'never']);

function required<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null || value === '') throw new JobPayloadError(`the job payload has no ${field}`);
  return value;
}

function requiredNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new JobPayloadError(`the job payload's ${field} is not a number`);
  return value;
}

function requiredArray<T>(value: readonly T[] | undefined | null, field: string): readonly T[] {
  if (!Array.isArray(value)) throw new JobPayloadError(`the job payload's ${field} is not a list`);
  return value;
}

/** The fields without which the job cannot run or report back; everything else has a default. */
function validate(payload: JobPayload): void {
  requiredNumber(payload.id, 'id');
  required(payload.token, 'token');
  const info = required(payload.job_info, 'job_info');
  required(info.name, 'job_info.name');
  requiredNumber(info.project_id, 'job_info.project_id');
  const git = required(payload.git_info, 'git_info');
  required(git.repo_url, 'git_info.repo_url');
  required(git.sha, 'git_info.sha');
  required(git.ref, 'git_info.ref');
  requiredNumber(git.depth ?? 0, 'git_info.depth');
  requiredNumber(required(payload.runner_info, 'runner_info').timeout, 'runner_info.timeout');
  const variables = requiredArray(payload.variables, 'variables');
  variables.forEach((v, i) => {
    if (typeof v?.key !== 'string' || v.key === '') throw new JobPayloadError(`the job payload's variables[${i}] has no key`);
  });
  const steps = requiredArray(payload.steps, 'steps');
  steps.forEach((s, i) => {
    if (typeof s?.name !== 'string' || !Array.isArray(s.script)) throw new JobPayloadError(`the job payload's steps[${i}] has no name or script`);
  });
  if (!steps.some((s) => s.name === 'script')) throw new JobPayloadError('the job payload has no `script` step');
}

export function mapVariable(variable: PayloadVariable): JobVariable {
  return {
    key: variable.key,
    value: variable.value ?? '',
    public: variable.public ?? false,
    masked: variable.masked ?? false,
    file: variable.file ?? false,
    raw: variable.raw ?? false,
  };
}

function pullPolicies(policies: readonly string[] | undefined): { pullPolicy?: PullPolicy[] } {
  const known = (policies ?? []).filter((p): p is PullPolicy => POLICIES.has(p));
  return known.length > 0 ? { pullPolicy: known } : {};
}

function imageOf(image: PayloadImage): ImageDefinition {
  const docker = image.executor_opts?.docker;
  const kubernetes = image.executor_opts?.kubernetes;
  return {
    name: image.name,
    ...(image.entrypoint && image.entrypoint.length > 0 ? { entrypoint: image.entrypoint } : {}),
    ...pullPolicies(image.pull_policy),
    ...(docker && (docker.platform || docker.user) ? { docker: { ...(docker.platform ? { platform: docker.platform } : {}), ...(docker.user ? { user: docker.user } : {}) } } : {}),
    ...(kubernetes?.user ? { kubernetes: { user: kubernetes.user } } : {}),
  };
}

function serviceOf(service: PayloadImage): ServiceDefinition {
  const variables = service.variables ?? [];
  return {
    ...imageOf(service),
    // GitLab sends `alias` as it was written: several names separated by commas or spaces.
    aliases: (service.alias ?? '').split(/[\s,]+/).filter((a) => a !== ''),
    ...(service.command && service.command.length > 0 ? { command: service.command } : {}),
    ...(variables.length > 0 ? { variables: Object.fromEntries(variables.map((v) => [v.key, v.value])) } : {}),
  };
}

function when(value: string | undefined, fallback: ArtifactWhen): ArtifactWhen {
  return value === 'on_success' || value === 'on_failure' || value === 'always' ? value : fallback;
}

function cacheOf(cache: PayloadCache): CacheDefinition {
  return {
    key: { kind: 'literal', value: cache.key },
    paths: cache.paths ?? [],
    untracked: cache.untracked ?? false,
    // GitLab has already appended `-protected`/`-non_protected` to the key.
    unprotect: false,
    when: when(cache.when, 'on_success'),
    policy: cache.policy ?? 'pull-push',
    fallbackKeys: cache.fallback_keys ?? [],
  };
}

/** The `archive` entry and the report entries of `artifacts[]` as one ArtifactsDefinition. */
function artifactsOf(entries: readonly PayloadArtifact[]): ArtifactsDefinition | null {
  if (entries.length === 0) return null;
  const archive = entries.find((e) => e.artifact_type === 'archive');
  const reports: Record<string, string[]> = {};
  for (const entry of entries) if (entry.artifact_type !== 'archive') reports[entry.artifact_type] = [...(reports[entry.artifact_type] ?? []), ...(entry.paths ?? [])];
  return {
    paths: archive?.paths ?? [],
    exclude: archive?.exclude ?? [],
    untracked: archive?.untracked ?? false,
    when: when(archive?.when, 'on_success'),
    ...(archive?.expire_in ? { expireIn: archive.expire_in } : {}),
    ...(archive?.name ? { name: archive.name } : {}),
    reports,
  };
}

/** Steps besides script and after_script (GitLab's `release`), in the payload's order. */
function extraStepsOf(payload: JobPayload): Pick<PlannedJob, 'extraSteps'> {
  const extra = payload.steps.filter((s) => s.name !== 'script' && s.name !== 'after_script' && (s.script ?? []).length > 0);
  return extra.length > 0 ? { extraSteps: extra.map((s) => ({ name: s.name, script: [...(s.script ?? [])] })) } : {};
}

/** The PlannedJob the engine runs for a payload, and the rest of the payload the runner needs. */
export function mapJobPayload(payload: JobPayload): { job: PlannedJob; context: RunnerJobContext } {
  validate(payload);
  const name = payload.job_info.name;
  const step = (stepName: string) => payload.steps.find((s) => s.name === stepName)?.script ?? [];
  const pre = (payload.hooks ?? []).find((h) => h.name === 'pre_get_sources_script')?.script ?? [];
  const job: PlannedJob = {
    name,
    baseName: name,
    stage: payload.job_info.stage || 'test',
    stageIndex: 0,
    when: 'on_success',
    allowFailure: false,
    needs: null,
    artifactSources: (payload.dependencies ?? []).map((d) => d.name),
    variables: payload.variables.map(mapVariable),
    image: payload.image?.name ? imageOf(payload.image) : null,
    services: (payload.services ?? []).filter((s) => s.name).map(serviceOf),
    // GitLab has joined before_script into the script step.
    beforeScript: [],
    script: step('script'),
    afterScript: step('after_script'),
    ...extraStepsOf(payload),
    ...(pre.length > 0 ? { hooks: { preGetSourcesScript: pre } } : {}),
    cache: (payload.cache ?? []).map(cacheOf),
    artifacts: artifactsOf(payload.artifacts ?? []),
    // GitLab retries by creating a new job: the runner runs each payload once.
    retry: { max: 0, when: [], exitCodes: [] },
    timeoutSeconds: payload.runner_info.timeout,
    interruptible: false,
    tags: [],
    environment: null,
    nodeTotal: 1,
  };
  return { job, context: runnerJobContext(payload) };
}
