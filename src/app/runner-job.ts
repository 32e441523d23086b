// One job GitLab handed this runner, from acknowledgement to the final update (runner-behavior.md §8.3–8.6):
// the payload becomes a PlannedJob (gitlab/job-mapper.ts) that the engine runs like any local job, on the
// runner's executor, with the runner's sources and GitLab's artifacts; every byte of the job log goes
// to the trace, and the job is finished exactly once.
import type { Executor } from '../executors/executor.js';
import type { RunnerApi, RunnerInfo } from '../gitlab/api/runner-api.js';
import { gitlabFailureReason } from '../gitlab/failure-reason.js';
import { mapJobPayload } from '../gitlab/job-mapper.js';
import { createJobTrace, type JobTrace } from '../gitlab/job-trace.js';
import type { JobPayload } from '../model/job-payload.js';
import type { JobResult } from '../model/events.js';
import type { Plan, PlannedJob } from '../model/plan.js';
import type { RunnerSettings } from '../model/runner.js';
import type { RemoteCacheTarget } from '../artifacts/remote-cache.js';
import type { LogFields, ProcessLog } from '../log/process-log.js';
import { runnerLine } from '../log/runner-lines.js';
import { runPipeline } from '../engine/index.js';
import { createRunnerJobServices } from './runner-job-services.js';
import { withRunnerSources, type FetchSources } from './runner-sources.js';

export interface RunnerJobOptions {
  api: RunnerApi;
  runner: RunnerSettings;
  /** `<name> <short token>`-style label of the runner for the job log's `on …` line and the process log. */
  runnerLabel: string;
  shortToken: string;
  info: RunnerInfo;
  payload: JobPayload;
  /** A fresh executor for this job (executors cache facts about their source folder). */
  executor: Executor;
  /** Runner state for this project: caches, the shell executor's build copies, artifacts in transit. */
  stateDir: string;
  /** The runner's checkout of the project, which `fetch` updates. */
  checkoutDir: string;
  fetch: FetchSources;
  version: string;
  log: ProcessLog;
  /** Runner shutdown: graceful = stop the script (SIGTERM's first phase), force = kill everything. */
  shutdown: { graceful: AbortSignal; force: AbortSignal };
  /** Trace timing; tests shorten it. */
  trace?: { updateIntervalMs?: number; forceSendIntervalMs?: number };
  now?: () => number;
}

export interface RunnerJobOutcome {
  state: 'success' | 'failed' | 'dropped';
  failureReason?: string;
  exitCode?: number;
  durationMs: number;
}

/** `[runners.cache]` of the runner: the payload's keys already carry GitLab's suffixes. */
function remoteCacheOf(runner: RunnerSettings, payload: JobPayload): { remoteCache?: () => RemoteCacheTarget } {
  const settings = runner.cache;
  if (!settings || settings.type === '') return {};
  const target: RemoteCacheTarget = { settings, runnerToken: runner.token, projectId: String(payload.job_info.project_id), urlLifetimeSeconds: payload.runner_info.timeout };
  return { remoteCache: () => target };
}

function onePlan(job: PlannedJob): Plan {
  return { stages: [job.stage], jobs: [job], excluded: [], globalVariables: [] };
}

function link(signal: AbortSignal, controller: AbortController): void {
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', () => controller.abort(), { once: true });
}

/** GitLab's state, reason and exit code for the engine's result (§8.6). */
type FinalJobState = { state: 'success' | 'failed'; failureReason?: string; exitCode?: number };

function finalUpdate(result: JobResult | undefined, payload: JobPayload, interrupted: boolean): FinalJobState {
  if (result?.status === 'success') return { state: 'success' };
  const accepted = payload.features?.failure_reasons;
  // A job canceled in GitLab is already canceled there: GitLab Runner's internal job_canceled reason is
  // in no failure_reasons list, so it goes out as unknown_failure. A runner shutdown interrupts it.
  const reason = interrupted ? 'runner_interrupted' : result?.status === 'canceled' ? 'unknown_failure' : (result?.failureReason ?? 'unknown_failure');
  const exitCode = result?.exitCode ?? undefined;
  return { state: 'failed', failureReason: gitlabFailureReason(reason, accepted), ...(exitCode !== undefined && exitCode > 0 ? { exitCode } : {}) };
}

interface Controllers {
  graceful: AbortController;
  force: AbortController;
}

function controllersFor(shutdown: RunnerJobOptions['shutdown']): Controllers {
  const graceful = new AbortController();
  const force = new AbortController();
  link(shutdown.graceful, graceful);
  link(shutdown.force, force);
  return { graceful, force };
}

/** GitLab's cap on X-GitLab-Trace-Update-Interval (network/trace.go). */
const MAX_UPDATE_INTERVAL_MS = 15 * 60_000;

