// `glci runner run`'s loop (runner-behavior.md §8.3): every runner of config.toml polls GitLab for jobs
// every `check_interval`, with `request_concurrency` requests in flight at most; a build slot is taken
// before each request, so `concurrent` (all runners) and `limit` (one runner) bound the running jobs
// exactly. A runner whose token GitLab refuses `unhealthy_requests_limit` times in a row rests for
// `unhealthy_interval`. Stopping (SIGQUIT) ends the polling and waits for the running jobs.
import { GlciError } from '../errors.js';
import type { RunnerApi, RunnerInfo } from '../gitlab/api/runner-api.js';
import type { JobPayload } from '../model/job-payload.js';
import type { RunnerConfig, RunnerSettings } from '../model/runner.js';
import type { ProcessLog } from '../log/process-log.js';
import { shortenRunnerToken as runnerShortToken } from '../variables/runner-token.js';

export interface RunnerLoopOptions {
  config: RunnerConfig;
  api: (runner: RunnerSettings) => RunnerApi;
  systemId: string;
  log: ProcessLog;
  /** Runs one job to its final update; the slot is released when it settles. */
  runJob: (runner: RunnerSettings, payload: JobPayload, slot: { concurrentId: number }) => Promise<void>;
  /** Builds the `info` sent with jobs/request. */
  info: (runner: RunnerSettings) => RunnerInfo;
  /** Abort = stop asking for jobs (SIGQUIT, or the first phase of SIGTERM). */
  stop: AbortSignal;
  /** Called before each request: rotates a token close to its expiry (returns the runner to use). */
  beforeRequest?: (runner: RunnerSettings) => Promise<RunnerSettings>;
  /** Consecutive 403s before a runner rests, and how long (ms). GitLab Runner: 3 and 60 min. */
  unhealthy?: { limit: number; restMs: number };
}

/** A counting semaphore whose waiters can give up when a signal aborts. */
export class Slots {
  private used = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private capacity: number) {}

  get inUse(): number {
    return this.used;
  }

  resize(capacity: number): void {
    this.capacity = capacity;
    this.wake();
  }

  tryTake(): boolean {
    if (this.used >= this.capacity) return false;
    this.used++;
    return true;
  }

  release(): void {
    this.used--;
    this.wake();
  }

  /** Resolves when a slot may be free (call tryTake again), or when `signal` aborts. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** Sleeps `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

interface RunnerState {
  runner: RunnerSettings;
  running: number;
  lastUpdate?: string;
  forbidden: number;
  /** Concurrent job ids in use (CI_CONCURRENT_ID): the lowest free one is taken. */
  ids: Set<number>;
}

export interface RunnerLoop {
  /** Resolves when polling has stopped and every job has finished. */
  done: Promise<void>;
  /** Replaces the configuration (SIGHUP): new runners start polling, removed ones stop after their jobs. */
  reload(config: RunnerConfig): void;
  running(): number;
}

export function startRunnerLoop(options: RunnerLoopOptions): RunnerLoop {
  const loop = new PollingLoop(options);
  return { done: loop.done, running: () => loop.jobCount(), reload: (config) => loop.reload(config) };
}

interface Worker {
  stop: AbortController;
  done: Promise<void>;
  state: RunnerState;
}

class PollingLoop {
  readonly done: Promise<void>;
  private readonly slots: Slots;
  private readonly jobs = new Set<Promise<void>>();
  private readonly workers = new Map<string, Worker>();
  private readonly retired: Worker[] = [];
  private readonly unhealthy: { limit: number; restMs: number };
  private checkIntervalMs: number;

  constructor(private readonly options: RunnerLoopOptions) {
    this.slots = new Slots(Math.max(1, options.config.concurrent));
    this.unhealthy = options.unhealthy ?? { limit: 3, restMs: 60 * 60_000 };
    this.checkIntervalMs = intervalOf(options.config);
    for (const runner of options.config.runners) this.startWorker(runner);
    this.done = this.whenStopped();
  }

  jobCount(): number {
    return this.jobs.size;
  }

  reload(config: RunnerConfig): void {
    this.slots.resize(Math.max(1, config.concurrent));
    this.checkIntervalMs = intervalOf(config);
    const tokens = new Set(config.runners.map((r) => r.token));
    for (const [token, worker] of this.workers) {
      if (tokens.has(token)) continue;
      worker.stop.abort();
      this.workers.delete(token);
      this.retired.push(worker);
    }
    for (const runner of config.runners) {
      const existing = this.workers.get(runner.token);
      if (existing) existing.state.runner = runner;
      else this.startWorker(runner);
    }
  }

