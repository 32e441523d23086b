// The job-scoped endpoints of the coordinator double (runner-behavior.md §8.5–8.7): trace chunks with
// GitLab's Content-Range/416 rules and Job-Status header, job updates with the checksum check (412,
// erasing the stored trace for a runner with `trace_reset`) and `acceptFinalAfter` 202s, artifact
// upload (multipart `file`) and download.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { header, sendEmpty, sendJson, sendMessage } from './http-util.js';
import { parseMultipart } from './multipart.js';
import { wakeAll, type JobRecord, type RecordedUpdate, type World } from './state.js';

export function checksumOf(data: Uint8Array): string {
  return `crc32:${(crc32(data) >>> 0).toString(16).padStart(8, '0')}`;
}

/** GitLab's Job-Status for a job in this state. */
function jobStatus(job: JobRecord): string {
  return job.state === 'pending' ? 'pending' : job.state;
}

function stateHeaders(world: World, job: JobRecord): Record<string, string> {
  const headers: Record<string, string> = { 'Job-Status': jobStatus(job) };
  if (world.traceUpdateIntervalSeconds !== undefined) headers['X-GitLab-Trace-Update-Interval'] = String(world.traceUpdateIntervalSeconds);
  return headers;
}

/** The job when JOB-TOKEN (or the PUT body's token) is its token; else the answer is sent. */
function authorizedJob(world: World, req: IncomingMessage, res: ServerResponse, id: number, bodyToken?: string): JobRecord | undefined {
  const job = world.jobs.get(id);
  if (!job) {
    sendMessage(res, 404, 'Not Found');
    return undefined;
  }
  const token = header(req, 'JOB-TOKEN') ?? bodyToken;
  if (token !== job.payload.token) {
    sendMessage(res, 403, 'Forbidden');
    return undefined;
  }
  return job;
}

function isFinished(job: JobRecord): boolean {
  return job.state === 'success' || job.state === 'failed' || job.state === 'canceled';
}

export function patchTrace(world: World, req: IncomingMessage, res: ServerResponse, id: number, body: Buffer): void {
  const job = authorizedJob(world, req, res, id);
  if (!job) return;
  if (isFinished(job)) return sendMessage(res, 403, 'Forbidden - Job is not running', { 'Job-Status': jobStatus(job) });
  const range = /^(\d+)-(\d+)$/.exec(header(req, 'Content-Range') ?? '');
  if (!range) return sendMessage(res, 400, 'Bad Request');
  const start = Number(range[1]);
  const end = Number(range[2]);
  if (start !== job.trace.length) {
    return sendEmpty(res, 416, { ...stateHeaders(world, job), Range: `0-${job.trace.length}` });
  }
  if (end - start + 1 !== body.length) return sendMessage(res, 400, 'Bad Request');
  job.trace = Buffer.concat([job.trace, body]);
  sendEmpty(res, 202, { ...stateHeaders(world, job), Range: `0-${job.trace.length}` });
}

function recordOf(body: Record<string, unknown>, status: number): RecordedUpdate {
  const record: RecordedUpdate = { state: String(body.state), status };
  if (typeof body.failure_reason === 'string') record.failure_reason = body.failure_reason;
  if (typeof body.exit_code === 'number') record.exit_code = body.exit_code;
  if (typeof body.checksum === 'string') record.checksum = body.checksum;
  if (body.output && typeof body.output === 'object') record.output = body.output as RecordedUpdate['output'];
  if (typeof body.token === 'string') record.token = body.token;
  if (body.info && typeof body.info === 'object') record.info = body.info as Record<string, unknown>;
  return record;
}

