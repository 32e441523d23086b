// In-memory doubles for the engine tests: a fake executor whose steps have scripted exit codes, output
// and delays (honouring timeout and abort like a real executor), fake job services that record calls,
// a manual clock for start_in timers, and builders for plans.
import { Readable } from 'node:stream';
import type { Executor, JobEnvironment, JobIO, PrepareOptions, ScriptStep, StepOutcome } from '../../src/executors/executor.js';
import { runPipeline } from '../../src/engine/index.js';
import type { Clock, DotenvVariable, EngineOptions, JobServices, SavedArtifacts, ScriptRequest, StageContext, TimerHandle } from '../../src/engine/index.js';
import type { JobResult, PipelineEvent, PipelineResult } from '../../src/model/events.js';
import type { Plan, PlannedJob } from '../../src/model/plan.js';
import { plannedJob } from '../support/planned-job.js';

export interface StepSpec {
  exitCode?: number;
  delayMs?: number;
  /** Written before the delay, one io.output call per chunk. */
  output?: string[];
  /** The executor breaks while running the step. */
  throws?: Error;
  /** Raw byte chunks written after `output`. */
  bytes?: Uint8Array[];
}

export interface FakeJobSpec {
  /** step_script behaviour, one entry per attempt (the last one repeats). */
  script?: StepSpec | StepSpec[];
  afterScript?: StepSpec;
  prepareError?: Error;
}

export interface StepRecord {
  job: string;
  step: string;
  start: number;
  end: number;
  outcome: StepOutcome;
  timeoutMs: number | undefined;
}

export class FakeExecutor implements Executor {
  readonly name = 'fake';
  readonly steps: StepRecord[] = [];
  readonly prepared: string[] = [];
  /** Cleanup calls per prepared environment (index = prepare order). */
  readonly cleanups: number[] = [];
  readonly calls: string[] = [];
  active = 0;
  maxActive = 0;
  private readonly attempts = new Map<string, number>();

  constructor(private readonly specs: Record<string, FakeJobSpec> = {}) {}

  async prepare(job: PlannedJob, _options: PrepareOptions, io: JobIO): Promise<JobEnvironment> {
    this.calls.push(`${job.name}:prepare`);
    const spec = this.specs[job.name] ?? {};
    if (spec.prepareError) throw spec.prepareError;
    const id = this.prepared.push(job.name) - 1;
    this.cleanups[id] = 0;
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    return this.environment(job, spec, io, id);
  }

  startOf(job: string, step = 'step_script'): number {
    return this.record(job, step).start;
  }

  endOf(job: string, step = 'step_script'): number {
    return this.record(job, step).end;
  }

  ran(job: string, step = 'step_script'): boolean {
    return this.steps.some((s) => s.job === job && s.step === step);
  }

  private record(job: string, step: string): StepRecord {
    const found = this.steps.find((s) => s.job === job && s.step === step);
    if (!found) throw new Error(`${job} did not run ${step}`);
    return found;
  }

  private environment(job: PlannedJob, spec: FakeJobSpec, io: JobIO, id: number): JobEnvironment {
    return {
      projectDir: '/builds/project',
      buildsDir: '/builds',
      tmpDir: '/builds/project.tmp',
      run: (step, signal) => this.run(job, spec, io, step, signal),
      copyIn: async () => undefined,
      copyOut: async () => Readable.from([]),
      cleanup: async () => {
        this.calls.push(`${job.name}:cleanup`);
        this.cleanups[id] = (this.cleanups[id] ?? 0) + 1;
        if (this.cleanups[id] === 1) this.active--;
      },
    };
  }

  private async run(job: PlannedJob, spec: FakeJobSpec, io: JobIO, step: ScriptStep, signal: AbortSignal): Promise<StepOutcome> {
    this.calls.push(`${job.name}:${step.name}`);
    const behaviour = this.behaviour(job.name, spec, step.name);
    const start = performance.now();
    if (behaviour.throws) throw behaviour.throws;
    for (const chunk of behaviour.output ?? []) io.output(new TextEncoder().encode(chunk));
    for (const chunk of behaviour.bytes ?? []) io.output(chunk);
    const outcome = await wait(behaviour, step.timeoutMs, signal);
    this.steps.push({ job: job.name, step: step.name, start, end: performance.now(), outcome, timeoutMs: step.timeoutMs });
    return outcome;
  }

  private behaviour(job: string, spec: FakeJobSpec, step: string): StepSpec {
    if (step === 'after_script') return spec.afterScript ?? {};
    if (step !== 'step_script') return {};
    const attempt = this.attempts.get(job) ?? 0;
    this.attempts.set(job, attempt + 1);
    const list = Array.isArray(spec.script) ? spec.script : [spec.script ?? {}];
    return list[Math.min(attempt, list.length - 1)] ?? {};
  }
}

