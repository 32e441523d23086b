// The metrics `glci runner run` serves on `listen_address`, under GitLab Runner's family and label
// names so that dashboards and alerts written for GitLab Runner work unchanged (runner = the
// runner's short token, runner_name = its `name`, system_id = the persisted system id). What glci
// has no equivalent for (autoscaling machines, Go runtime metrics, histograms) is left out. The help
// texts are glci's own.
import { MetricsRegistry, type Counter, type Gauge } from './metrics-registry.js';
import { shortenRunnerToken as runnerShortToken } from '../variables/runner-token.js';

export { EXPOSITION_CONTENT_TYPE, MetricsError, MetricsRegistry } from './metrics-registry.js';

/** Which runner of config.toml a sample is about. */
export interface MetricsRunner {
  /** The runner's token (only its short form reaches a label). */
  token: string;
  /** `name` in config.toml. */
  name: string;
  systemId: string;
}

/** GitLab Runner's endpoint label values, plus the others glci calls. */
export type ApiEndpoint =
  | 'request_job'
  | 'update_job'
  | 'patch_trace'
  | 'verify_runner'
  | 'register_runner'
  | 'unregister_runner'
  | 'unregister_runner_manager'
  | 'reset_token'
  | 'upload_artifacts'
  | 'download_artifacts';

/** logrus' level names, which GitLab Runner counts in `gitlab_runner_errors_total`. */
export type ErrorLevel = 'panic' | 'fatal' | 'error' | 'warning';
const ERROR_LEVELS: readonly ErrorLevel[] = ['panic', 'fatal', 'error', 'warning'];

/** What `gitlab_runner_version_info` is labelled with. */
export interface VersionInfo {
  name: string;
  version: string;
  revision: string;
  branch: string;
  builtAt: string;
  os: string;
  architecture: string;
  /** `process.version`: glci is no Go program, so `go_version` stays empty and this is added. */
  nodeVersion: string;
}

/** Where a job is; `stage` and `executorStage` are GitLab Runner's finer labels (empty: not known). */
export interface JobState {
  state: string;
  stage?: string;
  executorStage?: string;
}

/** A job on the processing list; `finish()` takes it off (idempotent). */
export interface TrackedJob {
  update(state: JobState): void;
  finish(): void;
}

const RUNNER_LABELS = ['runner', 'runner_name', 'system_id'] as const;
/** GitLab Runner's always-present row for a runner with no job, so the series never disappears. */
const IDLE: Required<JobState> = { state: 'idle', stage: 'idle', executorStage: 'idle' };

interface Families {
  jobs: Gauge;
  jobsTotal: Counter;
  failedJobs: Counter;
  apiStatuses: Counter;
  concurrent: Gauge;
  limit: Gauge;
  versionInfo: Gauge;
  errors: Counter;
}

function registerFamilies(registry: MetricsRegistry): Families {
  return {
    jobs: registry.gauge('gitlab_runner_jobs', 'Jobs this process is running now, by runner and state.', [...RUNNER_LABELS, 'state', 'stage', 'executor_stage']),
    jobsTotal: registry.counter('gitlab_runner_jobs_total', 'Jobs taken from GitLab since the process started.', RUNNER_LABELS),
    failedJobs: registry.counter('gitlab_runner_failed_jobs_total', 'Jobs that ended as failed, by failure reason.', ['runner', 'runner_name', 'failure_reason']),
    apiStatuses: registry.counter(
      'gitlab_runner_api_request_statuses_total',
      "Requests to GitLab's runner API, by runner, endpoint, answered status and method.",
      ['runner', 'system_id', 'endpoint', 'status', 'method'],
    ),
    concurrent: registry.gauge('gitlab_runner_concurrent', 'The concurrent setting of config.toml in force.'),
    limit: registry.gauge('gitlab_runner_limit', "The runner's limit setting in force (0: no limit of its own).", RUNNER_LABELS),
    versionInfo: registry.gauge('gitlab_runner_version_info', 'Always 1; the labels say which build of glci this is.', [
      'name', 'version', 'revision', 'branch', 'go_version', 'built_at', 'os', 'architecture', 'node_version',
    ]),
    errors: registry.counter('gitlab_runner_errors_total', 'Warnings and errors logged since the process started, by level.', ['level']),
  };
}

