// What the engine needs from the outside world, as narrow injected interfaces: the executor (where a job
// runs), the job services (what to run and how caches/artifacts move), a clock and the observer.
// The composition root (src/app/) plugs in the real implementations; tests use fakes.
import type { JobEnvironment, Executor } from '../executors/executor.js';
import type { FailureReason, PipelineEvent } from '../model/events.js';
import type { JobVariable, PlannedJob } from '../model/plan.js';

/** A pending timer; clearing it is idempotent. */
export interface TimerHandle {
  clear(): void;
}

/** Time source for event times, durations and `start_in` timers (injectable so tests control time). */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds unless cleared first. */
  setTimer(ms: number, callback: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    const timer = setTimeout(callback, ms);
    return { clear: () => clearTimeout(timer) };
  },
};

/**
 * Script stages of GitLab Runner's `executeScript` that the engine asks `generateScript` for
 * (runner-behavior.md §1.1). `prepare_script`, `get_sources` and `cleanup_file_variables` are optional:
 * a `null` script skips the stage without a section, as the runner does.
 */
export type ScriptStage =
  | 'prepare_script'
  | 'get_sources'
  /** Inside get_sources, around the delivery of the sources: the runner's and the job's `hooks:` scripts. */
  | 'pre_get_sources_script'
  | 'post_get_sources_script'
  | 'step_script'
  /** A PlannedJob's `extraSteps` (`step_release`, ...), after step_script. */
  | `step_${string}`
  | 'after_script'
  | 'cleanup_file_variables';

/** `CI_JOB_STATUS` as the runner sets it for after_script (runner-behavior.md §1.1). */
export type ScriptJobStatus = 'running' | 'success' | 'failed' | 'canceled' | 'timedout';

export interface ScriptRequest {
  job: PlannedJob;
  stage: ScriptStage;
  /** The job's effective variables: planned variables plus dotenv variables received from artifacts. */
  variables: JobVariable[];
  /** CI_PROJECT_DIR, CI_BUILDS_DIR and the job's temporary dir (file variables, GITLAB_ENV) as the job sees them. */
  projectDir: string;
  buildsDir: string;
  tmpDir: string;
  jobStatus: ScriptJobStatus;
}

/** Runner messages written to the job log; every line goes through the job's masker. */
export interface JobLogger {
  /** Plain runner line (`Println`). */
  print(message: string): void;
  /** Bold green notice (`Infoln`). */
  info(message: string): void;
  /** Yellow `WARNING: ` line. */
  warn(message: string): void;
  /** Bold red `ERROR: ` line. */
  error(message: string): void;
}

/** Everything a cache or artifact stage may use. */
export interface StageContext {
  job: PlannedJob;
  /** The attempt's job id (CI_JOB_ID), recorded with its artifacts and shown to jobs that download them. */
  jobId: number;
  variables: JobVariable[];
  env: JobEnvironment;
  log: JobLogger;
  /** Aborts when the stage must stop (cancel for restores, forced cancel for saves). */
  signal: AbortSignal;
}

/** Outcome a save stage is run for: `archive_cache` vs `archive_cache_on_failure`, etc. */
export type SaveOutcome = 'success' | 'failed';

/** A variable parsed from an `artifacts:reports:dotenv` file (gitlab-ci-yaml.md §9.1). */
export interface DotenvVariable {
  key: string;
  value: string;
}

export interface SavedArtifacts {
  /** Dotenv variables the job produced; handed to jobs that list it in `artifactSources`. */
  dotenv: DotenvVariable[];
}

/**
 * The job-lifecycle services the engine calls between executor steps (script generation, cache and
 * artifact transfer). Restores and saves run inside the job environment through `env.copyIn/copyOut`.
 */
export interface JobServices {
  /** The complete shell script for one stage, or null when the stage has nothing to run. */
  generateScript(request: ScriptRequest): string | null;
  /** Restores the job's caches (`restore_cache`). Failures are reported as warnings, never fail the job. */
  restoreCaches(context: StageContext): Promise<void>;
  /** Extracts the artifacts of `job.artifactSources` into the project dir (`download_artifacts`). Throws to fail the job. */
  restoreArtifacts(context: StageContext): Promise<void>;
  /** Saves the caches whose `when` matches `outcome` (`archive_cache[_on_failure]`). Failures are warnings. */
  saveCaches(context: StageContext, outcome: SaveOutcome): Promise<void>;
  /** Stores the artifacts whose `when` matches `outcome` and reports (`upload_artifacts_on_*`). Throws to fail the job. */
  saveArtifacts(context: StageContext, outcome: SaveOutcome): Promise<SavedArtifacts>;
}

/**
 * Where one job goes, as the composition root decided from the runner settings: onto a runner's
 * executor, or nowhere (GitLab keeps such a job pending as "stuck"; glci fails it at once).
 */
export type JobRoute =
  | {
      kind: 'run';
      executor: Executor;
      /** The runner's name, shown in the job log header and used to count the runner's running jobs. */
      runner: string;
      /** The runner's `limit`: jobs it runs at once; 0 or less: only `concurrency` applies. */
      limit: number;
    }
  | { kind: 'stuck'; reason: string };

/** A failed job whose environment still exists, as `onJobFailure` gets it. */
export interface JobFailureContext {
  job: PlannedJob;
  /** The environment as the failure left it: after_script and the save stages have run, cleanup has not. */
  env: JobEnvironment;
  /** The job's effective variables, the runner's own (CI_PROJECT_DIR, CI_JOB_ID, ...) included. */
  variables: JobVariable[];
  reason: FailureReason;
  /** Name of the executor the job ran on. */
  executor: string;
  /** Aborts on a forced cancel: whatever the hook opened must end then. */
  signal: AbortSignal;
}

export interface EngineOptions {
  /** The executor of every job when `route` is absent. */
  executor: Executor;
  /**
   * Asked once per job, when the job is about to be dispatched; absent: every job runs on `executor`.
   * Must be cheap and deterministic: the answer is kept for the job's retries.
   */
  route?: (job: PlannedJob) => JobRoute;
  /** The executor names shown by `pipeline_start` (joined with `, `); default: `executor.name`. */
  executorNames?: readonly string[];
  /** glci's version: when set, every attempt's log opens with GitLab Runner's `Running with …` header. */
  version?: string;
  services: JobServices;
  /** Maximum number of jobs running at once (≥ 1), across all runners (config.toml `concurrent`). */
  concurrency: number;
  /** Job timeout when the job sets none (GitLab's project default is 3600). */
  defaultTimeoutSeconds: number;
  stateDir: string;
  sourceDir: string;
  pipelineId: number;
  /** First abort = graceful cancel: running scripts stop, after_script and cleanup still run. */
  signal: AbortSignal;
  /** Abort = forced cancel: after_script and saves are killed too; cleanup still runs. */
  forceSignal?: AbortSignal;
  observer: (event: PipelineEvent) => void;
  /** Manual or delayed jobs to start without waiting, as GitLab's Play button does. */
  playJobs?: readonly string[];
  /** Names of user-given variables: dotenv variables never override them (gitlab-ci-yaml.md §7.1, §9.1). */
  userVariableKeys?: readonly string[];
  /**
   * Called on the last attempt of a failed (not canceled) job, after after_script and the save stages and
   * before cleanup (`--shell-on-failure`). Awaited with no job timeout running; a throw is a warning in the log.
   */
  onJobFailure?: (ctx: JobFailureContext) => Promise<void>;
  clock?: Clock;
}
