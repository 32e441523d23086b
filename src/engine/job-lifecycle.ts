// One attempt of one job, in GitLab Runner's stage order (runner-behavior.md §1.1): prepare_executor →
// prepare_script → get_sources → restore_cache → download_artifacts → step_script → after_script →
// archive_cache[_on_failure] → upload_artifacts_on_{success,failure} → cleanup_file_variables, then the
// executor's cleanup (always, exactly once per prepared environment) and the final status line (§10.2).
import type { JobEnvironment, StepOutcome } from '../executors/executor.js';
import type { FailureReason } from '../model/events.js';
import type { JobVariable, PlannedJob } from '../model/plan.js';
import { runnerVariables } from '../variables/index.js';
import { timeStep } from '../log/step-timings.js';
import { offerFailedEnvironment } from './failure-hook.js';
import { formatGoDuration, parseGoDuration } from './go-duration.js';
import { markCanceled, markError, markFailed, messageOf, resetProgress, writeFinalLine, type Progress } from './attempt-progress.js';
import { stageAttempts, withAttempts, withAttemptsThrowing, type StageAttempts } from './stage-attempts.js';
import type { JobLog } from './job-log.js';
import type { Clock, DotenvVariable, EngineOptions, SaveOutcome, ScriptJobStatus, ScriptStage, StageContext } from './options.js';

export interface AttemptContext {
  job: PlannedJob;
  jobId: number;
  /** 1-based attempt number (retries count up). */
  attempt: number;
  /** Effective variables: planned ones plus received dotenv variables. */
  variables: JobVariable[];
  log: JobLog;
  /** Graceful cancel: stops prepare, restores and the user script. */
  cancelSignal: AbortSignal;
  /** Forced cancel: also stops after_script and the save stages. */
  forceSignal: AbortSignal;
  clock: Clock;
  options: Pick<EngineOptions, 'executor' | 'services' | 'sourceDir' | 'stateDir' | 'pipelineId' | 'defaultTimeoutSeconds' | 'onJobFailure'>;
}

export interface AttemptOutcome {
  status: 'success' | 'failed' | 'canceled';
  exitCode: number | null;
  failureReason?: FailureReason;
  /** Dotenv variables saved with the job's artifacts. */
  dotenv?: DotenvVariable[];
}

type SectionName =
  | ScriptStage
  | 'restore_cache'
  | 'download_artifacts'
  | 'archive_cache'
  | 'archive_cache_on_failure'
  | 'upload_artifacts_on_success'
  | 'upload_artifacts_on_failure';

/** Section titles GitLab Runner prints (runner-behavior.md §1.1 table). */
const TITLES: Partial<Record<SectionName, string>> = {
  prepare_script: 'Preparing environment',
  get_sources: 'Getting source from Git repository',
  restore_cache: 'Restoring cache',
  download_artifacts: 'Downloading artifacts',
  step_script: 'Executing "step_script" stage of the job script',
  after_script: 'Running after_script',
  archive_cache: 'Saving cache for successful job',
  archive_cache_on_failure: 'Saving cache for failed job',
  upload_artifacts_on_success: 'Uploading artifacts for successful job',
  upload_artifacts_on_failure: 'Uploading artifacts for failed job',
  cleanup_file_variables: 'Cleaning up project directory and file based variables',
};

/** RUNNER_AFTER_SCRIPT_TIMEOUT default (runner-behavior.md §1.1). */
const AFTER_SCRIPT_TIMEOUT_MS = 5 * 60_000;

export async function runJobAttempt(ctx: AttemptContext): Promise<AttemptOutcome> {
  const progress: Progress = { status: 'success', exitCode: null };
  const env = await prepareEnvironment(ctx, progress);
  if (env) {
    const attempt = withRunnerVariables(ctx, env);
    try {
      await runStages(attempt, env, progress);
    } catch (error) {
      markError(ctx, progress, error, true);
    } finally {
      await offerFailedEnvironment(attempt, env, progress);
      await cleanupEnvironment(ctx, env);
    }
  }
  writeFinalLine(ctx.log, progress);
  ctx.log.flush();
  const { status, exitCode, reason, dotenv } = progress;
  return { status, exitCode, ...(reason ? { failureReason: reason } : {}), ...(dotenv ? { dotenv } : {}) };
}

/**
 * The variables the runner adds itself once the environment exists (CI_PROJECT_DIR, CI_BUILDS_DIR,
 * CI_JOB_ID, CI_JOB_TIMEOUT, ...), before the job's own so those win (runner-behavior.md §8.4).
 */
