// GitLab's decision "may this job run now?" (gitlab-ci-yaml.md §8.2): the composite status of a job's
// prerequisites (Ci::Status::Composite) and the decision table by `when`. Pure functions.
import type { AllowFailure, JobWhen } from '../model/config.js';
import type { JobStatus, PipelineStatus } from '../model/events.js';

/** What a job contributes to a composite status. */
type Contribution =
  | 'success'
  | 'success_with_warnings'
  | 'failed'
  | 'canceled'
  | 'skipped'
  | 'ignored'
  | 'manual'
  | 'scheduled'
  | 'running'
  | 'created';

/** Composite status of a set of jobs; only success, failed, canceled and skipped are complete. */
export type CompositeStatus = 'success' | 'failed' | 'canceled' | 'skipped' | 'manual' | 'scheduled' | 'running' | 'created';

export interface StatusInput {
  status: JobStatus;
  allowFailure: AllowFailure;
  /** The job failed with a failure its allow_failure covers (incl. a listed exit code). */
  allowedToFail: boolean;
}

/** A manual job is optional ("ignored" while not played) only with `allow_failure: true` (§5.7). */
export function isOptionalManual(job: { allowFailure: AllowFailure }): boolean {
  return job.allowFailure === true;
}

function contribution(job: StatusInput): Contribution {
  switch (job.status) {
    case 'success':
      return 'success';
    case 'failed':
      return job.allowedToFail ? 'success_with_warnings' : 'failed';
    case 'canceled':
      return job.allowFailure === true ? 'success_with_warnings' : 'canceled';
    case 'skipped':
      return 'skipped';
    case 'manual':
      return isOptionalManual(job) ? 'ignored' : 'manual';
    case 'scheduled':
      return 'scheduled';
    case 'running':
    case 'pending':
      return 'running';
    case 'created':
      return 'created';
  }
}

/**
 * Composite status in GitLab's order of checks. With `dag`, any skipped or ignored need makes the
 * result `skipped` first (a DAG job does not run when one of its needs does not run at all).
 */
export function compositeStatus(jobs: readonly StatusInput[], dag: boolean): CompositeStatus {
  if (jobs.length === 0) return 'success';
  const set = new Set(jobs.map(contribution));
  const only = (...allowed: Contribution[]) => [...set].every((s) => allowed.includes(s));
  if (dag && (set.has('skipped') || set.has('ignored'))) return 'skipped';
  if (only('skipped', 'ignored')) return 'skipped';
  if (only('success', 'skipped', 'success_with_warnings', 'ignored')) return 'success';
  if (only('created', 'success_with_warnings', 'ignored')) return 'created';
  if (only('canceled', 'success', 'skipped', 'success_with_warnings', 'ignored')) return 'canceled';
  if (set.has('running')) return 'running';
  if (set.has('manual')) return 'manual';
  if (set.has('scheduled')) return 'scheduled';
  if (set.has('created')) return 'running';
  return 'failed';
}

export type Decision =
  | { kind: 'wait' }
  | { kind: 'run' }
  | { kind: 'manual' }
  | { kind: 'delay' }
  | { kind: 'skip'; reason: string };

function skipReasonFor(when: JobWhen, prerequisites: CompositeStatus, dag: boolean): string {
  const source = dag ? 'a needed job' : 'a job in an earlier stage';
  if (prerequisites === 'canceled') return `${source} was canceled`;
  if (when === 'on_failure') return `when: on_failure and no ${dag ? 'needed job' : 'earlier job'} failed`;
  if (prerequisites === 'failed') return `${source} failed`;
  return `${source} was skipped or is a manual job that was not played`;
}

/** The §8.2 decision table: what a `created` job does once its prerequisite status is known. */
export function decide(when: JobWhen, prerequisites: CompositeStatus, dag: boolean): Decision {
  if (!['success', 'failed', 'canceled', 'skipped'].includes(prerequisites)) return { kind: 'wait' };
  const succeeded = prerequisites === 'success' || (prerequisites === 'skipped' && !dag);
  let runs: boolean;
  switch (when) {
    case 'on_success':
    case 'manual':
    case 'delayed':
      runs = succeeded;
      break;
    case 'on_failure':
      runs = prerequisites === 'failed';
      break;
    case 'always':
      runs = prerequisites !== 'canceled';
      break;
  }
  if (!runs) return { kind: 'skip', reason: skipReasonFor(when, prerequisites, dag) };
  if (when === 'manual') return { kind: 'manual' };
  if (when === 'delayed') return { kind: 'delay' };
  return { kind: 'run' };
}

/** Pipeline status at the end of a run: the composite of all jobs (§8.2 "Pipeline status"). */
export function pipelineStatus(jobs: readonly StatusInput[]): PipelineStatus {
  const status = compositeStatus(jobs, false);
  switch (status) {
    case 'success':
    case 'failed':
    case 'canceled':
    case 'skipped':
    case 'manual':
      return status;
    default:
      // Jobs left waiting at the end of a run are blocked behind a manual job.
      return 'manual';
  }
}
