// Use case behind `glci run`: plan the pipeline for the checkout, narrow it to the named jobs, route
// each job to a runner of config.toml and an executor, run it with the chosen reporter, and map the
// result to an exit status.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GlciError } from '../errors.js';
import type { ConfigDiagnostic } from '../model/config.js';
import type { PipelineResult } from '../model/events.js';
import type { PipelineContext, Plan, PlannedJob } from '../model/plan.js';
import type { Executor } from '../executors/executor.js';
import { createShellExecutor, type PipelineCheckout } from '../executors/shell/shell-executor.js';
import type { DockerSettings, RunnerConfig, RunnerSettings } from '../model/runner.js';
import type { RemoteCacheTarget } from '../artifacts/remote-cache.js';
import { type JobRoute, exitCodeFor, hasSystemFailure, runPipeline } from '../engine/index.js';
import { planPipeline } from '../planner/index.js';
import { fanOut, type OutputStream } from '../reporters/index.js';
import { listenForInterrupts } from '../platform/signals.js';
import { enableStepTimings, endStepStartedAt, formatStepTimings, stepTimings, stepTimingsEnabled, timeStep } from '../log/step-timings.js';
import { type KubernetesAccessOptions, assignExecutors, createExecutorRegistry, defaultConcurrency, parseRequestedExecutor } from './executors.js';
import { type KindJob, loadImagesIntoKind } from './kind-load.js';
import { createJobServices, type RunnerScripts } from './job-services.js';
import { pipelineCheckout } from './pipeline-checkout.js';
import { loadProjectConfig } from './load-config.js';
import { loadRunnerConfig } from './load-runner-config.js';
import { defaultKubernetesSettings, defaultRunnerConfig } from '../runner-config/defaults.js';
import { describeAssignments, runnerLabels, withRunnerVariables } from './runner-routing.js';
import { maskingErrors } from './mask-errors.js';
import { buildPipelineContext, type ContextOptions } from './pipeline-context.js';
import { planWithComparisons } from './compare-diffs.js';
import { registerRun } from './run-registry.js';
import { openRunOutput } from './run-output.js';
import { openRunEventsFile } from './run-events-file.js';
import { createDebugShells, requireTerminal, type DebugShells, type Terminal } from './debug-shell.js';
import { unsetVariableNotes } from './unset-variable-notes.js';
import { selectJobs } from './select-jobs.js';
import type { RunCycle } from './run-cycle.js';

export interface RunOptions extends ContextOptions {
  file: string;
  /** Job names to run; empty = the whole pipeline. */
  jobs: readonly string[];
  /** Also run what the named jobs need, transitively. */
  withNeeds: boolean;
  executor?: string;
  /** The runner config.toml (`--config`); default: the loader's search. */
  configPath?: string;
  /** `--ignore-tags`: the first runner takes every job. */
  ignoreTags?: boolean;
  /** `--privileged-fallback`: every docker runner behaves as with `privileged_fallback = true`. */
  privilegedFallback?: boolean;
  /** glci's version, for the `Running with glci <version>` line of each job log. */
  version?: string;
  concurrency?: number;
  timeoutSeconds?: number;
  shellInPlace?: boolean;
  /** Copy each job's artifacts into the user's project (GitLab never does; gitlab-ci-local users expect it). */
  artifactsToSource?: boolean;
  /** Where builds, caches and artifacts live; default `<project>/.glci`. */
  stateDir?: string;
  /** `--shell-on-failure`: the terminal on which a failed job's shell opens, in its environment, before cleanup. */
  shellOnFailure?: Terminal;
  /** The terminal for the live view (ink); absent with --no-tui. Used only when it is a TTY, not in CI, not with --json. */
  liveView?: Terminal;
  format: 'plain' | 'json';
  stdout: OutputStream;
  /** Diagnostics and notices for humans. */
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Set by `glci run --watch` (app/watch-pipeline.ts) for each run of its loop. */
  cycle?: RunCycle;
  /** `--offline`: includes only from the include cache. */
  offline?: boolean;
  /** `--kubeconfig`, for kubernetes jobs of runners without a `host` (default: KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  /** `--kube-context`: overrides the runners' `context`. */
  kubeContext?: string;
  /** `--kind-load`: load the kubernetes jobs' images into their kind cluster first. */
  kindLoad?: boolean;
}