function withRunnerVariables(ctx: AttemptContext, env: JobEnvironment): AttemptContext {
  const added = runnerVariables({
    jobId: ctx.jobId,
    projectDir: env.projectDir,
    buildsDir: env.buildsDir,
    executor: ctx.options.executor.name,
    timeoutSeconds: ctx.job.timeoutSeconds ?? ctx.options.defaultTimeoutSeconds,
  });
  const runner = Object.entries(added).map(([key, value]): JobVariable => ({ key, value, public: true, masked: false, file: false, raw: true }));
  return { ...ctx, variables: [...runner, ...ctx.variables] };
}

async function prepareEnvironment(ctx: AttemptContext, progress: Progress): Promise<JobEnvironment | null> {
  const { executor, sourceDir, stateDir, pipelineId } = ctx.options;
  ctx.log.sectionStart('prepare_executor', `Preparing the "${executor.name}" executor`);
  try {
    if (ctx.cancelSignal.aborted) {
      markCanceled(progress);
      return null;
    }
    const options = { sourceDir, stateDir, pipelineId, jobId: ctx.jobId };
    return await timeStep(ctx.job.name, 'prepare_executor', () => executor.prepare(ctx.job, options, ctx.log.io, ctx.cancelSignal));
  } catch (error) {
    markError(ctx, progress, error, true);
    return null;
  } finally {
    ctx.log.sectionEnd('prepare_executor');
  }
}

async function cleanupEnvironment(ctx: AttemptContext, env: JobEnvironment): Promise<void> {
  try {
    await timeStep(ctx.job.name, 'cleanup', () => env.cleanup());
  } catch (error) {
    ctx.log.warn(`Failed to clean up the job environment: ${messageOf(error)}`);
  }
}

async function runStages(ctx: AttemptContext, env: JobEnvironment, progress: Progress): Promise<void> {
  const jobTimeoutMs = (ctx.job.timeoutSeconds ?? ctx.options.defaultTimeoutSeconds) * 1000;
  const deadline = ctx.clock.now() + jobTimeoutMs;
  const step = (stage: ScriptStage, section = true) => runTimedStep(ctx, env, progress, stage, { deadline, jobTimeoutMs }, section);
  // A failing prepare_script ends executeScript at once: no further stage, not even cleanup_file_variables.
  if (!(await step('prepare_script'))) return;
  const { attempts, warnings } = stageAttempts(ctx.variables);
  for (const warning of warnings) ctx.log.warn(warning);
  // A failed get_sources is tried again (GET_SOURCES_ATTEMPTS), unless the job was canceled or timed out.
  const sources = () => getSources(ctx, env, progress, step);
  const again = () => !ctx.cancelSignal.aborted && progress.status === 'failed' && progress.reason !== 'job_execution_timeout';
  const fetched = await withAttempts(attempts.getSources, sources, again, () => {
    ctx.log.warn('Retrying...');
    resetProgress(progress);
  });
  const ready = fetched && (await restoreStages(ctx, env, progress, attempts));
  if (ready) {
    // GitLab Runner runs the payload's steps in order and stops at the first that fails.
    if (await step('step_script')) {
      for (const extra of ctx.job.extraSteps ?? []) if (!(await step(`step_${extra.name.toLowerCase()}`))) break;
    }
    await runAfterScript(ctx, env, progress);
  }
  if (progress.reason === 'runner_system_failure') return;
  await saveStages(ctx, env, progress);
  await runOptionalStep(ctx, env, 'cleanup_file_variables', progress);
}

/**
 * get_sources, in one section as GitLab Runner's script (runner-behavior.md §4.3): pre_get_sources_script
 * (the runner's, then the job's `hooks:`), the executor's own delivery of the project when it has one
 * (docker streams the checkout into the container) or else the stage's script, then
 * post_get_sources_script. The hooks are left out with GIT_STRATEGY none or empty, as there.
 */
async function getSources(ctx: AttemptContext, env: JobEnvironment, progress: Progress, step: (stage: ScriptStage, section?: boolean) => Promise<boolean>): Promise<boolean> {
  const hooked = hasSourceHooks(ctx, env);
  if (!env.getSources && !hooked) return step('get_sources');
  if (ctx.cancelSignal.aborted) return markCanceled(progress);
  return inSection(ctx, 'get_sources', async () => {
    if (hooked && !(await step('pre_get_sources_script', false))) return false;
    if (!env.getSources) {
      if (!(await step('get_sources', false))) return false;
    } else {
      try {
        await env.getSources(ctx.cancelSignal);
      } catch (error) {
        markError(ctx, progress, error, true);
        return false;
      }
    }
    return !hooked || step('post_get_sources_script', false);
  });
}

function hasSourceHooks(ctx: AttemptContext, env: JobEnvironment): boolean {
  const strategy = ctx.variables.findLast((v) => v.key === 'GIT_STRATEGY')?.value;
  if (strategy === 'none' || strategy === 'empty') return false;
  const request = { job: ctx.job, variables: ctx.variables, projectDir: env.projectDir, buildsDir: env.buildsDir, tmpDir: env.tmpDir, jobStatus: 'running' as const };
  const { services } = ctx.options;
  return services.generateScript({ ...request, stage: 'pre_get_sources_script' }) !== null || services.generateScript({ ...request, stage: 'post_get_sources_script' }) !== null;
}

