// Job-level predefined variables (known once the planner has the concrete job) and the variables the runner
// adds itself when it runs a job (gitlab-ci-yaml.md §7.4, runner-behavior.md "Variables the runner adds").
import type { EnvironmentDefinition, JobWhen } from '../model/config.js';
import type { PipelineContext } from '../model/plan.js';
import { environmentSlug, slugify } from './slug.js';

export interface JobFacts {
  /** Concrete name (`build 1/3`, `deploy: [aws, app1]`). */
  name: string;
  stage: string;
  /** 1-based parallel index, only for parallel jobs. */
  nodeIndex?: number;
  nodeTotal: number;
  /** The job's environment with its name and url already expanded. */
  environment?: EnvironmentDefinition | null;
  when?: JobWhen;
  /** Started by a person (a played manual job); defaults to `when: manual` jobs the context says were played. */
  manual?: boolean;
}

// GitLab guesses the tier from the environment name when `deployment_tier` is not set (Environment#guess_tier);
// the first matching row wins.
const TIER_GUESSES: ReadonlyArray<readonly [RegExp, string]> = [
  [/dev|review|trunk/i, 'development'],
  [/test|tst|int|ac(?:ce)?pt|qa|qc|control|quality/i, 'testing'],
  [/sta?g|mode?l|pre|demo|non/i, 'staging'],
  [/pro?d|live/i, 'production'],
];

/** `CI_ENVIRONMENT_TIER` of an environment: its `deployment_tier`, else the guess from its name. */
export function environmentTier(environment: Pick<EnvironmentDefinition, 'name' | 'deploymentTier'>): string {
  if (environment.deploymentTier) return environment.deploymentTier;
  return TIER_GUESSES.find(([pattern]) => pattern.test(environment.name))?.[1] ?? 'other';
}

function environmentVariables(environment: EnvironmentDefinition): Record<string, string> {
  const vars: Record<string, string> = {
    CI_ENVIRONMENT_NAME: environment.name,
    CI_ENVIRONMENT_SLUG: environmentSlug(environment.name),
  };
  if (environment.url) vars.CI_ENVIRONMENT_URL = environment.url;
  vars.CI_ENVIRONMENT_ACTION = environment.action ?? 'start';
  vars.CI_ENVIRONMENT_TIER = environmentTier(environment);
  return vars;
}

/** `CI_JOB_NAME`, `CI_JOB_STAGE`, `CI_NODE_*`, `CI_JOB_MANUAL`, `CI_ENVIRONMENT_*` of one concrete job. */
export function jobPredefinedVariables(job: JobFacts, ctx?: Pick<PipelineContext, 'playedManualJobs'>): Record<string, string> {
  const vars: Record<string, string> = {
    CI_JOB_NAME: job.name,
    CI_JOB_NAME_SLUG: slugify(job.name),
    CI_JOB_STAGE: job.stage,
  };
  const manual = job.manual ?? (job.when === 'manual' && (ctx?.playedManualJobs.includes(job.name) ?? false));
  if (manual) vars.CI_JOB_MANUAL = 'true';
  if (job.nodeIndex !== undefined) vars.CI_NODE_INDEX = String(job.nodeIndex);
  vars.CI_NODE_TOTAL = String(job.nodeTotal);
  if (job.environment) Object.assign(vars, environmentVariables(job.environment));
  return vars;
}

export interface RunnerFacts {
  jobId: number;
  /** Checkout path inside the executor (`CI_PROJECT_DIR`). */
  projectDir: string;
  /** Build root (`CI_BUILDS_DIR`). */
  buildsDir: string;
  /** `shell` shares the host; container executors are disposable. */
  executor: string;
  /** `<server>/<project path>`, for `CI_JOB_URL`. */
  projectUrl?: string;
  jobToken?: string;
  /** ISO 8601 start time. */
  startedAt?: string;
  timeoutSeconds?: number;
  image?: string;
  concurrentId?: number;
  concurrentProjectId?: number;
  runner?: {
    id?: number;
    description?: string;
    tags?: string[];
    version?: string;
    revision?: string;
    /** `GOOS/GOARCH`-style platform, e.g. `linux/amd64`. */
    arch?: string;
    shortToken?: string;
  };
}

const SHARED_EXECUTORS = new Set(['shell', 'ssh']);

function runnerIdentity(runner: NonNullable<RunnerFacts['runner']>): Record<string, string> {
  const vars: Record<string, string> = {};
  if (runner.id !== undefined) vars.CI_RUNNER_ID = String(runner.id);
  if (runner.description !== undefined) vars.CI_RUNNER_DESCRIPTION = runner.description;
  // GitLab sends Ruby's Array#to_s of the tags: `["a", "b"]`.
  if (runner.tags !== undefined) vars.CI_RUNNER_TAGS = `[${runner.tags.map((t) => JSON.stringify(t)).join(', ')}]`;
  if (runner.shortToken !== undefined) vars.CI_RUNNER_SHORT_TOKEN = runner.shortToken;
  if (runner.version !== undefined) vars.CI_RUNNER_VERSION = runner.version;
  if (runner.revision !== undefined) vars.CI_RUNNER_REVISION = runner.revision;
  if (runner.arch !== undefined) vars.CI_RUNNER_EXECUTABLE_ARCH = runner.arch;
  return vars;
}

/** Variables that exist only while a job runs: job id and URL, directories, executor slot, runner identity. */
export function runnerVariables(facts: RunnerFacts): Record<string, string> {
  const vars: Record<string, string> = { CI_JOB_ID: String(facts.jobId) };
  if (facts.projectUrl) vars.CI_JOB_URL = `${facts.projectUrl}/-/jobs/${facts.jobId}`;
  if (facts.jobToken !== undefined) vars.CI_JOB_TOKEN = facts.jobToken;
  if (facts.startedAt !== undefined) vars.CI_JOB_STARTED_AT = facts.startedAt;
  if (facts.image) vars.CI_JOB_IMAGE = facts.image;
  Object.assign(vars, {
    CI_BUILDS_DIR: facts.buildsDir,
    CI_PROJECT_DIR: facts.projectDir,
    CI_CONCURRENT_ID: String(facts.concurrentId ?? 0),
    CI_CONCURRENT_PROJECT_ID: String(facts.concurrentProjectId ?? 0),
    CI_SERVER: 'yes',
    CI_JOB_STATUS: 'running',
  });
  if (facts.timeoutSeconds !== undefined) vars.CI_JOB_TIMEOUT = String(facts.timeoutSeconds);
  if (SHARED_EXECUTORS.has(facts.executor)) vars.CI_SHARED_ENVIRONMENT = 'true';
  else vars.CI_DISPOSABLE_ENVIRONMENT = 'true';
  return Object.assign(vars, runnerIdentity(facts.runner ?? {}));
}
