// The live view's state: ONE pure reducer over PipelineEvent (DESIGN.md "Reporter"). Everything the view
// shows is derived from it (see status.ts); timing comes in as `now`, never from a clock read here.
import type { JobProgress, JobResult, PipelineEvent, PipelineResult } from '../../model/events.js';
import type { PlannedJob } from '../../model/plan.js';
import { type LogPreview, type LogTail, appendPreview, appendTail, emptyPreview, emptyTail } from './log-tail.js';

/** Where a job is in its life, as far as the events tell. */
export type JobPhase = 'created' | 'scheduled' | 'pending' | 'running' | 'ended';

export interface PullState {
  image: string;
  /** Layers seen, and those done (`Pull complete`, `Already exists`). */
  layers: readonly string[];
  doneLayers: readonly string[];
  /** The last status line, with the engine's byte progress when given. */
  latest: string;
  /** The engine said the image is there (`Status: ...`); the job goes on with its next step. */
  finished: boolean;
}

export interface LiveJob {
  readonly name: string;
  readonly stage: string;
  readonly stageIndex: number;
  /** The jobs it waits for: its `needs`, or every job of an earlier stage. */
  readonly prerequisites: readonly string[];
  readonly dag: boolean;
  readonly resourceGroup?: string;
  readonly phase: JobPhase;
  /** Attempts started (0 before the first). */
  readonly attempt: number;
  /** When the current attempt started (running) or when the timer fires (scheduled). */
  readonly since?: number;
  readonly startsAt?: number;
  readonly pull?: PullState;
  readonly preview: LogPreview;
  readonly log: LogTail;
  readonly result?: JobResult;
}

/** What `<Static>` prints once, in order; append-only so ink never prints an item twice. */
export type PrintedItem =
  | { kind: 'header'; key: string; text: string }
  | { kind: 'job'; key: string; result: JobResult }
  | { kind: 'notice'; key: string; text: string }
  | { kind: 'summary'; key: string; result: PipelineResult };

export interface LiveState {
  readonly stages: readonly string[];
  /** Plan order. */
  readonly order: readonly string[];
  readonly jobs: Readonly<Record<string, LiveJob>>;
  readonly printed: readonly PrintedItem[];
  readonly startedAt?: number;
  readonly result?: PipelineResult;
}

export const initialState: LiveState = { stages: [], order: [], jobs: {}, printed: [] };

export function reduce(state: LiveState, event: PipelineEvent, now: number): LiveState {
  switch (event.type) {
    case 'pipeline_start':
      return started(event.plan.jobs, event.plan.stages, header(event.plan.name, event.plan.jobs.length, event.plan.stages.length, event.executor), now);
    case 'job_queued':
      return update(state, event.job.name, (job) => ({ ...job, phase: 'pending' }));
    case 'job_scheduled':
      return update(state, event.job, (job) => ({ ...job, phase: 'scheduled', startsAt: event.startsAt }));
    case 'job_start':
      return update(state, event.job.name, (job) => {
        const { pull: _pull, ...rest } = job;
        return { ...rest, phase: 'running', attempt: event.attempt, since: now, preview: emptyPreview };
      });
    case 'job_output':
      return update(state, event.job, (job) => ({ ...job, preview: appendPreview(job.preview, event.chunk), log: appendTail(job.log, event.chunk) }));
    case 'job_progress':
      return update(state, event.job, (job) => ({ ...job, pull: nextPull(job.pull, event.progress) }));
    case 'job_end':
      return ended(state, event.result);
    case 'pipeline_end':
      return { ...state, result: event.result, printed: [...state.printed, { kind: 'summary', key: 'summary', result: event.result }] };
  }
}

/** A line for the user outside the event stream (e.g. "stopping gracefully"), printed above the view. */
export function addNotice(state: LiveState, text: string): LiveState {
  return { ...state, printed: [...state.printed, { kind: 'notice', key: `notice-${state.printed.length}`, text }] };
}

function header(name: string | undefined, jobs: number, stages: number, executor: string): string {
  return `Running pipeline${name ? ` "${name}"` : ''}: ${jobs} jobs in ${stages} stages with the ${executor} executor`;
}

function started(planned: readonly PlannedJob[], stages: readonly string[], text: string, now: number): LiveState {
  const jobs: Record<string, LiveJob> = {};
  for (const job of planned) {
    const prerequisites = job.needs
      ? job.needs.map((need) => need.job).filter((name) => planned.some((other) => other.name === name))
      : planned.filter((other) => other.stageIndex < job.stageIndex).map((other) => other.name);
    jobs[job.name] = {
      name: job.name,
      stage: job.stage,
      stageIndex: job.stageIndex,
      prerequisites,
      dag: job.needs !== null,
      ...(job.resourceGroup !== undefined ? { resourceGroup: job.resourceGroup } : {}),
      phase: 'created',
      attempt: 0,
      preview: emptyPreview,
      log: emptyTail,
    };
  }
  return { stages, order: planned.map((job) => job.name), jobs, printed: [{ kind: 'header', key: 'header', text }], startedAt: now };
}

function update(state: LiveState, name: string, change: (job: LiveJob) => LiveJob): LiveState {
  const job = state.jobs[name];
  return job ? { ...state, jobs: { ...state.jobs, [name]: change(job) } } : state;
}

function ended(state: LiveState, result: JobResult): LiveState {
  const next = update(state, result.name, (job) => ({ ...job, phase: 'ended', result, preview: emptyPreview }));
  return { ...next, printed: [...next.printed, { kind: 'job', key: `job-${result.name}`, result }] };
}

const LAYER_DONE = new Set(['Pull complete', 'Already exists']);

function nextPull(pull: PullState | undefined, progress: JobProgress): PullState {
  const current = pull && pull.image === progress.image && !pull.finished ? pull : { image: progress.image, layers: [], doneLayers: [], latest: '', finished: false };
  const { layer, status } = progress;
  const latest = [layer ? `${layer}: ${status}` : status, progress.detail].filter(Boolean).join(' ');
  if (layer === undefined) return { ...current, latest, finished: status.startsWith('Status:') };
  const layers = current.layers.includes(layer) ? current.layers : [...current.layers, layer];
  const doneLayers = LAYER_DONE.has(status) && !current.doneLayers.includes(layer) ? [...current.doneLayers, layer] : current.doneLayers;
  return { ...current, layers, doneLayers, latest };
}
