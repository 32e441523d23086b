// The runner API of GitLab as glci speaks it (runner-behavior.md §8): one method per endpoint, plain data
// in and out. `client.ts` implements it over HTTP (retries, User-Agent, X-Request-Id inside); tests of the
// commands and the runner loop may use fakes, the end-to-end tests the coordinator double.
import type { Readable } from 'node:stream';
import type { JobPayload } from '../../model/job-payload.js';
import type { RunnerTlsFiles } from '../runner-tls.js';

/** The `info` object of register/verify/request/update bodies. */
export interface RunnerInfo {
  name: string;
  version: string;
  revision: string;
  platform: string;
  architecture: string;
  executor?: string;
  shell?: string;
  features: Record<string, boolean>;
  config?: { gpus: string };
}

/** What GitLab answers on register and verify. */
export interface RunnerCredentials {
  id: number;
  token: string;
  /** ISO 8601, or null when the token does not expire. */
  tokenExpiresAt: string | null;
}

/** The legacy `POST /runners` body fields besides `token` and `info`. */
export interface LegacyRegistration {
  description: string;
  tagList: string[];
  runUntagged: boolean;
  locked: boolean;
  accessLevel: 'not_protected' | 'ref_protected';
  maximumTimeout?: number;
  paused: boolean;
  maintenanceNote?: string;
}

export type JobRequestResult =
  | { kind: 'job'; job: JobPayload }
  /** 204: nothing queued; `lastUpdate` is X-GitLab-Last-Update, to echo as `last_update`. */
  | { kind: 'none'; lastUpdate?: string }
  /** 403: the token is not (or no longer) valid. */
  | { kind: 'forbidden' }
  /** 409, 422, 429, 503 and the like after retries, or GitLab unreachable (status 0, `error` and `hint` say why): try again at the next interval. */
  | { kind: 'unavailable'; status: number; error?: string; hint?: string };

/** The job-scoped headers GitLab answers PATCH trace and PUT job with. */
export interface RemoteJobState {
  /** `Job-Status`: `running`, `canceling`, `canceled`, `failed`, ... (empty when absent). */
  jobStatus: string;
  /** X-GitLab-Trace-Update-Interval in seconds, when sent. */
  updateIntervalSeconds?: number;
}

export type TracePatchResult =
  | ({ kind: 'accepted' } & RemoteJobState)
  /** 416: GitLab holds `size` bytes (from `Range: 0-<size>`): continue from there. */
  | ({ kind: 'range-mismatch'; size: number } & RemoteJobState)
  /** 404: chunk not accepted; try again later. */
  | ({ kind: 'not-found' } & RemoteJobState)
  /** 403 or Job-Status failed/canceled: abort the job. */
  | ({ kind: 'aborted' } & RemoteJobState)
  | ({ kind: 'failed'; status: number } & RemoteJobState);

export interface JobUpdate {
  state: 'running' | 'success' | 'failed';
  failureReason?: string;
  exitCode?: number;
  /** `crc32:<8 hex>` and byte size of the whole trace. */
  output?: { checksum: string; bytesize: number };
}

export type JobUpdateResult =
  | ({ kind: 'ok' } & RemoteJobState)
  /** 202: accepted, not complete: send again after `updateIntervalSeconds`. */
  | ({ kind: 'accepted' } & RemoteJobState)
  /** 412: the trace failed GitLab's validation: resend it whole, then update again. */
  | ({ kind: 'trace-invalid' } & RemoteJobState)
  /** 403/404 or Job-Status failed/canceled: stop. */
  | ({ kind: 'aborted' } & RemoteJobState)
  | ({ kind: 'failed'; status: number } & RemoteJobState);

export interface ArtifactUpload {
  /** `archive`, `junit`, `dotenv`, ... */
  type: string;
  format: 'zip' | 'gzip' | 'raw';
  /** File name of the multipart part (`artifacts.zip`, `junit.xml.gz`, ...). */
  filename: string;
  expireIn?: string;
  body: Readable;
  size: number;
}

export type ArtifactUploadResult = { kind: 'ok' } | { kind: 'too-large' } | { kind: 'failed'; status: number; message: string };

export interface RunnerApi {
  /** `POST runners/verify`: 200 = valid (credentials echoed), 403 = null. */
  verify(token: string, systemId: string, info: RunnerInfo): Promise<RunnerCredentials | null>;
  /** Legacy `POST runners` with a registration token: 201 = credentials; throws RunnerApiError on 403/410. */
  register(registrationToken: string, registration: LegacyRegistration, info: RunnerInfo): Promise<RunnerCredentials>;
  /** `DELETE runners` (legacy token): true on 204. */
  unregister(token: string): Promise<boolean>;
  /** `DELETE runners/managers` (glrt- token): removes this machine's manager only; true on 204. */
  unregisterManager(token: string, systemId: string): Promise<boolean>;
  /** `POST runners/reset_authentication_token`: the new token and its expiry. */
  resetToken(token: string): Promise<{ token: string; tokenExpiresAt: string | null }>;
  /** `POST jobs/request`; may be held ~50 s by GitLab's long polling. `signal` ends the wait. */
  requestJob(token: string, systemId: string, info: RunnerInfo, lastUpdate: string | undefined, signal?: AbortSignal): Promise<JobRequestResult>;
  /** `PATCH jobs/:id/trace` with `Content-Range: start-end` (inclusive; none for an empty body). */
  patchTrace(jobId: number, jobToken: string, chunk: Uint8Array, offset: number, options?: { debugTrace?: boolean }): Promise<TracePatchResult>;
  /** `PUT jobs/:id`. */
  updateJob(jobId: number, jobToken: string, info: RunnerInfo, update: JobUpdate): Promise<JobUpdateResult>;
  /** `POST jobs/:id/artifacts` (multipart `file`, query artifact_format, artifact_type, expire_in). */
  uploadArtifact(jobId: number, jobToken: string, upload: ArtifactUpload): Promise<ArtifactUploadResult>;
  /** `GET jobs/:id/artifacts` with the dependency's token, following redirects: the archive, or null on 404. */
  downloadArtifacts(jobId: number, jobToken: string, signal?: AbortSignal): Promise<Readable | null>;
}

/** How `createRunnerApi` (client.ts) is configured. */
export interface RunnerApiOptions {
  /** The runner's `url` (trailing `/` and `/ci` are removed, `/api/v4/` added). */
  url: string;
  /** `tls-ca-file` (trusted besides the system's CAs), `tls-cert-file` and `tls-key-file`, for https. */
  tls?: RunnerTlsFiles;
  /** Default `gitlab-runner <version> (glci; node <v>; <os>/<arch>)`. */
  userAgent?: string;
  /** Observes every HTTP answer (`endpoint` as GitLab Runner's metric label: `request_job`, `patch_trace`, ...), for the metrics endpoint. */
  onResponse?: (endpoint: string, status: number) => void;
  /** Retry pauses; tests shorten them. Default 500 ms → 2 s, 5 attempts. */
  retry?: { attempts: number; minDelayMs: number; maxDelayMs: number };
}