export interface RunOutcome {
  exitCode: number;
  result: PipelineResult | null;
  warnings: ConfigDiagnostic[];
}

const EXIT_SYSTEM_FAILURE = 3;

/**
 * The state directory holds a `.gitignore` of `*` so it never shows in `git status` nor in a job's
 * copy of the project, without glci editing the user's own .gitignore.
 */
function prepareStateDir(stateDir: string): void {
  try {
    // Synchronous: two calls of microseconds, where each trip through libuv's thread pool would wait
    // behind the repository template's work (app/pipeline-checkout.ts).
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, '.gitignore'), '# created by glci: builds, caches and artifacts of local runs\n*\n', { flag: 'w' });
  } catch (error) {
    // A system problem, not a glci bug: exit status 3 with the cause, before any job starts.
    const reason = error instanceof Error ? error.message : String(error);
    throw new GlciError('system', 'STATE_DIR', `cannot prepare the state directory ${stateDir}: ${reason}`, '--state-dir must name a folder glci can create and write to');
  }
}

export async function runPipelineCommand(options: RunOptions): Promise<RunOutcome> {
  if (options.env.GLCI_DEBUG_TIMINGS === '1') enableStepTimings();
  // From the process's start to here: Node, oclif, the command's modules, flag parsing.
  endStepStartedAt('-', 'startup', 0);
  if (options.shellOnFailure) requireTerminal(options.shellOnFailure);
  const built = await timeStep('-', 'context', () => buildPipelineContext(options));
  const ctx = options.cycle ? options.cycle.context(built) : built;
  try {
    return await maskingErrors(ctx, () => runInContext(ctx, options));
  } finally {
    if (stepTimingsEnabled()) options.stderr.write(formatStepTimings(stepTimings()));
  }
}

async function runInContext(ctx: PipelineContext, options: RunOptions): Promise<RunOutcome> {
  const checkout = pipelineCheckout(ctx);
  // With --executor shell every job copies the checkout: its repository template is read meanwhile.
  if (options.executor === 'shell' && !options.shellInPlace) checkout.start();
  const config = await timeStep('-', 'config', () => loadProjectConfig(ctx, options.file, { offline: options.offline === true, notes: options.stderr }));
  const { result: planned } = await timeStep('-', 'plan', () => planWithComparisons(config, ctx, (c) => planPipeline(config, c)));
  if (planned.notCreatedReason) {
    options.stderr.write(`No pipeline: ${planned.notCreatedReason}\n`);
    return { exitCode: 0, result: null, warnings: config.warnings };
  }
  const selected = options.cycle ? options.cycle.select(planned) : selectJobs(planned, { names: options.jobs, withNeeds: options.withNeeds });
  if (!selected) return { exitCode: 0, result: null, warnings: config.warnings };
  const setup = await timeStep('-', 'runners', async () => setUpRunners(selected.plan, await runnerConfigFor(options), options, checkout));
  if (setup.executorNames.includes('shell') && !options.shellInPlace) checkout.start();
  if (options.kindLoad) await timeStep('-', 'kind-load', () => loadImagesIntoKind(setup.kindJobs, { ...kubernetesAccess(options), stderr: options.stderr }));
  for (const note of unsetVariableNotes(selected.plan.jobs)) options.stderr.write(`${note}\n`);
  const stateDir = options.stateDir ?? join(ctx.projectDir, '.glci');
  await timeStep('-', 'state-dir', async () => prepareStateDir(stateDir));
  // A marker naming this process, so `glci clean` never removes what a live run is using.
  const release = await timeStep('-', 'register-run', () => registerRun(stateDir, ctx.pipelineId, ctx.projectDir));
  // Every run's events stay under the state directory for `glci report`, whatever the chosen reporter.
  const record = await timeStep('-', 'events-file', () => openRunEventsFile(stateDir, ctx.pipelineId, options.stderr));
  const shells = options.shellOnFailure ? createDebugShells({ terminal: options.shellOnFailure, stderr: options.stderr, output: options.stdout }) : undefined;
  const output = await openRunOutput({ ...options, stdout: shells ? shells.output : options.stdout, terminalTaken: shells !== undefined || options.cycle !== undefined });
  const result = await runWithInterrupts({ ...options, stderr: output.notices }, shells, output.bindInterrupt, (signals) =>
    timeStep('-', 'pipeline', () => runPipeline(setup.plan, {
      executor: setup.executor,
      route: setup.route,
      executorNames: setup.executorNames,
      ...(options.version ? { version: options.version } : {}),
      services: createJobServices({
        stateDir,
        pipelineId: ctx.pipelineId,
        trackedFiles: ctx.files,
        runnerScripts: setup.runnerScripts,
        remoteCache: setup.remoteCache,
        ...(options.artifactsToSource ? { artifactsToSource: ctx.projectDir } : {}),
      }),
      concurrency: setup.concurrency,
      defaultTimeoutSeconds: options.timeoutSeconds ?? 3600,
      stateDir,
      sourceDir: ctx.projectDir,
      pipelineId: ctx.pipelineId,
      ...signals,
      observer: fanOut([output.reporter, record.reporter]),
      ...(shells ? { onJobFailure: shells.onJobFailure } : {}),
      playJobs: [...selected.played, ...ctx.playedManualJobs],
      userVariableKeys: Object.keys(ctx.userVariables),
    })),
  ).finally(() => timeStep('-', 'close', () => Promise.all([output.close(), release(), record.close()])));
  const exitCode = result.interrupted ? 130 : hasSystemFailure(result.value) ? EXIT_SYSTEM_FAILURE : exitCodeFor(result.value);
  return { exitCode, result: result.value, warnings: config.warnings };
}

