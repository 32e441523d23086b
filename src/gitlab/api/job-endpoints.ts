// The job-scoped calls (runner-behavior.md §8.5–8.7), authenticated with the job's own token:
// trace chunks, state updates, artifact upload and download.
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { RunnerApiError } from './errors.js';
import { isRemoteFailed, LONG_TIMEOUT_MS, remoteJobState, single, statusError, type CallOptions, type HttpCaller } from './http-call.js';
import type { HttpResponse } from './transport.js';
import type { ArtifactUpload, ArtifactUploadResult, JobUpdate, JobUpdateResult, RemoteJobState, RunnerInfo, TracePatchResult } from './runner-api.js';

const NO_ANSWER: RemoteJobState = { jobStatus: '' };

/** `Range: 0-<size>` of a 416 answer → size, or undefined. */
function rangeSize(value: string | undefined): number | undefined {
  const match = /^\s*(?:bytes[ =])?0-(\d+)\s*$/.exec(value ?? '');
  return match ? Number(match[1]) : undefined;
}

/** The answer and its Job-Status headers; null when GitLab could not be reached after the retries. */
async function jobCall(http: HttpCaller, options: CallOptions): Promise<{ status: number; headers: HttpResponse['headers']; state: RemoteJobState } | null> {
  try {
    const res = await http.call(options);
    return { status: res.status, headers: res.headers, state: remoteJobState(res.headers) };
  } catch (err) {
    if (err instanceof RunnerApiError && err.code === 'RUNNER_API_UNREACHABLE') return null;
    throw err;
  }
}

export async function patchTrace(http: HttpCaller, jobId: number, jobToken: string, chunk: Uint8Array, offset: number, debugTrace: boolean): Promise<TracePatchResult> {
  const headers: Record<string, string> = { 'JOB-TOKEN': jobToken, 'Content-Type': 'text/plain' };
  // Inclusive offsets, no `bytes ` unit: what GitLab's trace endpoint parses (network/gitlab.go).
  if (chunk.length > 0) headers['Content-Range'] = `${offset}-${offset + chunk.length - 1}`;
  const res = await jobCall(http, {
    endpoint: 'patch_trace',
    secrets: [jobToken],
    method: 'PATCH',
    path: `jobs/${jobId}/trace?debug_trace=${debugTrace ? 'true' : 'false'}`,
    headers,
    body: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
  });
  if (res === null) return { kind: 'failed', status: 0, ...NO_ANSWER };
  const { state } = res;
  if (isRemoteFailed(state)) return { kind: 'aborted', ...state };
  switch (res.status) {
    case 202:
      return { kind: 'accepted', ...state };
    case 404:
      return { kind: 'not-found', ...state };
    case 416: {
      const size = rangeSize(single(res.headers.range));
      return size === undefined ? { kind: 'failed', status: 416, ...state } : { kind: 'range-mismatch', size, ...state };
    }
    case 403:
      return { kind: 'aborted', ...state };
    default:
      return { kind: 'failed', status: res.status, ...state };
  }
}

/** The UpdateJobRequest body (common/network.go): reason and exit code only when set. */
function updateBody(jobToken: string, info: RunnerInfo, update: JobUpdate): Record<string, unknown> {
  return {
    info,
    token: jobToken,
    state: update.state,
    ...(update.failureReason ? { failure_reason: update.failureReason } : {}),
    ...(update.exitCode ? { exit_code: update.exitCode } : {}),
    ...(update.output ? { checksum: update.output.checksum, output: { checksum: update.output.checksum, bytesize: update.output.bytesize } } : {}),
  };
}

export async function updateJob(http: HttpCaller, jobId: number, jobToken: string, info: RunnerInfo, update: JobUpdate): Promise<JobUpdateResult> {
  const res = await jobCall(http, {
    endpoint: 'update_job',
    secrets: [jobToken],
    method: 'PUT',
    path: `jobs/${jobId}`,
    headers: { 'JOB-TOKEN': jobToken },
    json: updateBody(jobToken, info, update),
  });
  if (res === null) return { kind: 'failed', status: 0, ...NO_ANSWER };
  const { state } = res;
  if (isRemoteFailed(state)) return { kind: 'aborted', ...state };
  switch (res.status) {
    case 200:
      return { kind: 'ok', ...state };
    case 202:
      return { kind: 'accepted', ...state };
    case 412:
      return { kind: 'trace-invalid', ...state };
    case 403:
    case 404:
      return { kind: 'aborted', ...state };
    default:
      return { kind: 'failed', status: res.status, ...state };
  }
}

/** `multipart/form-data` with one part `file`: head + the stream + tail, length known up front. */
function multipart(upload: ArtifactUpload): { body: Readable; contentType: string; length: number } {
  const boundary = `glci-${randomBytes(12).toString('hex')}`;
  const filename = upload.filename.replace(/["\r\n]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = new PassThrough();
  body.write(head);
  upload.body.on('error', (err) => body.destroy(err));
  upload.body.on('end', () => body.end(tail));
  upload.body.pipe(body, { end: false });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, length: head.length + upload.size + tail.length };
}

export async function uploadArtifact(http: HttpCaller, jobId: number, jobToken: string, upload: ArtifactUpload): Promise<ArtifactUploadResult> {
  const query = new URLSearchParams({ artifact_format: upload.format, artifact_type: upload.type });
  if (upload.expireIn) query.set('expire_in', upload.expireIn);
  const part = multipart(upload);
  let res;
  try {
    res = await http.call({
      endpoint: 'upload_artifacts',
      secrets: [jobToken],
      method: 'POST',
      path: `jobs/${jobId}/artifacts?${query.toString()}`,
      headers: { 'JOB-TOKEN': jobToken, 'Content-Type': part.contentType, 'Content-Length': String(part.length) },
      body: part.body,
      timeoutMs: LONG_TIMEOUT_MS,
      // The archive stream is consumed by the first attempt; the uploader retries with a fresh one.
      retry: false,
    });
  } catch (err) {
    if (err instanceof RunnerApiError && err.code === 'RUNNER_API_UNREACHABLE') return { kind: 'failed', status: 0, message: err.message };
    throw err;
  }
  if (res.status === 201) return { kind: 'ok' };
  if (res.status === 413) return { kind: 'too-large' };
  return { kind: 'failed', status: res.status, message: statusError({ endpoint: 'upload_artifacts', secrets: [jobToken] }, res).message };
}

export async function downloadArtifacts(http: HttpCaller, jobId: number, jobToken: string, signal?: AbortSignal): Promise<Readable | null> {
  const call = { endpoint: 'download_artifacts', secrets: [jobToken] };
  const res = await http.stream({
    ...call,
    method: 'GET',
    path: `jobs/${jobId}/artifacts`,
    headers: { 'JOB-TOKEN': jobToken },
    timeoutMs: LONG_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
  });
  if (res.status === 200) return res.body;
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  if (res.status === 404) return null;
  throw statusError(call, { status: res.status, headers: res.headers, body: Buffer.concat(chunks) }, res.status === 403 ? 'the dependency job token was refused' : undefined);
}
