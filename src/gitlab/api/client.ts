// `createRunnerApi`: the RunnerApi contract (runner-api.ts) over HTTP, request and answer shapes as
// GitLab Runner's network/gitlab.go sends and reads them (runner-behavior.md §8.1–8.7). Runner-scoped
// calls carry the token twice, as `RUNNER-TOKEN` and as `token` in the body; job-scoped calls carry
// `JOB-TOKEN` (and `token` in the PUT body).
import type { JobPayload } from '../../model/job-payload.js';
import { RunnerApiError } from './errors.js';
import { createHttpCaller, LONG_TIMEOUT_MS, parseJson, single, statusError, type HttpCaller } from './http-call.js';
import { downloadArtifacts, patchTrace, updateJob, uploadArtifact } from './job-endpoints.js';
import type {
  JobRequestResult,
  LegacyRegistration,
  RunnerApi,
  RunnerApiOptions,
  RunnerCredentials,
  RunnerInfo,
} from './runner-api.js';

export function createRunnerApi(options: RunnerApiOptions): RunnerApi {
  const http = createHttpCaller(options);
  return {
    verify: (token, systemId, info) => verify(http, token, systemId, info),
    register: (registrationToken, registration, info) => register(http, registrationToken, registration, info),
    unregister: (token) => deleteCall(http, 'unregister_runner', 'runners', token, { token }),
    unregisterManager: (token, systemId) => deleteCall(http, 'unregister_runner_manager', 'runners/managers', token, { token, system_id: systemId }),
    resetToken: (token) => resetToken(http, token),
    requestJob: (token, systemId, info, lastUpdate, signal) => requestJob(http, { token, systemId, info, lastUpdate, signal }),
    patchTrace: (jobId, jobToken, chunk, offset, opts) => patchTrace(http, jobId, jobToken, chunk, offset, opts?.debugTrace ?? false),
    updateJob: (jobId, jobToken, info, update) => {
      http.noteVersion(info.version);
      return updateJob(http, jobId, jobToken, info, update);
    },
    uploadArtifact: (jobId, jobToken, upload) => uploadArtifact(http, jobId, jobToken, upload),
    downloadArtifacts: (jobId, jobToken, signal) => downloadArtifacts(http, jobId, jobToken, signal),
  };
}

function credentials(endpoint: string, body: Record<string, unknown>, secrets: string[]): RunnerCredentials {
  const { id, token } = body;
  const expires = body.token_expires_at;
  if (typeof id !== 'number' || typeof token !== 'string') {
    throw new RunnerApiError('RUNNER_API_RESPONSE', endpoint, `${endpoint}: GitLab's answer has no id and token`, { secrets });
  }
  return { id, token, tokenExpiresAt: typeof expires === 'string' && expires !== '' ? expires : null };
}

async function verify(http: HttpCaller, token: string, systemId: string, info: RunnerInfo): Promise<RunnerCredentials | null> {
  http.noteVersion(info.version);
  const call = { endpoint: 'verify_runner', secrets: [token] };
  const res = await http.call({ ...call, method: 'POST', path: 'runners/verify', headers: { 'RUNNER-TOKEN': token }, json: { info, token, system_id: systemId } });
  if (res.status === 403) return null;
  if (res.status !== 200) throw statusError(call, res);
  // GitLab before 15.x answers a plain-text 200 without the credentials: the token is valid, id unknown.
  let body: Record<string, unknown>;
  try {
    body = parseJson(call, res);
  } catch {
    return { id: 0, token, tokenExpiresAt: null };
  }
  if (typeof body.token !== 'string') body.token = token;
  if (typeof body.id !== 'number') body.id = 0;
  return credentials(call.endpoint, body, call.secrets);
}

/** The legacy RegisterRunnerRequest body (common/network.go): tags comma-joined, optional fields left out. */
function registerBody(registrationToken: string, r: LegacyRegistration, info: RunnerInfo): Record<string, unknown> {
  return {
    description: r.description,
    tag_list: r.tagList.join(','),
    run_untagged: r.runUntagged,
    locked: r.locked,
    access_level: r.accessLevel,
    ...(r.maximumTimeout !== undefined && r.maximumTimeout > 0 ? { maximum_timeout: r.maximumTimeout } : {}),
    paused: r.paused,
    ...(r.maintenanceNote ? { maintenance_note: r.maintenanceNote } : {}),
    info,
    token: registrationToken,
  };
}

