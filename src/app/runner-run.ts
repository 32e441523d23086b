// Use case behind `glci runner run`: load config.toml, start the polling loop for its runners, run each
// job GitLab hands out on the runner's executor, serve metrics, and follow GitLab Runner's signals.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Executor } from '../executors/executor.js';
import { createShellExecutor } from '../executors/shell/shell-executor.js';
import type { RunnerApi } from '../gitlab/api/runner-api.js';
import { runnerInfo } from '../gitlab/runner-info.js';
import { runnerCertsDir, runnerTlsFiles, tlsFilesProblem, tlsJobVariables, type RunnerTlsFiles } from '../gitlab/runner-tls.js';
import { shortenRunnerToken as runnerShortToken } from '../variables/runner-token.js';
import { createProcessLog, type ProcessLog, type ProcessLogFormat } from '../log/process-log.js';
import type { JobPayload } from '../model/job-payload.js';
import type { RunnerConfig, RunnerSettings } from '../model/runner.js';
import { defaultKubernetesSettings, defaultRunnerConfig } from '../runner-config/defaults.js';
import { loadDockerExecutor, loadKubernetesExecutor } from './executors.js';
import { loadRunnerConfig } from './load-runner-config.js';
import { runGitLabJob } from './runner-job.js';
import { startRunnerLoop } from './runner-loop.js';
import { RunnerShutdown } from './runner-shutdown.js';
import { jobSourcesFetcher } from './runner-fetch.js';
import { rotateTokenIfDue } from './runner-token-rotation.js';
import { readOrCreateSystemId } from './runner-system-id.js';
import { startRunnerMetrics, type RunnerMetricsHandle } from './runner-metrics.js';
import { createRunnerApi } from '../gitlab/api/client.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface RunnerRunOptions {
  configPath?: string;
  /** Where builds and caches live (GitLab Runner's --working-directory); default the process's cwd. */
  workingDirectory: string;
  logFormat?: ProcessLogFormat;
  version: string;
  env: Env;
  stderr: { write(text: string): unknown };
  /** Ends the run as signals would (tests): abort = SIGQUIT. */
  stop?: AbortSignal;
  /** Listen for process signals (off in tests). */
  signals?: boolean;
  /** Trace timing (tests). */
  trace?: { updateIntervalMs?: number; forceSendIntervalMs?: number };
  retry?: { attempts: number; minDelayMs: number; maxDelayMs: number };
}

const SUPPORTED = new Set(['shell', 'docker', 'kubernetes']);

async function executorFor(runner: RunnerSettings, env: Env): Promise<Executor> {
  // GitLab Runner's shell executor runs in its builds folder: the runner's checkout is that folder.
  if (runner.executor === 'shell') return createShellExecutor({ inPlace: true });
  if (runner.executor === 'kubernetes') {
    const module = await loadKubernetesExecutor();
    return module.createKubernetesExecutor({ runner, kubernetes: runner.kubernetes ?? defaultKubernetesSettings() });
  }
  const module = await loadDockerExecutor();
  const docker = runner.docker ?? defaultRunnerConfig().runners[0]?.docker;
  if (!docker) throw new Error('no docker defaults');
  return module.createDockerExecutor({ runner, docker, env });
}

function usableRunners(config: RunnerConfig & { file: string }, log: ProcessLog): RunnerConfig & { file: string } {
  const runners = config.runners.filter((runner) => {
    if (!runner.url || !runner.token) {
      log.error('Runner has no url or token: register it with glci runner register', { runner: runner.name });
      return false;
    }
    const tlsProblem = tlsFilesProblem(runnerTlsFiles(runner, runnerCertsDir(config.file)));
    if (tlsProblem) {
      log.error(`Runner cannot reach GitLab: ${tlsProblem}`, { runner: runnerShortToken(runner.token) });
      return false;
    }
    if (!SUPPORTED.has(runner.executor)) {
      log.error(`Executor "${runner.executor}" is not run by glci; glci scales through the kubernetes executor instead`, { runner: runnerShortToken(runner.token) });
      return false;
    }
    return true;
  });
  return { ...config, runners };
}

/** One API client per runner entry (its url, CA file and metric labels), kept across jobs. */
function apiClients(options: RunnerRunOptions, metrics: RunnerMetricsHandle, tlsOf: (runner: RunnerSettings) => RunnerTlsFiles): (runner: RunnerSettings) => RunnerApi {
  const clients = new Map<string, RunnerApi>();
  return (runner) => {
    const tls = tlsOf(runner);
    const key = JSON.stringify([runner.url, runner.token, tls]);
    let api = clients.get(key);
    if (!api) {
      api = createRunnerApi({
        url: runner.url,
        tls,
        userAgent: `gitlab-runner ${options.version} (glci; node ${process.version}; ${process.platform}/${process.arch})`,
        onResponse: metrics.apiResponse(runner),
        ...(options.retry ? { retry: options.retry } : {}),
      });
      clients.set(key, api);
    }
    return api;
  };
}

interface JobRunnerContext {
  options: RunnerRunOptions;
  apiFor: (runner: RunnerSettings) => RunnerApi;
  metrics: RunnerMetricsHandle;
  systemId: string;
  log: ProcessLog;
  shutdown: RunnerShutdown;
  tlsOf: (runner: RunnerSettings) => RunnerTlsFiles;
}

function infoFor(runner: RunnerSettings, version: string) {
  return runnerInfo({ version, executor: runner.executor, ...(runner.shell ? { shell: runner.shell } : {}) });
}