/** Status and headers of a PUT, and the job's new state. */
function decideUpdate(world: World, job: JobRecord, body: Record<string, unknown>): { status: number; finished: boolean } {
  const state = String(body.state);
  if (state !== 'success' && state !== 'failed') return { status: state === 'running' ? 200 : 400, finished: false };
  const features = job.features ?? (body.info as { features?: Record<string, boolean> } | undefined)?.features;
  const sent = (body.output as { checksum?: unknown } | undefined)?.checksum;
  if (features?.trace_checksum && typeof sent === 'string' && sent !== checksumOf(job.trace)) {
    // GitLab drops its copy when the runner can resend (`trace_reset`): the resend starts at offset 0.
    if (features.trace_reset) job.trace = Buffer.alloc(0);
    return { status: 412, finished: false };
  }
  if (job.acceptPending > 0) {
    job.acceptPending--;
    return { status: 202, finished: false };
  }
  return { status: 200, finished: true };
}

export function updateJob(world: World, req: IncomingMessage, res: ServerResponse, id: number, body: Record<string, unknown> | undefined): void {
  if (!body) return sendMessage(res, 400, 'Bad Request');
  const job = authorizedJob(world, req, res, id, typeof body.token === 'string' ? body.token : undefined);
  if (!job) return;
  if (isFinished(job)) {
    const final = body.state === 'success' || body.state === 'failed';
    if (final) job.finalAfterFinish++;
    job.updates.push(recordOf(body, 403));
    return sendMessage(res, 403, 'Forbidden - Job is not running', { 'Job-Status': jobStatus(job) });
  }
  const { status, finished } = decideUpdate(world, job, body);
  job.updates.push(recordOf(body, status));
  const headers = stateHeaders(world, job);
  if (finished) {
    job.state = body.state === 'success' ? 'success' : 'failed';
    job.finalAccepted++;
    wakeAll(world.finishWaiters);
  }
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain' });
  res.end(String(status));
}

export function uploadArtifacts(world: World, req: IncomingMessage, res: ServerResponse, id: number, url: URL, body: Buffer): void {
  const job = authorizedJob(world, req, res, id);
  if (!job) return;
  const parts = parseMultipart(header(req, 'Content-Type'), body);
  const file = parts?.find((p) => p.name === 'file');
  if (!file) return sendJson(res, 400, { error: 'file is missing' });
  if (world.maxArtifactBytes !== undefined && file.body.length > world.maxArtifactBytes) return sendMessage(res, 413, 'Request Entity Too Large');
  job.artifacts.push({
    type: url.searchParams.get('artifact_type') ?? 'archive',
    format: url.searchParams.get('artifact_format') ?? 'zip',
    filename: file.filename ?? '',
    expireIn: url.searchParams.get('expire_in') ?? undefined,
    body: file.body,
  });
  sendJson(res, 201, { id: job.id, name: job.payload.job_info.name });
}

/** GET jobs/:id/artifacts: any job token of the same project may read (GitLab's dependency download). */
export function downloadArtifacts(world: World, req: IncomingMessage, res: ServerResponse, id: number): void {
  const job = world.jobs.get(id);
  const token = header(req, 'JOB-TOKEN');
  const reader = [...world.jobs.values()].find((j) => j.payload.token === token);
  if (!reader) return sendMessage(res, 403, 'Forbidden');
  if (!job || job.payload.job_info.project_id !== reader.payload.job_info.project_id) return sendMessage(res, 404, 'Not Found');
  const archive = job.artifacts.find((a) => a.type === 'archive');
  if (!archive) return sendMessage(res, 404, 'Not Found');
  if (world.artifactsRedirect) {
    res.writeHead(302, { Location: `/_storage/jobs/${id}/artifacts`, 'Content-Length': '0' });
    return void res.end();
  }
  sendArchive(res, archive.body);
}

/** The object-storage side of a redirect: no token needed, as with a pre-signed URL. */
export function storageDownload(world: World, res: ServerResponse, id: number): void {
  const archive = world.jobs.get(id)?.artifacts.find((a) => a.type === 'archive');
  if (!archive) return sendMessage(res, 404, 'Not Found');
  sendArchive(res, archive.body);
}

function sendArchive(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) });
  res.end(body);
}
