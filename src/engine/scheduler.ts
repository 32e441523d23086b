// The event-driven DAG scheduler (gitlab-ci-yaml.md §8.2). Every state change (a job ends, a delay elapses,
// the run is canceled) re-evaluates the waiting jobs at once, so a job starts the moment its prerequisites
// complete and never waits for unrelated jobs. No polling: the only timers are `start_in` delays.
import type { FailureReason, JobProgress, JobResult, JobStatus, PipelineEvent, PipelineResult } from '../model/events.js';
import type { Plan, PlannedJob } from '../model/plan.js';
import { isAllowedFailure, shouldRetry } from './failure-policy.js';
import { type AttemptOutcome, runJobAttempt } from './job-lifecycle.js';
import { JobLog } from './job-log.js';
import { startStep } from '../log/step-timings.js';
import { effectiveVariables, maskedValues } from './job-variables.js';
import { type Clock, type DotenvVariable, type EngineOptions, type JobRoute, type TimerHandle, systemClock } from './options.js';
import { type Decision, type StatusInput, compositeStatus, decide, isOptionalManual, pipelineStatus } from './prerequisites.js';
import { type RunRoute, RunnerSlots } from './runner-slots.js';

interface JobState {
  readonly job: PlannedJob;
  readonly index: number;
  /** A job with `needs` waits for its needs only; others wait for all jobs of earlier stages. */
  readonly dag: boolean;
  prerequisites: JobState[];
  status: JobStatus;
  attempts: number;
  allowedToFail: boolean;
  exitCode: number | null;
  failureReason?: FailureReason;
  skipReason?: string;
  durationMs: number;
  timer?: TimerHandle;
  /** One log (one masker) per job, across its attempts. */
  log?: JobLog;
  /** Asked when the job is first about to be dispatched; kept for its retries. */
  route?: JobRoute;
}

/** Runs the plan to completion (or until canceled) and resolves with every job's final state. */
export async function runPipeline(plan: Plan, options: EngineOptions): Promise<PipelineResult> {
  return new PipelineRun(plan, options).run();
}

const NEVER = new AbortController().signal;

class PipelineRun {
  private readonly clock: Clock;
  private readonly states: JobState[];
  /** Evaluation order: stage by stage. */
  private readonly order: JobState[];
  private readonly queue: JobState[] = [];
  private readonly busyGroups = new Set<string>();
  private readonly slots: RunnerSlots;
  private readonly dotenv = new Map<string, DotenvVariable[]>();
  private readonly played: ReadonlySet<string>;
  private readonly userKeys: ReadonlySet<string>;
  private readonly cancelController = new AbortController();
  private readonly forceSignal: AbortSignal;
  private readonly onAbort = () => this.guard(() => this.cancel());
  private running = 0;
  private nextRetryJobId: number;
  private startedAt = 0;
  private done = false;
  private settle: { resolve: (r: PipelineResult) => void; reject: (e: unknown) => void } | undefined;

  constructor(
    private readonly plan: Plan,
    private readonly options: EngineOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.slots = new RunnerSlots(options);
    this.forceSignal = options.forceSignal ?? NEVER;
    this.played = new Set(options.playJobs ?? []);
    this.userKeys = new Set(options.userVariableKeys ?? []);
    this.states = buildStates(plan);
    this.order = [...this.states].sort((a, b) => a.job.stageIndex - b.job.stageIndex);
    this.nextRetryJobId = plan.jobs.length + 1;
  }