/** Runs one job: GitLab Runner's folders (`<builds>/<short token>/<concurrent id>/<project path>`), a fresh executor. */
function jobRunner(ctx: JobRunnerContext) {
  const { options, metrics } = ctx;
  return async (runner: RunnerSettings, payload: JobPayload, slot: { concurrentId: number }) => {
    const short = runnerShortToken(runner.token);
    const root = join(runner.buildsDir ?? join(options.workingDirectory, 'builds'), short);
    const projectPath = payload.job_info.project_full_path ?? `project-${payload.job_info.project_id}`;
    const checkoutDir = join(root, String(slot.concurrentId), projectPath);
    const tracked = metrics.jobReceived(runner);
    const tls = ctx.tlsOf(runner);
    // GitLab Runner's order: its CI_SERVER_TLS_* variables come before the payload's, which may override them.
    const withTls: JobPayload = { ...payload, variables: [...tlsJobVariables(tls), ...payload.variables] };
    const outcome = await runGitLabJob({
      api: ctx.apiFor(runner),
      runner,
      runnerLabel: `${runner.name} ${short}, system ID: ${ctx.systemId}`,
      shortToken: short,
      info: infoFor(runner, options.version),
      payload: withTls,
      executor: await executorFor(runner, options.env),
      stateDir: join(root, 'state', projectPath),
      checkoutDir,
      fetch: jobSourcesFetcher(payload, checkoutDir, { tls, ...(runner.cloneUrl ? { cloneUrl: runner.cloneUrl } : {}) }),
      version: options.version,
      log: ctx.log,
      shutdown: { graceful: ctx.shutdown.jobsGraceful.signal, force: ctx.shutdown.jobsForce.signal },
      ...(options.trace ? { trace: options.trace } : {}),
    }).finally(() => tracked.finish());
    if (outcome.state === 'failed') metrics.jobFailed(runner, outcome.failureReason ?? 'unknown_failure');
  };
}

async function loadConfig(options: RunnerRunOptions): Promise<RunnerConfig & { file: string }> {
  // A runner needs its file: the built-in default runner of `glci run` has no GitLab to ask.
  if (options.configPath && !existsSync(options.configPath)) {
    throw new UsageError(`runner config ${options.configPath} does not exist`, `register a runner first: glci runner register --config ${options.configPath} --url URL --token TOKEN`);
  }
  const config = await loadRunnerConfig({ env: options.env, ...(options.configPath ? { path: options.configPath } : {}) });
  if (config.file === null) throw new UsageError('no config.toml to run', 'register a runner first: glci runner register --url URL --token TOKEN');
  return { ...config, file: config.file };
}

export async function runRunners(options: RunnerRunOptions): Promise<number> {
  const first = await loadConfig(options);
  const configFile = first.file;
  const log = createProcessLog((line) => options.stderr.write(line), { format: options.logFormat ?? (first.logFormat as ProcessLogFormat | undefined) ?? 'runner' });
  const platform = runnerInfo({ version: options.version });
  log.info('Runtime platform', { arch: platform.architecture, os: platform.platform, pid: process.pid, version: options.version });
  let config = usableRunners(first, log);
  log.info(`Starting multi-runner from ${configFile}...`, { builds: 0, max_builds: config.concurrent });
  const systemId = await readOrCreateSystemId(dirname(configFile));
  const metrics = await startRunnerMetrics({ config, systemId, version: options.version, log });
  // Looked up once per entry as loaded (SIGHUP loads new ones), not on every request for jobs.
  const tlsFiles = new WeakMap<RunnerSettings, RunnerTlsFiles>();
  const tlsOf = (runner: RunnerSettings): RunnerTlsFiles => {
    let files = tlsFiles.get(runner);
    if (!files) tlsFiles.set(runner, (files = runnerTlsFiles(runner, runnerCertsDir(configFile))));
    return files;
  };
  const apiFor = apiClients(options, metrics, tlsOf);
  log.info('Configuration loaded', { builds: 0, max_builds: config.concurrent });
  const shutdown = new RunnerShutdown(log, () => config.shutdownTimeout);
  // A stop asked for while the config was still loading counts too.
  if (options.stop?.aborted) shutdown.stop.abort();
  else options.stop?.addEventListener('abort', () => shutdown.stop.abort(), { once: true });
  const loop = startRunnerLoop({
    config,
    api: apiFor,
    systemId,
    log,
    runJob: jobRunner({ options, apiFor, metrics, systemId, log, shutdown, tlsOf }),
    info: (runner) => infoFor(runner, options.version),
    stop: shutdown.stop.signal,
    beforeRequest: (runner) => rotateTokenIfDue(runner, { api: apiFor(runner), configFile, log }),
  });
  const reload = () =>
    void loadConfig({ ...options, configPath: configFile })
      .then((next) => {
        config = usableRunners(next, log);
        loop.reload(config);
        metrics.configure(config);
        log.info('Configuration loaded', { builds: loop.running(), max_builds: config.concurrent });
      })
      .catch((error: unknown) => log.error('Failed to load config', { error: error instanceof Error ? error.message : String(error) }));
  const dispose = options.signals ? shutdown.listen(() => loop.running(), reload) : () => undefined;
  try {
    await Promise.race([loop.done, shutdown.forcedExit()]);
  } finally {
    dispose();
    await metrics.close();
  }
  log.info('All workers stopped. Can exit now');
  return shutdown.exitCode;
}
