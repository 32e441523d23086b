// How one attempt of a job is going, and the final status line derived from it (runner-behavior.md
// §10.2): canceled, failed with GitLab's failure reason and exit code, or a thrown error sorted into a
// system failure or a job failure.
import { ExecutorError, GlciError } from '../errors.js';
import type { FailureReason } from '../model/events.js';
import type { JobLog } from './job-log.js';
import type { DotenvVariable } from './options.js';

export interface Progress {
  status: 'success' | 'failed' | 'canceled';
  exitCode: number | null;
  reason?: FailureReason;
  /** Text after `Job failed: ` (or `Job failed (system failure): `). */
  message?: string;
  dotenv?: DotenvVariable[];
}

export function writeFinalLine(log: JobLog, progress: Progress): void {
  if (progress.status === 'success') log.info('Job succeeded');
  else if (progress.status === 'canceled') log.error('Job failed: canceled');
  else if (progress.reason === 'runner_system_failure') log.error(`Job failed (system failure): ${progress.message ?? ''}`);
  else log.error(`Job failed: ${progress.message ?? `exit code ${progress.exitCode ?? 1}`}`);
}

/** Back to the start, for another try of a stage. */
export function resetProgress(progress: Progress): void {
  progress.status = 'success';
  progress.exitCode = null;
  delete progress.reason;
  delete progress.message;
}

export function markCanceled(progress: Progress): false {
  progress.status = 'canceled';
  progress.exitCode = null;
  delete progress.reason;
  return false;
}

export function markFailed(progress: Progress, reason: FailureReason, exitCode: number | null, message: string): void {
  progress.status = 'failed';
  progress.reason = reason;
  progress.exitCode = exitCode;
  progress.message = message;
}

/**
 * A thrown error: canceled when the cancel signal explains it; else a system failure when it comes from the
 * executor (or `system` says so, or it is not one of glci's typed errors); else a job failure.
 */
export function markError(ctx: { cancelSignal: AbortSignal; log: JobLog }, progress: Progress, error: unknown, system: boolean): void {
  if (ctx.cancelSignal.aborted) {
    markCanceled(progress);
    return;
  }
  const isSystem = system || error instanceof ExecutorError || !(error instanceof GlciError);
  markFailed(progress, isSystem ? 'runner_system_failure' : 'script_failure', null, messageOf(error));
  // What to do about it, where the user reads the failure (GitLab Runner has no such line; glci's errors carry hints).
  if (error instanceof GlciError && error.hint) ctx.log.print(`Hint: ${error.hint}`);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
