// The trace of one running job as GitLab Runner's network/trace.go keeps it (runner-behavior.md §8.5,
// §8.6): output is buffered locally (trace-buffer.ts), a watcher PATCHes the next chunk every update
// interval, a `state=running` PUT keeps the job alive when nothing went out for a while, GitLab's
// Job-Status asks for a graceful or hard cancel, and finish() delivers the rest and the final state
// exactly once.
import type { RunnerApi, RunnerInfo } from './api/runner-api.js';
import { DEFAULT_FINAL_RETRY, finalUpdate, type FinalResult, type FinalRetryPolicy, type FinalState } from './final-update.js';
import { createTraceBuffer, DEFAULT_OUTPUT_LIMIT_BYTES } from './trace-buffer.js';
import { REAL_TIMERS, sendNextChunk, sendUpdate, type CancelKind, type TraceContext, type TraceTimers } from './trace-delivery.js';

export type { CancelKind, TraceTimers } from './trace-delivery.js';

export const DEFAULT_UPDATE_INTERVAL_MS = 3000;
export const DEFAULT_FORCE_SEND_INTERVAL_MS = 30_000;

export interface JobTraceOptions {
  api: Pick<RunnerApi, 'patchTrace' | 'updateJob'>;
  jobId: number;
  jobToken: string;
  info: RunnerInfo;
  /** `output_limit` in bytes (GitLab Runner: KiB in config.toml, default 4096). */
  outputLimitBytes?: number;
  updateIntervalMs?: number;
  /** Keep-alive PUT after this long without a successful PATCH/PUT. */
  forceSendIntervalMs?: number;
  /** `?debug_trace=` of every PATCH (CI_DEBUG_TRACE). */
  debugTrace?: boolean;
  clock?: () => number;
  timers?: TraceTimers;
  /** Final-update retries (tests shorten the pauses). */
  finalRetry?: FinalRetryPolicy;
  /** GitLab asked to cancel: `graceful` (Job-Status canceling) or `abort` (403, canceled, failed). Called once per kind. */
  onCancelRequested?: (kind: CancelKind) => void;
}

export interface JobTrace {
  write(chunk: Uint8Array | string): void;
  /** Everything held (the output limit applied): what the checksum covers. */
  bytes(): Buffer;
  start(): void;
  finish(update: FinalState): Promise<FinalResult>;
  /** Stops every timer and request loop; finish() then reports `delivered: false`. */
  abort(): void;
}

export function createJobTrace(options: JobTraceOptions): JobTrace {
  const timers = options.timers ?? REAL_TIMERS;
  const now = options.clock ?? Date.now;
  const forceSendMs = options.forceSendIntervalMs ?? DEFAULT_FORCE_SEND_INTERVAL_MS;
  const interval = options.updateIntervalMs ?? DEFAULT_UPDATE_INTERVAL_MS;
  const wakers = new Set<() => void>();
  const notified = new Set<CancelKind>();
  const ctx: TraceContext = {
    api: options.api,
    jobId: options.jobId,
    jobToken: options.jobToken,
    info: options.info,
    debugTrace: options.debugTrace ?? false,
    buffer: createTraceBuffer(options.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT_BYTES),
    sent: 0,
    lastSentAt: now(),
    intervalMs: interval,
    defaultIntervalMs: interval,
    aborted: false,
    now,
    timers,
    notify: (kind) => {
      if (notified.has(kind)) return;
      notified.add(kind);
      options.onCancelRequested?.(kind);
    },
    sleep: (ms) => (ctx.aborted ? Promise.resolve() : wakeableSleep(timers, wakers, ms)),
  };
  const watcher = createWatcher(ctx, forceSendMs);
  let finishing: Promise<FinalResult> | undefined;
  return {
    write: (chunk) => {
      if (!finishing && !ctx.aborted) ctx.buffer.write(chunk);
    },
    bytes: () => ctx.buffer.bytes(),
    start: () => watcher.start(),
    finish: (update) => {
      finishing ??= (async () => {
        await watcher.stop();
        if (ctx.aborted) return { delivered: false, updates: 0 };
        return finalUpdate(ctx, update, options.finalRetry ?? DEFAULT_FINAL_RETRY);
      })();
      return finishing;
    },
    abort: () => {
      ctx.aborted = true;
      void watcher.stop();
      for (const wake of [...wakers]) wake();
    },
  };
}

/** A pause that abort() ends early (it calls every waker). */
function wakeableSleep(timers: TraceTimers, wakers: Set<() => void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const wake = (): void => {
      wakers.delete(wake);
      timers.clearTimeout(handle);
      resolve();
    };
    const handle = timers.setTimeout(wake, ms);
    wakers.add(wake);
  });
}

/** The periodic part: one chunk per interval, and the keep-alive PUT when due. */
function createWatcher(ctx: TraceContext, forceSendMs: number) {
  let handle: unknown;
  let running = false;
  let inflight: Promise<void> = Promise.resolve();
  const tick = async (): Promise<void> => {
    try {
      await sendNextChunk(ctx);
      if (running && !ctx.aborted && ctx.now() - ctx.lastSentAt >= forceSendMs) await sendUpdate(ctx, { state: 'running' });
    } catch {
      // An unexpected failure (not an HTTP answer) is treated like a failed PATCH: try again next tick.
    }
  };
  const schedule = (): void => {
    if (!running || ctx.aborted) return;
    handle = ctx.timers.setTimeout(() => {
      handle = undefined;
      inflight = tick().then(schedule);
    }, ctx.intervalMs);
  };
  return {
    start: (): void => {
      if (running) return;
      running = true;
      ctx.lastSentAt = ctx.now();
      schedule();
    },
    /** Stops scheduling and waits for a request in flight, so the final phase owns the offsets. */
    stop: async (): Promise<void> => {
      running = false;
      if (handle !== undefined) ctx.timers.clearTimeout(handle);
      handle = undefined;
      await inflight;
    },
  };
}
