// The shared state of one job's trace delivery and its two primitive exchanges with GitLab, used by
// the periodic watcher (job-trace.ts) and the final phase (final-update.ts): send the next chunk,
// send a state update, and react to the job-scoped headers of every answer (runner-behavior.md §8.5).
import type { JobUpdate, JobUpdateResult, RemoteJobState, RunnerApi, RunnerInfo, TracePatchResult } from './api/runner-api.js';
import type { TraceBuffer } from './trace-buffer.js';

/** GitLab Runner sends at most 1 MiB per PATCH (common/consts.go). */
export const MAX_CHUNK_BYTES = 1024 * 1024;
/** X-GitLab-Trace-Update-Interval is capped at 15 minutes. */
export const MAX_UPDATE_INTERVAL_MS = 15 * 60 * 1000;

export type CancelKind = 'graceful' | 'abort';

export interface TraceTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: TraceTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface TraceContext {
  api: Pick<RunnerApi, 'patchTrace' | 'updateJob'>;
  jobId: number;
  jobToken: string;
  info: RunnerInfo;
  debugTrace: boolean;
  buffer: TraceBuffer;
  /** Bytes GitLab has (acknowledged or reported by a 416). */
  sent: number;
  /** Last successful PATCH or PUT, for the keep-alive. */
  lastSentAt: number;
  intervalMs: number;
  defaultIntervalMs: number;
  aborted: boolean;
  now: () => number;
  timers: TraceTimers;
  notify: (kind: CancelKind) => void;
  /** Pauses; ends early on abort(). */
  sleep: (ms: number) => Promise<void>;
}

/** Job-Status and the update interval of any job-scoped answer. */
export function applyRemoteState(ctx: TraceContext, state: RemoteJobState): void {
  if (state.updateIntervalSeconds !== undefined && state.updateIntervalSeconds > 0) {
    ctx.intervalMs = Math.min(MAX_UPDATE_INTERVAL_MS, state.updateIntervalSeconds * 1000);
  }
  if (state.jobStatus === 'canceling') ctx.notify('graceful');
  else if (state.jobStatus === 'canceled' || state.jobStatus === 'failed') ctx.notify('abort');
}

/** PATCHes the next ≤ 1 MiB; null when GitLab already has everything. */
export async function sendNextChunk(ctx: TraceContext): Promise<TracePatchResult | null> {
  const size = ctx.buffer.size();
  if (ctx.sent >= size) return null;
  const start = ctx.sent;
  const chunk = ctx.buffer.slice(start, Math.min(size, start + MAX_CHUNK_BYTES));
  const result = await ctx.api.patchTrace(ctx.jobId, ctx.jobToken, chunk, start, { debugTrace: ctx.debugTrace });
  applyRemoteState(ctx, result);
  switch (result.kind) {
    case 'accepted':
      ctx.sent = start + chunk.length;
      ctx.lastSentAt = ctx.now();
      break;
    case 'range-mismatch':
      ctx.sent = Math.min(result.size, ctx.buffer.size());
      break;
    case 'aborted':
      ctx.notify('abort');
      break;
    default:
      break;
  }
  return result;
}

/** PUT jobs/:id with the output checksum and size of everything held now. */
export async function sendUpdate(ctx: TraceContext, update: Omit<JobUpdate, 'output'>): Promise<JobUpdateResult> {
  const output = { checksum: ctx.buffer.checksum(), bytesize: ctx.buffer.size() };
  const result = await ctx.api.updateJob(ctx.jobId, ctx.jobToken, ctx.info, { ...update, output });
  applyRemoteState(ctx, result);
  if (result.kind === 'ok' || result.kind === 'accepted') ctx.lastSentAt = ctx.now();
  if (result.kind === 'aborted') ctx.notify('abort');
  return result;
}