interface Signals {
  signal: AbortSignal;
  forceSignal: AbortSignal;
}

/** First Ctrl-C cancels gracefully, the second forces (DESIGN.md habit 5); while a debug shell is open, Ctrl-C is the shell's. */
async function runWithInterrupts<T>(
  options: RunOptions,
  shells: DebugShells | undefined,
  /** Receives the interrupt that q / Ctrl-C in the live view trigger (counted with SIGINT). */
  bindInterrupt: (interrupt: () => void) => void,
  body: (signals: Signals) => Promise<T>,
): Promise<{ value: T; interrupted: boolean }> {
  // In a watch cycle the loop owns Ctrl-C (and also cancels runs when files change).
  const { cycle } = options;
  if (cycle) return { value: await body({ signal: cycle.signal, forceSignal: cycle.forceSignal }), interrupted: cycle.signal.aborted };
  const graceful = new AbortController();
  const force = new AbortController();
  const listener = listenForInterrupts({
    graceful: () => {
      options.stderr.write('\nStopping jobs gracefully (after_script runs); press Ctrl-C again to force\n');
      graceful.abort();
    },
    force: () => force.abort(),
    ignoreSigint: () => shells?.isOpen() ?? false,
  });
  bindInterrupt(listener.interrupt);
  try {
    const value = await body({ signal: graceful.signal, forceSignal: force.signal });
    return { value, interrupted: graceful.signal.aborted };
  } finally {
    listener.stop();
  }
}

/** The runner config.toml (or the built-in default runner), its warnings printed once, one line each. */
async function runnerConfigFor(options: RunOptions): Promise<RunnerConfig> {
  const config = await loadRunnerConfig({ ...(options.configPath ? { path: options.configPath } : {}), env: options.env });
  for (const warning of config.warnings) {
    const where = `${warning.file ?? config.file ?? 'config.toml'}${warning.line !== null ? `:${warning.line}` : ''}`;
    options.stderr.write(`${where}: warning: ${warning.message}\n`);
  }
  if (!options.privilegedFallback) return config;
  const runners = config.runners.map((r) => (r.docker ? { ...r, docker: { ...r.docker, privilegedFallback: true } } : r));
  return { ...config, runners };
}

interface RunnerSetup {
  /** The plan with each job's runner variables (environment, CI_RUNNER_*) added. */
  plan: Plan;
  route: (job: PlannedJob) => JobRoute;
  executorNames: string[];
  /** Required by the engine for jobs without a route; every job here has one. */
  executor: Executor;
  concurrency: number;
  runnerScripts: (job: PlannedJob) => RunnerScripts | undefined;
  /** The `[runners.cache]` bucket of the job's runner, when it has one (a laptop warming from the team's cache). */
  remoteCache: (job: PlannedJob) => RemoteCacheTarget | undefined;
  /** The jobs that run on kubernetes, with their runner's settings (`--kind-load`). */
  kindJobs: KindJob[];
}

