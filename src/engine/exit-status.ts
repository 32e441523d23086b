// How a pipeline result maps to the process exit status (DESIGN.md exit-code table). A local runner exits
// non-zero iff the pipeline failed or was canceled (gitlab-ci-yaml.md §8.2); allowed failures never count.
import type { PipelineResult } from '../model/events.js';

/** 0 all jobs passed or were allowed to fail · 1 a job failed · 130 canceled/interrupted. */
export function exitCodeFor(result: PipelineResult): number {
  if (result.status === 'canceled') return 130;
  if (result.status === 'failed') return 1;
  return result.jobs.some((job) => job.status === 'failed' && !job.allowedToFail) ? 1 : 0;
}

/** True when a job failed (not allowed) because the executor broke: the caller may exit 3 instead of 1. */
export function hasSystemFailure(result: PipelineResult): boolean {
  return result.jobs.some((job) => job.failureReason === 'runner_system_failure' && !job.allowedToFail);
}