/** Runs prepare_script / get_sources / step_script under the job deadline; false when the job failed. */
async function runTimedStep(
  ctx: AttemptContext,
  env: JobEnvironment,
  progress: Progress,
  stage: ScriptStage,
  timing: { deadline: number; jobTimeoutMs: number },
  section: boolean,
): Promise<boolean> {
  if (ctx.cancelSignal.aborted) {
    markCanceled(progress);
    return false;
  }
  const remaining = timing.deadline - ctx.clock.now();
  let outcome: StepOutcome | null;
  if (remaining <= 0) {
    outcome = { exitCode: -1, timedOut: true, canceled: false };
  } else {
    try {
      outcome = await runStep(ctx, env, stage, 'running', remaining, ctx.cancelSignal, section);
    } catch (error) {
      markError(ctx, progress, error, true);
      return false;
    }
  }
  if (outcome === null) return true;
  judgeStep(ctx, progress, outcome, timing.jobTimeoutMs);
  return progress.status === 'success';
}

function judgeStep(ctx: AttemptContext, progress: Progress, outcome: StepOutcome, jobTimeoutMs: number): void {
  if (outcome.canceled || (ctx.cancelSignal.aborted && outcome.exitCode !== 0)) {
    markCanceled(progress);
  } else if (outcome.timedOut) {
    // runner-behavior.md §10.2: the "(sic)" wording with a Go duration.
    markFailed(progress, 'job_execution_timeout', null, `execution took longer than ${formatGoDuration(jobTimeoutMs)} seconds`);
  } else if (outcome.exitCode !== 0) {
    markFailed(progress, 'script_failure', outcome.exitCode, `exit code ${outcome.exitCode}`);
  } else {
    progress.exitCode = 0;
  }
}

/** Generates and runs one script stage inside its section; null when the stage has nothing to run. */
async function runStep(
  ctx: AttemptContext,
  env: JobEnvironment,
  stage: ScriptStage,
  jobStatus: ScriptJobStatus,
  timeoutMs: number,
  signal: AbortSignal,
  section = true,
): Promise<StepOutcome | null> {
  const script = ctx.options.services.generateScript({
    job: ctx.job,
    stage,
    variables: ctx.variables,
    projectDir: env.projectDir,
    buildsDir: env.buildsDir,
    tmpDir: env.tmpDir,
    jobStatus,
  });
  if (script === null) return null;
  const run = () => env.run({ name: stage, script, timeoutMs }, signal);
  return section ? inSection(ctx, stage, run) : run();
}

async function inSection<T>(ctx: AttemptContext, name: SectionName, body: () => Promise<T>): Promise<T> {
  // Extra steps (`step_release`) are titled as GitLab Runner titles every step stage.
  ctx.log.sectionStart(name, TITLES[name] ?? `Executing "${name}" stage of the job script`);
  try {
    return await timeStep(ctx.job.name, name, body);
  } finally {
    ctx.log.sectionEnd(name);
  }
}

function stageContext(ctx: AttemptContext, env: JobEnvironment, signal: AbortSignal): StageContext {
  return { job: ctx.job, jobId: ctx.jobId, variables: ctx.variables, env, log: ctx.log, signal };
}

/** `body` tried `times` times while it throws and the job is not canceled, each failure but the last a warning. */
function tried(ctx: AttemptContext, times: number, body: () => Promise<void>): Promise<void> {
  return withAttemptsThrowing(times, body, () => !ctx.cancelSignal.aborted, (error) => {
    ctx.log.warn(messageOf(error));
    ctx.log.warn('Retrying...');
  });
}

/** restore_cache (failures are warnings) then download_artifacts (failures fail the job), each tried as often as asked. */
async function restoreStages(ctx: AttemptContext, env: JobEnvironment, progress: Progress, attempts: StageAttempts): Promise<boolean> {
  const { services } = ctx.options;
  const context = stageContext(ctx, env, ctx.cancelSignal);
  if (ctx.job.cache.some((c) => c.paths.length > 0 || c.untracked)) {
    try {
      await inSection(ctx, 'restore_cache', () => tried(ctx, attempts.restoreCache, () => services.restoreCaches(context)));
    } catch (error) {
      if (ctx.cancelSignal.aborted) return markCanceled(progress);
      ctx.log.warn(`Failed to restore cache: ${messageOf(error)}`);
    }
  }
  if (ctx.job.artifactSources.length > 0) {
    try {
      await inSection(ctx, 'download_artifacts', () => tried(ctx, attempts.downloadArtifacts, () => services.restoreArtifacts(context)));
    } catch (error) {
      markError(ctx, progress, error, false);
      return false;
    }
  }
  if (ctx.cancelSignal.aborted) return markCanceled(progress);
  return true;
}

