// Results and events of a pipeline run. Reporters observe PipelineEvent; the engine produces them.
// Types only.
import type { Plan, PlannedJob } from './plan.js';

/** GitLab's job failure reasons (the same values in local runs and runner mode). */
export type FailureReason =
  | 'script_failure'
  | 'runner_system_failure'
  | 'job_execution_timeout'
  | 'stuck_or_timeout_failure'
  | 'unmet_prerequisites'
  | 'missing_dependency_failure'
  | 'api_failure'
  | 'unknown_failure';

export type JobStatus = 'created' | 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped' | 'manual' | 'scheduled';

export interface JobResult {
  name: string;
  stage: string;
  status: JobStatus;
  /** Failed but allowed to (`allow_failure`, incl. a listed exit code). */
  allowedToFail: boolean;
  exitCode: number | null;
  failureReason?: FailureReason;
  /** Why a job was skipped or not started. */
  skipReason?: string;
  /** Attempts made (1 + retries). */
  attempts: number;
  durationMs: number;
  /** Coverage percentage found by `coverage:`, when any. */
  coverage?: number;
  /** The job's `interruptible` (recorded for superseding runs; GitLab uses it for auto-cancel only). */
  interruptible?: boolean;
}

export type PipelineStatus = 'success' | 'failed' | 'canceled' | 'manual' | 'skipped';

export interface PipelineResult {
  status: PipelineStatus;
  jobs: JobResult[];
  durationMs: number;
}

/** Progress of a long executor step that prints little, e.g. an image pull (one event per layer change). */
export interface JobProgress {
  kind: 'pull';
  /** The image being pulled, as written. */
  image: string;
  /** Layer id, when the engine names one. */
  layer?: string;
  /** `Pulling fs layer`, `Downloading`, `Download complete`, `Pull complete`, ... */
  status: string;
  /** The engine's progress text (bytes done / total), when given. */
  detail?: string;
}

export type PipelineEvent =
  | { type: 'pipeline_start'; plan: Plan; executor: string; time: number }
  | { type: 'job_queued'; job: PlannedJob; time: number }
  /** A `when: delayed` job's `start_in` timer started; it is queued at `startsAt` unless the run is canceled first. */
  | { type: 'job_scheduled'; job: string; startsAt: number; time: number }
  | { type: 'job_start'; job: PlannedJob; attempt: number; time: number }
  | { type: 'job_output'; job: string; chunk: string; time: number }
  | { type: 'job_progress'; job: string; progress: JobProgress; time: number }
  | { type: 'job_end'; result: JobResult; time: number }
  | { type: 'pipeline_end'; result: PipelineResult; time: number };
