// `onJobFailure` (glci run --shell-on-failure): a failed job's environment is handed to the composition
// root after after_script and the save stages, before the engine removes it. Only the attempt that stays
// failed gets it: a retried attempt is followed by another one, and a canceled job is being torn down.
import type { JobEnvironment } from '../executors/executor.js';
import type { FailureReason } from '../model/events.js';
import type { JobVariable, PlannedJob } from '../model/plan.js';
import { shouldRetry } from './failure-policy.js';
import type { JobLog } from './job-log.js';
import type { EngineOptions } from './options.js';

/** What the hook needs of an attempt (job-lifecycle.ts's AttemptContext has it all). */
export interface FailedAttempt {
  job: PlannedJob;
  /** 1-based attempt number, counted like the scheduler counts retries. */
  attempt: number;
  variables: JobVariable[];
  log: JobLog;
  cancelSignal: AbortSignal;
  forceSignal: AbortSignal;
  options: Pick<EngineOptions, 'executor' | 'onJobFailure'>;
}

export interface AttemptVerdict {
  status: 'success' | 'failed' | 'canceled';
  reason?: FailureReason;
  exitCode: number | null;
}

/** Awaits the hook when the attempt qualifies; never throws (a failing hook is a warning in the job log). */
export async function offerFailedEnvironment(attempt: FailedAttempt, env: JobEnvironment, verdict: AttemptVerdict): Promise<void> {
  const hook = attempt.options.onJobFailure;
  if (!hook || verdict.status !== 'failed' || attempt.cancelSignal.aborted || attempt.forceSignal.aborted) return;
  if (shouldRetry(attempt.job.retry, verdict.reason, verdict.exitCode, attempt.attempt)) return;
  // Everything the job printed reaches the reporters before the hook takes the terminal.
  attempt.log.flush();
  try {
    await hook({
      job: attempt.job,
      env,
      variables: attempt.variables,
      reason: verdict.reason ?? 'unknown_failure',
      executor: attempt.options.executor.name,
      signal: attempt.forceSignal,
    });
  } catch (error) {
    attempt.log.warn(`Could not use the environment of the failed job: ${error instanceof Error ? error.message : String(error)}`);
  }
}