/** after_script runs after success, failure, timeout and graceful cancel, with its own timeout; its failure is ignored. */
async function runAfterScript(ctx: AttemptContext, env: JobEnvironment, progress: Progress): Promise<void> {
  if (ctx.job.afterScript.length === 0 || progress.reason === 'runner_system_failure' || ctx.forceSignal.aborted) return;
  const timeoutMs = afterScriptTimeoutMs(ctx.variables);
  try {
    const outcome = await runStep(ctx, env, 'after_script', afterScriptStatus(progress), timeoutMs, ctx.forceSignal);
    if (outcome === null || (outcome.exitCode === 0 && !outcome.timedOut && !outcome.canceled)) return;
    const why = outcome.timedOut
      ? `execution took longer than ${formatGoDuration(timeoutMs)} seconds`
      : outcome.canceled
        ? 'canceled'
        : `exit code ${outcome.exitCode}`;
    ctx.log.warn(`after_script failed, but job will continue unaffected: ${why}`);
  } catch (error) {
    ctx.log.warn(`after_script failed, but job will continue unaffected: ${messageOf(error)}`);
  }
}

function afterScriptStatus(progress: Progress): ScriptJobStatus {
  if (progress.status === 'success') return 'success';
  if (progress.status === 'canceled') return 'canceled';
  return progress.reason === 'job_execution_timeout' ? 'timedout' : 'failed';
}

function afterScriptTimeoutMs(variables: JobVariable[]): number {
  const value = variables.findLast((v) => v.key === 'RUNNER_AFTER_SCRIPT_TIMEOUT')?.value;
  const parsed = value === undefined ? undefined : parseGoDuration(value);
  return parsed !== undefined && parsed > 0 ? parsed : AFTER_SCRIPT_TIMEOUT_MS;
}

/** Cache and artifact saving for the job's outcome; a forced cancel skips them. */
async function saveStages(ctx: AttemptContext, env: JobEnvironment, progress: Progress): Promise<void> {
  if (ctx.forceSignal.aborted) return;
  const { services } = ctx.options;
  const outcome: SaveOutcome = progress.status === 'success' ? 'success' : 'failed';
  const context = stageContext(ctx, env, ctx.forceSignal);
  if (hasCacheToSave(ctx.job, outcome)) {
    const section = outcome === 'success' ? 'archive_cache' : 'archive_cache_on_failure';
    try {
      await inSection(ctx, section, () => services.saveCaches(context, outcome));
    } catch (error) {
      ctx.log.warn(`Failed to save cache: ${messageOf(error)}`);
    }
  }
  if (!hasArtifactsToSave(ctx.job, outcome)) return;
  const section = outcome === 'success' ? 'upload_artifacts_on_success' : 'upload_artifacts_on_failure';
  try {
    const saved = await inSection(ctx, section, () => services.saveArtifacts(context, outcome));
    progress.dotenv = saved.dotenv;
  } catch (error) {
    // An artifact upload failure fails a successful job (runner-behavior.md §14.5).
    if (progress.status === 'success') markError(ctx, progress, error, false);
    else ctx.log.error(messageOf(error));
  }
}

function matchesOutcome(when: string, outcome: SaveOutcome): boolean {
  return when === 'always' || when === (outcome === 'success' ? 'on_success' : 'on_failure');
}

function hasCacheToSave(job: PlannedJob, outcome: SaveOutcome): boolean {
  return job.cache.some((c) => (c.paths.length > 0 || c.untracked) && matchesOutcome(c.when, outcome));
}

/** Reports are uploaded whatever the outcome (gitlab-ci-yaml.md §9.2). */
function hasArtifactsToSave(job: PlannedJob, outcome: SaveOutcome): boolean {
  const artifacts = job.artifacts;
  if (!artifacts) return false;
  const hasFiles = artifacts.paths.length > 0 || artifacts.untracked;
  const hasReports = Object.values(artifacts.reports).some((paths) => paths.length > 0);
  return hasReports || (hasFiles && matchesOutcome(artifacts.when, outcome));
}

async function runOptionalStep(ctx: AttemptContext, env: JobEnvironment, stage: ScriptStage, progress: Progress): Promise<void> {
  if (ctx.forceSignal.aborted) return;
  try {
    const outcome = await runStep(ctx, env, stage, progress.status === 'success' ? 'success' : 'failed', AFTER_SCRIPT_TIMEOUT_MS, ctx.forceSignal);
    if (outcome && outcome.exitCode !== 0) ctx.log.warn(`${stage} failed: exit code ${outcome.exitCode}`);
  } catch (error) {
    ctx.log.warn(`${stage} failed: ${messageOf(error)}`);
  }
}