/**
 * Routes every job to a runner and an executor and tells the user which executor runs how many jobs, and
 * why. Without a config file the built-in runner takes every job whatever its tags: tags name the user's
 * real runners, which a local run does not have.
 */
async function setUpRunners(plan: Plan, config: RunnerConfig, options: RunOptions, checkout: PipelineCheckout): Promise<RunnerSetup> {
  const requested = parseRequestedExecutor(options.executor);
  const ignoreTags = (options.ignoreTags ?? false) || config.file === null;
  const assignments = await assignExecutors(plan.jobs, config.runners, { ignoreTags, env: options.env, ...(requested ? { requested } : {}) });
  for (const line of describeAssignments(assignments.jobs.values())) options.stderr.write(`${line}\n`);
  const executorOf = createExecutorRegistry({
    env: options.env,
    shellInPlace: options.shellInPlace ?? false,
    docker: assignments.docker,
    dockerDefaults: defaultDockerSettings(),
    kubernetes: assignments.kubernetes,
    kubernetesDefaults: defaultKubernetesSettings,
    kubernetesAccess: kubernetesAccess(options),
    // Found once for the pipeline: every job of the pipeline gets the same checkout.
    checkout,
  });
  const labels = runnerLabels(config.runners);
  const runnerOf = (job: PlannedJob) => {
    const assignment = assignments.jobs.get(job.name);
    return assignment?.kind === 'run' ? assignment : undefined;
  };
  const route = (job: PlannedJob): JobRoute => {
    const assignment = assignments.jobs.get(job.name);
    if (!assignment) throw new Error(`job ${job.name} was not routed before the pipeline started`);
    if (assignment.kind === 'stuck') return assignment;
    const { runner, executor } = assignment;
    return { kind: 'run', executor: executorOf(runner, executor), runner: labels.get(runner) ?? runner.name, limit: runner.limit };
  };
  const used = [...new Set([...assignments.jobs.values()].flatMap((a) => (a.kind === 'run' ? [a.executor] : [])))];
  const jobs = plan.jobs.map((job) => withRunnerVariables(job, runnerOf(job)?.runner));
  const kindJobs = jobs.flatMap((job) => {
    const assignment = runnerOf(job);
    return assignment?.executor === 'kubernetes' ? [{ job, kubernetes: assignment.runner.kubernetes ?? defaultKubernetesSettings() }] : [];
  });
  return {
    plan: { ...plan, jobs },
    kindJobs,
    route,
    executorNames: used.length > 0 ? used : ['shell'],
    executor: createShellExecutor({ inPlace: options.shellInPlace ?? false }),
    concurrency: options.concurrency ?? (config.file !== null ? config.concurrent : defaultConcurrency()),
    runnerScripts: (job) => runnerOf(job)?.runner,
    remoteCache: (job) => localRemoteCache(runnerOf(job)?.runner, options.env),
  };
}

/**
 * A local run reaches the team's bucket with GitLab's object names: the project id comes from the job's
 * CI_PROJECT_ID (`--variable CI_PROJECT_ID=42`), GitLab's key suffixes from GLCI_CACHE_INDEX (the
 * project's "Clear runner caches" counter) and GLCI_CACHE_SEPARATE=false (when the project does not
 * keep separate caches for protected branches).
 */
function localRemoteCache(runner: RunnerSettings | undefined, env: RunOptions['env']): RemoteCacheTarget | undefined {
  if (!runner?.cache || runner.cache.type === '') return undefined;
  const index = Number(env.GLCI_CACHE_INDEX);
  const gitlabKeys = { separateProtected: env.GLCI_CACHE_SEPARATE !== 'false', ...(env.GLCI_CACHE_INDEX && Number.isInteger(index) && index >= 0 ? { cacheIndex: index } : {}) };
  return { settings: runner.cache, runnerToken: runner.token, gitlabKeys, environment: env };
}

function kubernetesAccess(options: RunOptions): KubernetesAccessOptions {
  return { ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), ...(options.kubeContext ? { kubeContext: options.kubeContext } : {}) };
}

function defaultDockerSettings(): DockerSettings {
  const docker = defaultRunnerConfig().runners[0]?.docker;
  if (!docker) throw new Error('the built-in runner has no [runners.docker] settings');
  return docker;
}
