// What every runner API call shares (runner-behavior.md §8.1): the base URL rule, User-Agent,
// X-Request-Id, JSON encoding, retries, `onResponse` for metrics, and turning "no answer" into a
// RunnerApiError whose message carries no token.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { arch, platform } from 'node:os';
import type { Readable } from 'node:stream';
import { readTlsFiles } from '../runner-tls.js';
import type { RemoteJobState, RunnerApiOptions } from './runner-api.js';
import { RunnerApiError, TransportError } from './errors.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import { openStream, sendRequest, type HttpResponse, type HttpStreamResponse } from './transport.js';

/** Ordinary calls; jobs/request and uploads pass their own (GitLab Runner: 60 min for long polling). */
export const DEFAULT_TIMEOUT_MS = 60_000;
export const LONG_TIMEOUT_MS = 60 * 60 * 1000;

/** `url` → `<url without trailing / and /ci>/api/v4/` (network/client.go). */
export function apiBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RunnerApiError('RUNNER_API_URL', 'url', `invalid GitLab URL ${JSON.stringify(url)}`, { hint: 'use the https:// address of the GitLab instance' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RunnerApiError('RUNNER_API_URL', 'url', `unsupported GitLab URL scheme ${parsed.protocol} (only http and https)`);
  }
  let path = parsed.pathname.replace(/\/+$/, '');
  if (path.endsWith('/ci')) path = path.slice(0, -3);
  parsed.pathname = `${path.replace(/\/+$/, '')}/api/v4/`;
  parsed.search = '';
  parsed.hash = '';
  return parsed;
}

export interface CallOptions {
  endpoint: string;
  method: string;
  /** Relative to the API base (`runners/verify`), may carry a query. */
  path: string;
  headers?: Record<string, string>;
  json?: unknown;
  body?: Buffer | Readable;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Streamed bodies cannot be sent twice. */
  retry?: boolean;
  /** Tokens of this call, hidden from error messages. */
  secrets: string[];
}

export interface HttpCaller {
  call(options: CallOptions): Promise<HttpResponse>;
  stream(options: CallOptions): Promise<HttpStreamResponse>;
  /** Remembers the runner version from `info`, for the default User-Agent. */
  noteVersion(version: string): void;
}

export function createHttpCaller(options: RunnerApiOptions): HttpCaller {
  const base = apiBaseUrl(options.url);
  const tls = readTlsFiles(options.tls ?? {});
  const hasTls = tls.ca !== undefined || tls.cert !== undefined;
  const policy: RetryPolicy = options.retry ?? DEFAULT_RETRY;
  let version = 'unknown';
  const userAgent = (): string => options.userAgent ?? `gitlab-runner ${version} (glci; node ${process.version}; ${platform()}/${goArch()})`;

  const prepare = (call: CallOptions) => {
    const headers: Record<string, string> = { 'User-Agent': userAgent(), 'X-Request-Id': randomUUID().replace(/-/g, ''), ...call.headers };
    let body = call.body;
    if (call.json !== undefined) {
      body = Buffer.from(JSON.stringify(call.json));
      headers['Content-Type'] = 'application/json';
      headers.Accept = 'application/json';
    }
    if (Buffer.isBuffer(body)) headers['Content-Length'] = String(body.length);
    return {
      method: call.method,
      url: new URL(call.path, base),
      headers,
      timeoutMs: call.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(body !== undefined ? { body } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
      ...(hasTls ? { tls } : {}),
    };
  };
  const retrying = <T extends { status: number; headers: IncomingHttpHeaders }>(call: CallOptions, send: () => Promise<T>, drain?: (t: T) => void): Promise<T> => {
    const effective = call.retry === false ? { ...policy, attempts: 1 } : policy;
    const observed = async (): Promise<T> => {
      const answer = await send();
      options.onResponse?.(call.endpoint, answer.status);
      return answer;
    };
    return withRetry(effective, observed, call.signal ? { signal: call.signal } : {}, drain).catch((err: unknown) => {
      throw toApiError(call, err);
    });
  };
  return {
    call: (call) => retrying(call, () => sendRequest(prepare(call))),
    stream: (call) => retrying(call, () => openStream(prepare(call)), (answer) => answer.body.resume()),
    noteVersion: (v) => {
      version = v;
    },
  };
}

function toApiError(call: CallOptions, err: unknown): unknown {
  if (!(err instanceof TransportError)) return err;
  const code = err.reason === 'aborted' ? 'RUNNER_API_ABORTED' : 'RUNNER_API_UNREACHABLE';
  const hint = err.reason === 'certificate'
    ? "for a GitLab behind a private CA, set tls-ca-file in the [[runners]] entry (glci runner register --tls-ca-file) or put the CA in certs/<host>.crt beside config.toml; a client certificate GitLab asks for goes in tls-cert-file and tls-key-file"
    : 'check the runner url and that GitLab is reachable from this machine';
  return new RunnerApiError(code, call.endpoint, `${call.endpoint}: ${err.message}`, {
    cause: err,
    secrets: call.secrets,
    ...(code === 'RUNNER_API_UNREACHABLE' ? { hint } : {}),
  });
}

/** An answer GitLab was not expected to give this call. */
export function statusError(call: Pick<CallOptions, 'endpoint' | 'secrets'>, res: HttpResponse, hint?: string): RunnerApiError {
  const text = res.body.toString('utf8').slice(0, 300).trim();
  return new RunnerApiError('RUNNER_API_STATUS', call.endpoint, `${call.endpoint}: GitLab answered ${res.status}${text ? `: ${text}` : ''}`, {
    status: res.status,
    secrets: call.secrets,
    ...(hint ? { hint } : {}),
  });
}

/** `Job-Status` and `X-GitLab-Trace-Update-Interval` of a job-scoped answer. */
export function remoteJobState(headers: IncomingHttpHeaders): RemoteJobState {
  const status = single(headers['job-status']) ?? '';
  const interval = Number(single(headers['x-gitlab-trace-update-interval']));
  const state: RemoteJobState = { jobStatus: status.trim() };
  if (Number.isFinite(interval) && interval > 0) state.updateIntervalSeconds = interval;
  return state;
}

export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Job-Status failed/canceled: GitLab gave the job up (network/remote_job_state_response.go). */
export function isRemoteFailed(state: RemoteJobState): boolean {
  return state.jobStatus === 'failed' || state.jobStatus === 'canceled';
}

/** Go's GOARCH names for Node's `os.arch()`. */
function goArch(): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' };
  return names[arch()] ?? arch();
}

export function parseJson(call: Pick<CallOptions, 'endpoint' | 'secrets'>, res: HttpResponse): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(res.body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new RunnerApiError('RUNNER_API_RESPONSE', call.endpoint, `${call.endpoint}: GitLab's ${res.status} answer is not a JSON object`, { status: res.status, secrets: call.secrets });
}
