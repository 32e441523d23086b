// The reporter contract (DESIGN.md "The three contracts"): observers of PipelineEvent with optional hooks,
// fed by one observer function that fans every event out to the active reporters.
import type { PipelineEvent } from '../model/events.js';

export type EventOf<T extends PipelineEvent['type']> = Extract<PipelineEvent, { type: T }>;

export interface Reporter {
  /** The run begins; the plan lists every job. */
  onPipelineStart?(event: EventOf<'pipeline_start'>): void;
  /** A job is ready to run and waits for a free slot (again, for a retry). */
  onJobQueued?(event: EventOf<'job_queued'>): void;
  /** A `when: delayed` job waits for its `start_in` timer (it is queued when the timer fires). */
  onJobScheduled?(event: EventOf<'job_scheduled'>): void;
  /** An attempt of a job starts (attempt 1, then 2.. for retries). */
  onJobStart?(event: EventOf<'job_start'>): void;
  /** Masked job log text, in arbitrary chunks (not line-aligned). */
  onJobOutput?(event: EventOf<'job_output'>): void;
  /** Progress of a long executor step (image pull layers); the same news is in the job log as lines. */
  onJobProgress?(event: EventOf<'job_progress'>): void;
  /** A job reached its final state for this run (also skipped, manual and canceled-before-start jobs). */
  onJobEnd?(event: EventOf<'job_end'>): void;
  /** The run is over; the result has every job. */
  onPipelineEnd?(event: EventOf<'pipeline_end'>): void;
}

/** Where a reporter writes: process.stdout, a file stream, or a test buffer. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True for terminals; colour is used only there. */
  isTTY?: boolean;
}

/**
 * Colour on a terminal unless NO_COLOR is set (https://no-color.org). FORCE_COLOR wins over both, as in
 * Node and chalk: a non-empty value turns colour on even in a pipe, `0` or `false` turns it off.
 */
export function shouldUseColor(stream: OutputStream, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

/** One observer that hands each event to every reporter's matching hook, in order. */
export function fanOut(reporters: readonly Reporter[]): (event: PipelineEvent) => void {
  return (event) => {
    for (const reporter of reporters) deliver(reporter, event);
  };
}

function deliver(reporter: Reporter, event: PipelineEvent): void {
  switch (event.type) {
    case 'pipeline_start':
      return reporter.onPipelineStart?.(event);
    case 'job_queued':
      return reporter.onJobQueued?.(event);
    case 'job_scheduled':
      return reporter.onJobScheduled?.(event);
    case 'job_start':
      return reporter.onJobStart?.(event);
    case 'job_output':
      return reporter.onJobOutput?.(event);
    case 'job_progress':
      return reporter.onJobProgress?.(event);
    case 'job_end':
      return reporter.onJobEnd?.(event);
    case 'pipeline_end':
      return reporter.onPipelineEnd?.(event);
  }
}