function traceFor(options: RunnerJobOptions, controllers: Controllers, fields: LogFields, askedSeconds: number | undefined): JobTrace {
  const { payload, log } = options;
  // The interval GitLab asks for on the acknowledgement applies from the first PATCH on.
  const asked = askedSeconds !== undefined && askedSeconds > 0 ? { updateIntervalMs: Math.min(askedSeconds * 1000, MAX_UPDATE_INTERVAL_MS) } : {};
  return createJobTrace({
    api: options.api,
    jobId: payload.id,
    jobToken: payload.token,
    info: options.info,
    outputLimitBytes: options.runner.outputLimit * 1024,
    ...asked,
    ...(options.trace?.updateIntervalMs !== undefined && !asked.updateIntervalMs ? { updateIntervalMs: options.trace.updateIntervalMs } : {}),
    ...(options.trace?.forceSendIntervalMs !== undefined ? { forceSendIntervalMs: options.trace.forceSendIntervalMs } : {}),
    onCancelRequested: (kind) => {
      log.warn(kind === 'graceful' ? 'Job is being canceled gracefully' : 'Job was aborted by the coordinator', fields);
      controllers.graceful.abort();
      if (kind === 'abort') controllers.force.abort();
    },
  });
}

/** The engine's run of the one job, on the runner's executor with the runner's sources and GitLab's artifacts. */
async function runOnEngine(options: RunnerJobOptions, job: PlannedJob, trace: JobTrace, controllers: Controllers): Promise<JobResult | undefined> {
  const { payload } = options;
  const executor = withRunnerSources(options.executor, { fetch: options.fetch, jobId: payload.id });
  // The engine names build folders, artifacts in transit and containers by pipeline and job: GitLab's
  // job id is unique where two jobs of one project may run side by side (same name, other pipeline or
  // a test double's queue), and CI_PIPELINE_ID still comes from the payload's variables.
  const pipelineId = payload.id;
  const { preBuildScript, postBuildScript, preGetSourcesScript, postGetSourcesScript } = options.runner;
  const result = await runPipeline(onePlan(job), {
    executor,
    route: () => ({ kind: 'run', executor, runner: options.runnerLabel, limit: 0 }),
    version: options.version,
    services: createRunnerJobServices({
      api: options.api,
      jobId: payload.id,
      jobToken: payload.token,
      dependencies: payload.dependencies ?? [],
      artifacts: payload.artifacts ?? [],
      stateDir: options.stateDir,
      pipelineId,
      trackedFiles: [],
      ...remoteCacheOf(options.runner, payload),
      runnerScripts: () => ({
        ...(preBuildScript ? { preBuildScript } : {}),
        ...(postBuildScript ? { postBuildScript } : {}),
        ...(preGetSourcesScript ? { preGetSourcesScript } : {}),
        ...(postGetSourcesScript ? { postGetSourcesScript } : {}),
      }),
    }),
    concurrency: 1,
    defaultTimeoutSeconds: payload.runner_info.timeout,
    stateDir: options.stateDir,
    sourceDir: options.checkoutDir,
    pipelineId,
    signal: controllers.graceful.signal,
    forceSignal: controllers.force.signal,
    observer: (event) => {
      if (event.type === 'job_output') trace.write(event.chunk);
    },
  });
  return result.jobs[0];
}

export async function runGitLabJob(options: RunnerJobOptions): Promise<RunnerJobOutcome> {
  const { api, payload, log } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const fields = { job: payload.id, project: payload.job_info.project_id, runner: options.shortToken };
  const controllers = controllersFor(options.shutdown);
  // Two-phase commit (§8.3): acknowledge the job before running it; a canceled job is dropped.
  const ack = await api.updateJob(payload.id, payload.token, options.info, { state: 'running' });
  if (ack.kind === 'aborted') {
    log.warn('Job was canceled before it started', fields);
    return { state: 'dropped', durationMs: now() - started };
  }
  const trace = traceFor(options, controllers, fields, ack.updateIntervalSeconds);
  trace.start();
  let update: FinalJobState;
  try {
    const { job } = mapJobPayload(payload);
    update = finalUpdate(await runOnEngine(options, job, trace, controllers), payload, options.shutdown.graceful.aborted);
  } catch (error) {
    // A payload glci cannot read, or a failure of glci itself: the job still ends, as a system failure.
    trace.write(runnerLine('error', `Job failed (system failure): ${error instanceof Error ? error.message : String(error)}`));
    update = { state: 'failed', failureReason: 'runner_system_failure', exitCode: 3 };
  }
  const finished = await trace.finish(update);
  const durationMs = now() - started;
  if (!finished.delivered) log.error('Submitting job to coordinator...failed', fields);
  else log.info('Submitting job to coordinator...ok', { ...fields, code: 200 });
  const done = { ...fields, duration_s: Math.round(durationMs / 10) / 100 };
  if (update.state === 'success') log.info('Job succeeded', done);
  else log.warn('Job failed', { ...done, failure_reason: update.failureReason, exit_code: update.exitCode });
  return { ...update, durationMs };
}