function wait(spec: StepSpec, timeoutMs: number | undefined, signal: AbortSignal): Promise<StepOutcome> {
  return new Promise((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const finish = (outcome: StepOutcome) => {
      timers.forEach(clearTimeout);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => finish({ exitCode: 137, timedOut: false, canceled: true });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    timers.push(setTimeout(() => finish({ exitCode: spec.exitCode ?? 0, timedOut: false, canceled: false }), spec.delayMs ?? 0));
    if (timeoutMs !== undefined && timeoutMs < (spec.delayMs ?? 0)) {
      timers.push(setTimeout(() => finish({ exitCode: 137, timedOut: true, canceled: false }), timeoutMs));
    }
  });
}

export class FakeServices implements JobServices {
  readonly calls: string[] = [];
  /** The job id each saveArtifacts call was given, in call order. */
  readonly savedJobIds: { job: string; jobId: number }[] = [];
  readonly requests: ScriptRequest[] = [];
  constructor(private readonly dotenv: Record<string, DotenvVariable[]> = {}) {}

  generateScript(request: ScriptRequest): string | null {
    this.requests.push(request);
    if (request.stage === 'step_script' || request.stage === 'after_script') return `${request.stage} of ${request.job.name}`;
    return null;
  }

  async restoreCaches(context: StageContext): Promise<void> {
    this.calls.push(`${context.job.name}:restoreCaches`);
  }

  async restoreArtifacts(context: StageContext): Promise<void> {
    this.calls.push(`${context.job.name}:restoreArtifacts`);
  }

  async saveCaches(context: StageContext, outcome: string): Promise<void> {
    this.calls.push(`${context.job.name}:saveCaches:${outcome}`);
  }

  async saveArtifacts(context: StageContext, outcome: string): Promise<SavedArtifacts> {
    this.calls.push(`${context.job.name}:saveArtifacts:${outcome}`);
    this.savedJobIds.push({ job: context.job.name, jobId: context.jobId });
    return { dotenv: this.dotenv[context.job.name] ?? [] };
  }

  request(job: string, stage: string): ScriptRequest {
    const found = this.requests.find((r) => r.job.name === job && r.stage === stage);
    if (!found) throw new Error(`no ${stage} script requested for ${job}`);
    return found;
  }
}

/** A clock whose timers fire only when the test says so. */
export class ManualClock implements Clock {
  readonly timers: { ms: number; callback: () => void; cleared: boolean; fired: boolean }[] = [];
  now(): number {
    return Date.now();
  }
  setTimer(ms: number, callback: () => void): TimerHandle {
    const timer = { ms, callback, cleared: false, fired: false };
    this.timers.push(timer);
    return { clear: () => void (timer.cleared = true) };
  }
  pending() {
    return this.timers.filter((t) => !t.cleared && !t.fired);
  }
  fireAll(): void {
    for (const timer of this.pending()) {
      timer.fired = true;
      timer.callback();
    }
  }
}

export function job(name: string, overrides: Partial<PlannedJob> = {}): PlannedJob {
  return plannedJob(name, { retry: { max: 0, when: ['always'], exitCodes: [] }, ...overrides });
}

/** A plan whose jobs get their stageIndex from `stages`. */
export function plan(stages: string[], jobs: PlannedJob[]): Plan {
  return {
    stages,
    jobs: jobs.map((j) => ({ ...j, stageIndex: Math.max(0, stages.indexOf(j.stage)) })),
    excluded: [],
    globalVariables: [],
  };
}

export function needs(...names: string[]) {
  return names.map((n) => ({ job: n, artifacts: true }));
}

export interface Harness {
  executor: FakeExecutor;
  services: FakeServices;
  events: PipelineEvent[];
  output(job: string): string;
}

export function harness(specs: Record<string, FakeJobSpec> = {}, dotenv: Record<string, DotenvVariable[]> = {}): Harness {
  const events: PipelineEvent[] = [];
  return {
    executor: new FakeExecutor(specs),
    services: new FakeServices(dotenv),
    events,
    output: (name) =>
      events
        .filter((e): e is Extract<PipelineEvent, { type: 'job_output' }> => e.type === 'job_output' && e.job === name)
        .map((e) => e.chunk)
        .join(''),
  };
}

/** Runs `p` on the harness's fakes with 4 slots and no cancel, unless `extra` says otherwise. */
export function runWith(h: Harness, p: Plan, extra: Partial<EngineOptions> = {}): Promise<PipelineResult> {
  return runPipeline(p, {
    executor: h.executor,
    services: h.services,
    concurrency: 4,
    defaultTimeoutSeconds: 3600,
    stateDir: '/state',
    sourceDir: '/src',
    pipelineId: 1,
    signal: new AbortController().signal,
    observer: (e) => h.events.push(e),
    ...extra,
  });
}

export function resultOf(result: PipelineResult, name: string): JobResult {
  const found = result.jobs.find((j) => j.name === name);
  if (!found) throw new Error(`no result for ${name}`);
  return found;
}

/** name → status, for compact assertions. */
export function statuses(result: PipelineResult): Record<string, string> {
  return Object.fromEntries(result.jobs.map((j) => [j.name, j.status]));
}

/** Waits (short event-loop turns, bounded) until `condition` holds. */
export async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  if (!condition()) throw new Error('condition not met');
}
