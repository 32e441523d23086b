// A debug timer for the run path (`GLCI_DEBUG_TIMINGS=1`): how long each step of each job took, in ms
// since the process started, printed to stderr when the run ends (app/run-pipeline.ts). Off by default:
// then `startStep` returns one shared no-op and records nothing. It is a module-level recorder rather
// than an option threaded through engine, executors and services, so timing a step is one line where it
// happens; app/ is the only code that turns it on and reads it.

/** One timed step: `job` is `-` for pipeline-wide steps (start-up, routing, reporting). */
export interface StepTiming {
  job: string;
  step: string;
  /** ms since the process started (performance.timeOrigin). */
  startMs: number;
  durationMs: number;
}

const records: StepTiming[] = [];
let enabled = false;
const NOOP = (): void => undefined;

export function enableStepTimings(): void {
  enabled = true;
}

export function stepTimingsEnabled(): boolean {
  return enabled;
}

/** Starts timing `step` of `job`; call the returned function when the step ends. */
export function startStep(job: string, step: string): () => void {
  if (!enabled) return NOOP;
  const startMs = performance.now();
  return () => {
    records.push({ job, step, startMs, durationMs: performance.now() - startMs });
  };
}

/** Records a step that started `startMs` after the process did and ends now (start-up: 0). */
export function endStepStartedAt(job: string, step: string, startMs: number): void {
  if (enabled) records.push({ job, step, startMs, durationMs: performance.now() - startMs });
}

/** Times `body` as `step` of `job`, whether it resolves or throws. */
export async function timeStep<T>(job: string, step: string, body: () => Promise<T>): Promise<T> {
  if (!enabled) return body();
  const stop = startStep(job, step);
  try {
    return await body();
  } finally {
    stop();
  }
}

/** Every record so far, in the order the steps started. */
export function stepTimings(): StepTiming[] {
  return [...records].sort((a, b) => a.startMs - b.startMs);
}

/**
 * One line per step, tab-separated so scripts can read them (bench/run-pipeline.mjs does):
 * `glci-timing <job> <step> <start ms> <duration ms>`.
 */
export function formatStepTimings(timings: readonly StepTiming[]): string {
  return timings.map((t) => `glci-timing\t${t.job}\t${t.step}\t${t.startMs.toFixed(1)}\t${t.durationMs.toFixed(1)}\n`).join('');
}