async function register(http: HttpCaller, registrationToken: string, registration: LegacyRegistration, info: RunnerInfo): Promise<RunnerCredentials> {
  http.noteVersion(info.version);
  const call = { endpoint: 'register_runner', secrets: [registrationToken] };
  const res = await http.call({
    ...call,
    method: 'POST',
    path: 'runners',
    headers: { 'RUNNER-TOKEN': registrationToken },
    json: registerBody(registrationToken, registration, info),
  });
  if (res.status === 201) {
    const creds = credentials(call.endpoint, parseJson(call, res), call.secrets);
    return creds;
  }
  if (res.status === 403) {
    throw new RunnerApiError('RUNNER_TOKEN_FORBIDDEN', call.endpoint, 'Registering runner... forbidden (check registration token)', {
      status: 403,
      hint: 'copy the registration token again from the project, group or instance CI/CD settings',
    });
  }
  if (res.status === 410) {
    throw new RunnerApiError('RUNNER_REGISTRATION_DISABLED', call.endpoint, 'Registering runner... failed: registration tokens are disabled on this GitLab (410 Gone)', {
      status: 410,
      hint: 'create the runner in GitLab (Settings > CI/CD > Runners, or POST /user/runners) and register with its glrt- token',
    });
  }
  throw statusError(call, res);
}

async function deleteCall(http: HttpCaller, endpoint: string, path: string, token: string, json: Record<string, string>): Promise<boolean> {
  const res = await http.call({ endpoint, secrets: [token], method: 'DELETE', path, headers: { 'RUNNER-TOKEN': token }, json });
  return res.status === 204;
}

async function resetToken(http: HttpCaller, token: string): Promise<{ token: string; tokenExpiresAt: string | null }> {
  const call = { endpoint: 'reset_token', secrets: [token] };
  const res = await http.call({ ...call, method: 'POST', path: 'runners/reset_authentication_token', headers: { 'RUNNER-TOKEN': token }, json: { token } });
  if (res.status === 403) {
    throw new RunnerApiError('RUNNER_TOKEN_FORBIDDEN', call.endpoint, 'resetting the runner token: forbidden (token not valid)', { status: 403 });
  }
  if (res.status !== 201) throw statusError(call, res);
  const body = parseJson(call, res);
  if (typeof body.token !== 'string') {
    throw new RunnerApiError('RUNNER_API_RESPONSE', call.endpoint, `${call.endpoint}: GitLab's answer has no token`);
  }
  const expires = body.token_expires_at;
  return { token: body.token, tokenExpiresAt: typeof expires === 'string' && expires !== '' ? expires : null };
}

interface JobRequest {
  token: string;
  systemId: string;
  info: RunnerInfo;
  lastUpdate: string | undefined;
  signal: AbortSignal | undefined;
}

async function requestJob(http: HttpCaller, r: JobRequest): Promise<JobRequestResult> {
  http.noteVersion(r.info.version);
  const call = { endpoint: 'request_job', secrets: [r.token] };
  const json = { info: r.info, token: r.token, system_id: r.systemId, ...(r.lastUpdate ? { last_update: r.lastUpdate } : {}) };
  let res;
  try {
    res = await http.call({
      ...call,
      method: 'POST',
      path: 'jobs/request',
      headers: { 'RUNNER-TOKEN': r.token },
      json,
      // Workhorse holds the request (long polling) for up to its configured duration, ~50 s.
      timeoutMs: LONG_TIMEOUT_MS,
      ...(r.signal ? { signal: r.signal } : {}),
    });
  } catch (err) {
    if (err instanceof RunnerApiError && err.code === 'RUNNER_API_UNREACHABLE') return { kind: 'unavailable', status: 0, error: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    throw err;
  }
  if (res.status === 201) return { kind: 'job', job: parseJson(call, res) as unknown as JobPayload };
  if (res.status === 204) {
    const lastUpdate = single(res.headers['x-gitlab-last-update']);
    return lastUpdate ? { kind: 'none', lastUpdate } : { kind: 'none' };
  }
  if (res.status === 403) return { kind: 'forbidden' };
  return { kind: 'unavailable', status: res.status };
}
