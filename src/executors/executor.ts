// The executor contract: where a job runs. Executors only run script text, copy files and clean up;
// what to run is decided by script/ and the engine. Every executor (shell, docker, kubernetes) passes
// the same contract suite (test/executors/contract.ts).
import type { Readable } from 'node:stream';
import type { JobProgress } from '../model/events.js';
import type { JobVariable, PlannedJob } from '../model/plan.js';

/** A step's script, already generated for the executor's shell. */
export interface ScriptStep {
  /** GitLab Runner stage name: `step_script`, `after_script`, ... */
  name: string;
  /** Complete shell script text, fed to the shell on stdin. */
  script: string;
  /** Kill the step after this many milliseconds (the engine turns that into job_execution_timeout). */
  timeoutMs?: number;
}

/** Where a job's output goes. Masking is applied downstream of this, once, on the byte stream. */
export interface JobIO {
  /** Raw output bytes of the job (stdout and stderr interleaved as produced). */
  output(chunk: Uint8Array): void;
  /** Structured progress of a long step (image pulls), besides the lines written to `output`. */
  progress?(progress: JobProgress): void;
}

export interface StepOutcome {
  /** The script's exit code; a failing script is a result, not a throw. */
  exitCode: number;
  /** True when the step was stopped because its timeout elapsed. */
  timedOut: boolean;
  /** True when the step was stopped because the signal aborted. */
  canceled: boolean;
}

/** An interactive shell in a job's environment (`glci run --shell-on-failure`). */
export interface ShellOptions {
  /** The job's effective variables (the runner's own included), exported as the job's scripts export them. */
  variables: JobVariable[];
  /** The user's terminal: the shell owns it until it exits. */
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** Abort = end the shell (a forced cancel). */
  signal?: AbortSignal;
}

export interface JobEnvironment {
  /** Absolute path of the project directory as the job sees it (CI_PROJECT_DIR). */
  readonly projectDir: string;
  /** Absolute path of the builds root as the job sees it (CI_BUILDS_DIR). */
  readonly buildsDir: string;
  /** Absolute path, as the job sees it, of the job's temporary directory (the runner's `<project dir>.tmp`,
   *  RUNNER_TEMP_PROJECT_DIR): file-type variables and GITLAB_ENV are written there. Removed by cleanup. */
  readonly tmpDir: string;
  /** Delivers the project into the environment (the get_sources stage) when the executor does that itself
   *  instead of through a script; writes GitLab Runner's lines to the job output. Throws ExecutorError. */
  getSources?(signal: AbortSignal): Promise<void>;
  /** Runs one step to completion, timeout or cancel. Throws only for executor failures. */
  run(step: ScriptStep, signal: AbortSignal): Promise<StepOutcome>;
  /** Extracts a tar stream into `to` (relative to projectDir, or absolute inside the environment). */
  copyIn(tar: Readable, to: string): Promise<void>;
  /** A tar stream of the given paths (relative to projectDir; files and directories, recursively).
   *  Paths that do not exist are skipped; a path outside projectDir is an ExecutorError. */
  copyOut(paths: string[]): Promise<Readable>;
  /** Opens an interactive shell in the environment as the job left it (in projectDir, with the job's
   *  variables) and resolves with its exit code once the user leaves it; only before cleanup. */
  openShell?(options: ShellOptions): Promise<number>;
  /** Removes everything prepare created. Idempotent; called on success, failure and cancel. */
  cleanup(): Promise<void>;
}

export interface PrepareOptions {
  /** Absolute path of the user's project (source of the checkout copy). */
  sourceDir: string;
  /** Absolute path of glci's state directory for this project (builds, caches, artifacts). */
  stateDir: string;
  /** Unique id of this pipeline run, used to name per-run resources. */
  pipelineId: number;
  /** 1-based job id within the run. */
  jobId: number;
}

export interface Executor {
  /** Short name shown to users: `shell`, `docker`, `kubernetes`. */
  readonly name: string;
  /** Creates the job's environment (build dir, containers, pod). Throws ExecutorError on failure. */
  prepare(job: PlannedJob, options: PrepareOptions, io: JobIO, signal: AbortSignal): Promise<JobEnvironment>;
}