  private async whenStopped(): Promise<void> {
    const { stop } = this.options;
    await new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
    await Promise.all([...this.workers.values(), ...this.retired].map((w) => w.done));
    while (this.jobs.size > 0) await Promise.allSettled([...this.jobs]);
  }

  private startWorker(runner: RunnerSettings): void {
    const stop = new AbortController();
    if (this.options.stop.aborted) stop.abort();
    else this.options.stop.addEventListener('abort', () => stop.abort(), { once: true });
    const state: RunnerState = { runner, running: 0, forbidden: 0, ids: new Set() };
    const streams = Array.from({ length: Math.max(1, runner.requestConcurrency) }, () => this.poll(state, stop.signal));
    this.workers.set(runner.token, { stop, state, done: Promise.all(streams).then(() => undefined) });
  }

  /** One request stream of one runner; `request_concurrency` of them run side by side. */
  private async poll(state: RunnerState, stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      const underLimit = state.runner.limit <= 0 || state.running < state.runner.limit;
      if (!underLimit || !this.slots.tryTake()) {
        await Promise.race([this.slots.changed(stop), pause(this.checkIntervalMs, stop)]);
        continue;
      }
      const received = await this.requestOnce(state, stop);
      if (received) {
        this.startJob(state, received);
        continue; // re-queued at once after a job, as GitLab Runner does
      }
      this.slots.release();
      const resting = state.forbidden >= this.unhealthy.limit;
      if (resting) this.options.log.warn('Runner is not healthy and will be disabled!', { runner: runnerShortToken(state.runner.token) });
      await pause(resting ? this.unhealthy.restMs : this.checkIntervalMs, stop);
      if (resting) state.forbidden = 0;
    }
  }

  private startJob(state: RunnerState, payload: JobPayload): void {
    state.running++;
    let concurrentId = 0;
    while (state.ids.has(concurrentId)) concurrentId++;
    state.ids.add(concurrentId);
    const { log } = this.options;
    const job = this.options
      .runJob(state.runner, payload, { concurrentId })
      .catch((error: unknown) => log.error('Job failed (system failure)', { job: payload.id, error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        state.running--;
        state.ids.delete(concurrentId);
        this.slots.release();
        this.jobs.delete(job);
        log.info('Removed job from processing list', { job: payload.id, runner: runnerShortToken(state.runner.token) });
      });
    this.jobs.add(job);
  }

  private async requestOnce(state: RunnerState, stop: AbortSignal): Promise<JobPayload | null> {
    const { log } = this.options;
    try {
      if (this.options.beforeRequest) state.runner = await this.options.beforeRequest(state.runner);
      const runner = state.runner;
      const short = runnerShortToken(runner.token);
      const answer = await this.options.api(runner).requestJob(runner.token, this.options.systemId, this.options.info(runner), state.lastUpdate, stop);
      if (answer.kind === 'job') {
        state.forbidden = 0;
        log.info('Checking for jobs... received', { job: answer.job.id, repo_url: redactedRepoUrl(answer.job.git_info?.repo_url), runner: short });
        return answer.job;
      }
      if (answer.kind === 'none') {
        state.forbidden = 0;
        if (answer.lastUpdate !== undefined) state.lastUpdate = answer.lastUpdate;
        log.debug('Checking for jobs... nothing', { runner: short });
      } else if (answer.kind === 'forbidden') {
        state.forbidden++;
        log.error('Checking for jobs... forbidden', { runner: short });
      } else {
        // As GitLab Runner, the field `status` holds why when there was no answer at all.
        log.warn('Checking for jobs... failed', { runner: short, status: answer.error ?? answer.status, ...(answer.hint ? { hint: answer.hint } : {}) });
      }
    } catch (error) {
      if (!stop.aborted) {
        const hint = error instanceof GlciError ? error.hint : undefined;
        log.error('Checking for jobs... error', { runner: runnerShortToken(state.runner.token), error: error instanceof Error ? error.message : String(error), ...(hint ? { hint } : {}) });
      }
    }
    return null;
  }
}

/** `check_interval` in ms; 0 or unset: GitLab Runner's 3 s. */
function intervalOf(config: RunnerConfig): number {
  return (config.checkInterval > 0 ? config.checkInterval : 3) * 1000;
}

/** The repository URL of a job without the job token in it, for the process log. */
export function redactedRepoUrl(url: string | undefined): string {
  if (!url) return '';
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '[invalid URL]';
  }
}
