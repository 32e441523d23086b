// The end of a job's trace (GitLab Runner network/trace.go finalTraceUpdate/finalStatusUpdate,
// runner-behavior.md §8.6): send what is left, then PUT the final state until GitLab takes it.
// 200 ends it; 202 means "not complete yet": wait GitLab's interval, flush, PUT again; 412 means
// GitLab's copy of the trace fails the checksum: resend all of it from offset 0; 403/404/canceled
// stop; anything else is retried with a growing pause, at most `limit` times.
import { sendNextChunk, sendUpdate, type TraceContext } from './trace-delivery.js';

export interface FinalRetryPolicy {
  /** `job_status_final_update_retry_limit` (default 10). */
  limit: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_FINAL_RETRY: FinalRetryPolicy = { limit: 10, minDelayMs: 1000, maxDelayMs: 60 * 60 * 1000 };

export interface FinalState {
  state: 'success' | 'failed';
  failureReason?: string;
  exitCode?: number;
}

export interface FinalResult {
  /** GitLab answered 200 to the final update. */
  delivered: boolean;
  /** Final PUTs sent. */
  updates: number;
}

/** Sends every byte GitLab does not have yet; stops on 404 or an abort. */
export async function flushTrace(ctx: TraceContext, policy: FinalRetryPolicy): Promise<void> {
  let failures = 0;
  while (!ctx.aborted) {
    const result = await sendNextChunk(ctx);
    if (result === null) return;
    if (result.kind === 'accepted' || result.kind === 'range-mismatch') continue;
    if (result.kind === 'not-found' || result.kind === 'aborted') return;
    failures++;
    if (failures > policy.limit) return;
    await ctx.sleep(ctx.intervalMs);
  }
}

function backoff(policy: FinalRetryPolicy, failures: number): number {
  return Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (failures - 1));
}

export async function finalUpdate(ctx: TraceContext, final: FinalState, policy: FinalRetryPolicy): Promise<FinalResult> {
  ctx.intervalMs = ctx.defaultIntervalMs;
  await flushTrace(ctx, policy);
  const update = {
    state: final.state,
    ...(final.failureReason ? { failureReason: final.failureReason } : {}),
    ...(final.exitCode ? { exitCode: final.exitCode } : {}),
  };
  let updates = 0;
  let failures = 0;
  let resends = 0;
  while (!ctx.aborted) {
    const result = await sendUpdate(ctx, update);
    updates++;
    switch (result.kind) {
      case 'ok':
        return { delivered: true, updates };
      case 'aborted':
        return { delivered: false, updates };
      case 'accepted':
        await ctx.sleep(ctx.intervalMs);
        await flushTrace(ctx, policy);
        break;
      case 'trace-invalid':
        resends++;
        if (resends > policy.limit) return { delivered: false, updates };
        ctx.sent = 0;
        await flushTrace(ctx, policy);
        break;
      default:
        failures++;
        if (failures > policy.limit) return { delivered: false, updates };
        await ctx.sleep(backoff(policy, failures));
    }
  }
  return { delivered: false, updates };
}