function runnerLabels(runner: MetricsRunner): Record<(typeof RUNNER_LABELS)[number], string> {
  return { runner: runnerShortToken(runner.token), runner_name: runner.name, system_id: runner.systemId };
}

/** The runner-mode metrics; `render()` is what the metrics server serves. */
export class RunnerMetrics {
  readonly registry = new MetricsRegistry();
  private readonly f: Families;
  private readonly runners = new Map<string, MetricsRunner>();
  private readonly jobs = new Set<{ runner: MetricsRunner; state: Required<JobState> }>();

  constructor(version: VersionInfo) {
    this.f = registerFamilies(this.registry);
    this.f.versionInfo.set(
      {
        name: version.name, version: version.version, revision: version.revision, branch: version.branch, go_version: '',
        built_at: version.builtAt, os: version.os, architecture: version.architecture, node_version: version.nodeVersion,
      },
      1,
    );
    for (const level of ERROR_LEVELS) this.f.errors.touch({ level });
    this.registry.onCollect(() => this.collectJobs());
  }

  /**
   * The runners of config.toml and `concurrent` as loaded (again after a SIGHUP reload): sets
   * `gitlab_runner_concurrent` and each `gitlab_runner_limit`, and drops the limit of a runner that
   * is gone.
   */
  configure(concurrent: number, runners: ReadonlyArray<{ runner: MetricsRunner; limit: number }>): void {
    this.f.concurrent.set({}, concurrent);
    for (const known of this.runners.values()) this.f.limit.remove(runnerLabels(known));
    this.runners.clear();
    for (const { runner, limit } of runners) {
      this.runners.set(runner.token, runner);
      this.f.limit.set(runnerLabels(runner), limit);
    }
  }

  /** A job was received: counts it in `gitlab_runner_jobs_total` and in `gitlab_runner_jobs` until finished. */
  jobReceived(runner: MetricsRunner, state: JobState = { state: 'running' }): TrackedJob {
    this.f.jobsTotal.inc(runnerLabels(runner));
    const entry = { runner, state: fullState(state) };
    this.jobs.add(entry);
    return {
      update: (next) => {
        entry.state = fullState(next);
      },
      finish: () => {
        this.jobs.delete(entry);
      },
    };
  }

  /** A job ended as failed with GitLab's `failure_reason` (`script_failure`, ...). */
  jobFailed(runner: MetricsRunner, failureReason: string): void {
    const { runner: short, runner_name } = runnerLabels(runner);
    this.f.failedJobs.inc({ runner: short, runner_name, failure_reason: failureReason });
  }

  /** GitLab answered a runner API call (`status` is the HTTP status; GitLab Runner uses -100 for no answer). */
  apiRequest(runner: MetricsRunner, endpoint: ApiEndpoint, status: number, method: string): void {
    const { runner: short, system_id } = runnerLabels(runner);
    this.f.apiStatuses.inc({ runner: short, system_id, endpoint, status: String(status), method: method.toUpperCase() });
  }

  /** A warning or error line was logged. */
  logged(level: ErrorLevel): void {
    this.f.errors.inc({ level });
  }

  render(): string {
    return this.registry.render();
  }

  /** `gitlab_runner_jobs` from the processing list: one idle row per runner, one row per state. */
  private collectJobs(): void {
    this.f.jobs.clear();
    const runners = new Map(this.runners);
    for (const { runner } of this.jobs) runners.set(runner.token, runner);
    for (const runner of runners.values()) this.f.jobs.set(jobLabels(runner, IDLE), 0);
    for (const { runner, state } of this.jobs) this.f.jobs.inc(jobLabels(runner, state));
  }
}

function fullState(state: JobState): Required<JobState> {
  return { state: state.state, stage: state.stage ?? '', executorStage: state.executorStage ?? '' };
}

function jobLabels(runner: MetricsRunner, state: Required<JobState>): Record<string, string> {
  return { ...runnerLabels(runner), state: state.state, stage: state.stage, executor_stage: state.executorStage };
}
