// The data of the coordinator double: runners, the job queue and what each job received, with the
// defaults an enqueued job payload gets (GitLab's `jobs/request` 201 body, runner-behavior.md §8.4).
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { JobPayload, PayloadDependency, PayloadGitInfo, PayloadJobInfo } from '../../../src/model/job-payload.js';

export type Endpoint =
  | 'register_runner'
  | 'verify_runner'
  | 'unregister_runner'
  | 'unregister_runner_manager'
  | 'reset_token'
  | 'request_job'
  | 'patch_trace'
  | 'update_job'
  | 'upload_artifacts'
  | 'download_artifacts';

export type FaultResponse = { status: number; headers?: Record<string, string>; body?: string } | 'drop' | { delayMs: number };

export interface Fault {
  endpoint: Endpoint;
  response: FaultResponse;
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

export interface RecordedRequest {
  endpoint: Endpoint | undefined;
  method: string;
  /** Path with query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body, when it was JSON. */
  json: Record<string, unknown> | undefined;
  bytes: number;
  /** What answered it: a `failNext` fault, or the double's own logic. */
  faulted: boolean;
}

/** One `PUT /jobs/:id` as received, and the status the double answered. */
export interface RecordedUpdate {
  state: string;
  failure_reason?: string;
  exit_code?: number;
  checksum?: string;
  output?: { checksum?: string; bytesize?: number };
  token?: string;
  info?: Record<string, unknown>;
  status: number;
}

export interface StoredArtifact {
  type: string;
  format: string;
  filename: string;
  expireIn: string | undefined;
  body: Buffer;
}

export type JobState = 'pending' | 'running' | 'canceling' | 'canceled' | 'success' | 'failed';

export interface JobRecord {
  id: number;
  payload: JobPayload;
  trace: Buffer;
  updates: RecordedUpdate[];
  state: JobState;
  artifacts: StoredArtifact[];
  /** The runner that took it, and the `info.features` it advertised on jobs/request. */
  runnerToken?: string;
  features?: Record<string, boolean>;
  /** Final updates answered 200 (a correct runner: exactly 1). */
  finalAccepted: number;
  /** Final updates received after the job was already finished (answered 403). */
  finalAfterFinish: number;
  /** 202 answers still to give before the final update is taken. */
  acceptPending: number;
}

export interface RunnerRecord {
  id: number;
  token: string;
  tokenExpiresAt: string | null;
  /** `glrtr-` token of a legacy (registration token) registration. */
  legacy: boolean;
  systemIds: Set<string>;
  registration?: Record<string, unknown>;
}

/** A payload without id and token; every field optional (defaults below), dependency tokens too. */
export interface EnqueueInput
  extends Partial<Pick<JobPayload, 'allow_git_fetch' | 'variables' | 'steps' | 'image' | 'services' | 'artifacts' | 'cache' | 'credentials' | 'features' | 'hooks'>> {
  job_info?: Partial<PayloadJobInfo>;
  git_info?: Partial<PayloadGitInfo>;
  runner_info?: Partial<JobPayload['runner_info']>;
  dependencies?: Array<Omit<PayloadDependency, 'token'> & { token?: string }>;
  [extra: string]: unknown;
}

export function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(15).toString('base64url')}`;
}

/** A full payload from a partial one; `JOB_TOKEN` placeholders get the job token. */
export function buildPayload(id: number, token: string, input: EnqueueInput): JobPayload {
  const fill = (value: string): string => value.split('JOB_TOKEN').join(token);
  const { dependencies, ...rest } = input;
  const payload: JobPayload = {
    allow_git_fetch: true,
    ...rest,
    id,
    token,
    job_info: { name: 'test', stage: 'test', project_id: 1, pipeline_id: 1, ...input.job_info },
    git_info: {
      repo_url: 'http://gitlab-ci-token:JOB_TOKEN@127.0.0.1/group/project.git',
      ref: 'main',
      sha: '0123456789abcdef0123456789abcdef01234567',
      ref_type: 'branch',
      depth: 0,
      ...input.git_info,
    },
    runner_info: { timeout: 3600, ...input.runner_info },
    variables: input.variables ?? [],
    steps: input.steps ?? [{ name: 'script', script: ['echo hello'], timeout: 3600, when: 'on_success', allow_failure: false }],
    features: input.features ?? {
      trace_sections: true,
      token_mask_prefixes: ['glpat-', 'glcbt-'],
      failure_reasons: ['script_failure', 'runner_system_failure', 'job_execution_timeout', 'unknown_failure'],
    },
  };
  payload.git_info.repo_url = fill(payload.git_info.repo_url);
  payload.variables = payload.variables.map((v) => ({ ...v, value: fill(v.value) }));
  if (dependencies) payload.dependencies = dependencies.map((d) => ({ ...d, token: d.token ? fill(d.token) : token }));
  return payload;
}

export interface World {
  registrationToken: string;
  registrationTokensDisabled: boolean;
  longPollMs: number;
  traceUpdateIntervalSeconds: number | undefined;
  acceptFinalAfter: number;
  maxArtifactBytes: number | undefined;
  artifactsRedirect: boolean;
  runners: Map<string, RunnerRecord>;
  jobs: Map<number, JobRecord>;
  queue: number[];
  queueVersion: number;
  nextRunnerId: number;
  nextJobId: number;
  /** Long polls waiting for the queue to change. */
  pollWaiters: Set<() => void>;
  /** waitForJobFinished callbacks. */
  finishWaiters: Set<() => void>;
}

/** The runner of a token still valid (known, not expired), or undefined. */
export function validRunner(world: World, token: string | undefined): RunnerRecord | undefined {
  if (!token) return undefined;
  const runner = world.runners.get(token);
  if (!runner) return undefined;
  if (runner.tokenExpiresAt && Date.parse(runner.tokenExpiresAt) <= Date.now()) return undefined;
  return runner;
}

export function wakeAll(waiters: Set<() => void>): void {
  for (const wake of [...waiters]) wake();
}