  run(): Promise<PipelineResult> {
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      this.startedAt = this.clock.now();
      const executor = (this.options.executorNames ?? [this.options.executor.name]).join(', ');
      this.emit({ type: 'pipeline_start', plan: this.plan, executor, time: this.startedAt });
      this.options.signal.addEventListener('abort', this.onAbort);
      this.forceSignal.addEventListener('abort', this.onAbort);
      if (this.options.signal.aborted || this.forceSignal.aborted) this.onAbort();
      this.guard(() => this.advance());
    });
  }

  private advance(): void {
    if (this.done) return;
    // A stuck job ends without running: its dependents are decided before dispatching again.
    do {
      this.evaluate();
    } while (this.dispatch());
    this.finishIfSettled();
  }

  /** Decides every waiting job whose prerequisites are complete, until nothing changes (skips cascade). */
  private evaluate(): void {
    if (this.cancelController.signal.aborted) return;
    let changed = true;
    while (changed) {
      changed = false;
      for (const state of this.order) {
        if (state.status !== 'created') continue;
        const prerequisites = compositeStatus(state.prerequisites.map(statusInput), state.dag);
        const decision = decide(state.job.when, prerequisites, state.dag);
        if (decision.kind === 'wait') continue;
        this.apply(state, decision);
        changed = true;
      }
    }
  }

  private apply(state: JobState, decision: Exclude<Decision, { kind: 'wait' }>): void {
    const played = this.played.has(state.job.name);
    switch (decision.kind) {
      case 'run':
        return this.enqueue(state);
      case 'manual':
        if (played) return this.enqueue(state);
        state.status = 'manual';
        state.skipReason = isOptionalManual(state.job) ? 'manual job, not played' : 'manual job, not played (blocking)';
        return this.emitEnd(state);
      case 'delay':
        return played ? this.enqueue(state) : this.schedule(state);
      case 'skip':
        state.status = 'skipped';
        state.skipReason = decision.reason;
        return this.emitEnd(state);
    }
  }

  /** `when: delayed`: the `start_in` timer starts when the job becomes runnable (§5.7). */
  private schedule(state: JobState): void {
    state.status = 'scheduled';
    const delayMs = (state.job.startInSeconds ?? 0) * 1000;
    const now = this.clock.now();
    this.emit({ type: 'job_scheduled', job: state.job.name, startsAt: now + delayMs, time: now });
    state.timer = this.clock.setTimer(delayMs, () =>
      this.guard(() => {
        delete state.timer;
        if (state.status !== 'scheduled') return;
        this.enqueue(state);
        this.advance();
      }),
    );
  }

  private enqueue(state: JobState): void {
    state.status = 'pending';
    this.queue.push(state);
    this.emit({ type: 'job_queued', job: state.job, time: this.clock.now() });
  }

  /**
   * FIFO within the concurrency limit; a job whose resource group is busy (§5.20) or whose runner is at its
   * `limit` lets later jobs pass. Every pending job is routed, even while all slots are taken, so a job no
   * runner takes ends at once. Returns whether one did (its dependents are then evaluated).
   */
  private dispatch(): boolean {
    if (this.cancelController.signal.aborted) return false;
    const limit = Math.max(1, this.options.concurrency);
    let stuck = false;
    for (let i = 0; i < this.queue.length; ) {
      const state = this.queue[i] as JobState;
      const route = (state.route ??= this.slots.routeOf(state.job));
      if (route.kind === 'stuck') {
        this.queue.splice(i, 1);
        this.endStuck(state, route.reason);
        stuck = true;
        continue;
      }
      const group = state.job.resourceGroup;
      if (this.running >= limit || (group !== undefined && this.busyGroups.has(group)) || !this.slots.hasRoom(route)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.start(state, route);
    }
    return stuck;
  }

  /** No runner takes the job: GitLab leaves it pending until `stuck_or_timeout_failure`; glci fails it now. */
  private endStuck(state: JobState, reason: string): void {
    state.status = 'failed';
    state.failureReason = 'stuck_or_timeout_failure';
    state.skipReason = reason;
    state.allowedToFail = isAllowedFailure(state.job.allowFailure, null);
    this.emitEnd(state);
  }

  private start(state: JobState, route: RunRoute): void {
    this.running++;
    this.slots.take(route);
    if (state.job.resourceGroup !== undefined) this.busyGroups.add(state.job.resourceGroup);
    state.status = 'running';
    state.attempts++;
    const startTime = this.clock.now();
    this.emit({ type: 'job_start', job: state.job, attempt: state.attempts, time: startTime });
    const variables = effectiveVariables(state.job, this.dotenv, this.userKeys);
    const emitOutput = (chunk: string) => this.emit({ type: 'job_output', job: state.job.name, chunk, time: this.clock.now() });
    const emitProgress = (progress: JobProgress) => this.emit({ type: 'job_progress', job: state.job.name, progress, time: this.clock.now() });
    state.log ??= new JobLog(emitOutput, maskedValues(variables), this.clock, emitProgress);
    this.writeHeader(state.log, route);
    const { services, sourceDir, stateDir, pipelineId, defaultTimeoutSeconds, onJobFailure } = this.options;
    const executor = route.executor;
    const timed = startStep(state.job.name, 'job');
    runJobAttempt({
      job: state.job,
      jobId: state.attempts === 1 ? state.index + 1 : this.nextRetryJobId++,
      attempt: state.attempts,
      variables,
      log: state.log,
      cancelSignal: this.cancelController.signal,
      forceSignal: this.forceSignal,
      clock: this.clock,
      options: { executor, services, sourceDir, stateDir, pipelineId, defaultTimeoutSeconds, onJobFailure },
    }).then(
      (outcome) => {
        timed();
        this.guard(() => this.attemptDone(state, outcome, startTime));
      },
      (error: unknown) => this.fail(error),
    );
  }

  /** GitLab Runner's first lines of every job log: `Running with gitlab-runner <ver>`, `  on <runner> <token>`. */
  private writeHeader(log: JobLog, route: RunRoute): void {
    if (this.options.version === undefined) return;
    log.print(`Running with glci ${this.options.version}`);
    if (route.runner !== '') log.print(`  on ${route.runner}`);
  }

  private attemptDone(state: JobState, outcome: AttemptOutcome, startTime: number): void {
    this.running--;
    if (state.route?.kind === 'run') this.slots.release(state.route);
    if (state.job.resourceGroup !== undefined) this.busyGroups.delete(state.job.resourceGroup);
    state.durationMs += this.clock.now() - startTime;
    if (outcome.dotenv) this.dotenv.set(state.job.name, outcome.dotenv);
    state.exitCode = outcome.exitCode;
    if (outcome.failureReason) state.failureReason = outcome.failureReason;
    else delete state.failureReason;
    const canceled = this.cancelController.signal.aborted;
    // §8.2: a failed job matching its retry policy is re-created before dependents are evaluated.
    if (outcome.status === 'failed' && !canceled && shouldRetry(state.job.retry, outcome.failureReason, outcome.exitCode, state.attempts)) {
      this.enqueue(state);
    } else {
      state.status = outcome.status;
      state.allowedToFail = outcome.status === 'failed' && isAllowedFailure(state.job.allowFailure, outcome.exitCode);
      this.emitEnd(state);
    }
    this.advance();
  }

  /** Graceful cancel: nothing new starts, delays are cleared, running jobs stop their script. */
  private cancel(): void {
    if (this.done) return;
    if (!this.cancelController.signal.aborted) {
      this.cancelController.abort();
      for (const state of this.states) {
        state.timer?.clear();
        delete state.timer;
        if (state.status === 'created' || state.status === 'pending' || state.status === 'scheduled') {
          state.status = 'canceled';
          state.skipReason = 'the pipeline was canceled';
          this.emitEnd(state);
        }
      }
      this.queue.length = 0;
    }
    this.finishIfSettled();
  }

  private finishIfSettled(): void {
    if (this.done || this.running > 0 || this.queue.length > 0) return;
    if (this.states.some((s) => s.status === 'scheduled')) return;
    for (const state of this.states) {
      if (state.status === 'created') state.skipReason = blockedReason(state);
    }
    const status = this.cancelController.signal.aborted ? 'canceled' : pipelineStatus(this.states.map(statusInput));
    const result: PipelineResult = { status, jobs: this.states.map(toResult), durationMs: this.clock.now() - this.startedAt };
    this.stop();
    this.emit({ type: 'pipeline_end', result, time: this.clock.now() });
    this.settle?.resolve(result);
  }

  private stop(): void {
    this.done = true;
    this.options.signal.removeEventListener('abort', this.onAbort);
    this.forceSignal.removeEventListener('abort', this.onAbort);
    for (const state of this.states) state.timer?.clear();
  }

  /** An engine or observer bug: stop running jobs and reject. */
  private fail(error: unknown): void {
    if (this.done) return;
    this.stop();
    this.cancelController.abort();
    this.settle?.reject(error);
  }

  private guard(body: () => void): void {
    try {
      body();
    } catch (error) {
      this.fail(error);
    }
  }

  private emitEnd(state: JobState): void {
    this.emit({ type: 'job_end', result: toResult(state), time: this.clock.now() });
  }

  private emit(event: PipelineEvent): void {
    this.options.observer(event);
  }
}

function buildStates(plan: Plan): JobState[] {
  const states: JobState[] = plan.jobs.map((job, index) => ({
    job,
    index,
    dag: job.needs !== null,
    prerequisites: [],
    status: 'created',
    attempts: 0,
    allowedToFail: false,
    exitCode: null,
    durationMs: 0,
  }));
  const byName = new Map(states.map((s) => [s.job.name, s]));
  for (const state of states) {
    const needs = state.job.needs;
    state.prerequisites = needs
      ? needs.flatMap((need) => byName.get(need.job) ?? [])
      : states.filter((other) => other.job.stageIndex < state.job.stageIndex);
  }
  return states;
}

function statusInput(state: JobState): StatusInput {
  return { status: state.status, allowFailure: state.job.allowFailure, allowedToFail: state.allowedToFail };
}

/** Why a job was left waiting: the blocking manual jobs it (transitively) waits for. */
function blockedReason(state: JobState): string {
  const manual = new Set<string>();
  const seen = new Set<JobState>();
  const visit = (s: JobState) => {
    if (seen.has(s)) return;
    seen.add(s);
    for (const p of s.prerequisites) {
      if (p.status === 'manual' && !isOptionalManual(p.job)) manual.add(p.job.name);
      else if (p.status === 'created') visit(p);
    }
  };
  visit(state);
  return manual.size > 0 ? `blocked by manual job ${[...manual].join(', ')}` : 'blocked by a manual job';
}

function toResult(state: JobState): JobResult {
  return {
    name: state.job.name,
    stage: state.job.stage,
    status: state.status,
    allowedToFail: state.allowedToFail,
    exitCode: state.exitCode,
    ...(state.failureReason ? { failureReason: state.failureReason } : {}),
    ...(state.skipReason ? { skipReason: state.skipReason } : {}),
    attempts: state.attempts,
    durationMs: state.durationMs,
    interruptible: state.job.interruptible,
  };
}
