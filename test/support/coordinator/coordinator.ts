// A stand-in GitLab for runner mode, on 127.0.0.1: the runner API of runner-behavior.md §8 with
// GitLab's status codes, headers and JSON, plus what tests need to drive and inspect it (enqueue jobs,
// cancel them, inject faults, read every request, wait for a job's final update). Other helpers mount
// more routes (git over HTTP) through `extraRoutes`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { header, jsonObject, readBody, sendMessage } from './http-util.js';
import { downloadArtifacts, patchTrace, storageDownload, updateJob, uploadArtifacts } from './job-routes.js';
import { register, requestJob, resetToken, unregister, unregisterManager, verify } from './runner-routes.js';
import {
  buildPayload,
  randomToken,
  wakeAll,
  type EnqueueInput,
  type Endpoint,
  type Fault,
  type JobRecord,
  type RecordedRequest,
  type World,
} from './state.js';

export type { EnqueueInput, Endpoint, Fault, FaultResponse, JobRecord, JobState, RecordedRequest, RecordedUpdate, StoredArtifact } from './state.js';
export { checksumOf } from './job-routes.js';

export interface CoordinatorOptions {
  /** The legacy registration token `POST /runners` accepts (default: a random `GR1348941…`). */
  registrationToken?: string;
  /** Answer `POST /runners` with 410 Gone, as GitLab with registration tokens disabled does. */
  registrationTokensDisabled?: boolean;
  /** Hold jobs/request up to this long when `last_update` is current (Workhorse long polling); 0 = answer at once. */
  longPollMs?: number;
  /** Sent as X-GitLab-Trace-Update-Interval on trace and update answers (seconds). */
  traceUpdateIntervalSeconds?: number;
  /** Answer 202 to this many final updates of each job before taking one (200). */
  acceptFinalAfter?: number;
  /** Artifact uploads larger than this get 413. */
  maxArtifactBytes?: number;
  /** GET jobs/:id/artifacts answers 302 to a token-free storage URL on the same server. */
  artifactsRedirect?: boolean;
  /** Tried first for every request; return true when it answered. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Serve https with this certificate; with `clientCa`, only to clients showing a certificate it signed (mutual TLS). */
  tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer };
}

export interface Coordinator {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`; no trailing slash): the runner's `url`. */
  url: string;
  registrationToken: string;
  close(): Promise<void>;
  /** A runner created in the UI/API: its `glrt-` authentication token. */
  createRunner(options?: { tokenExpiresAt?: string | null }): string;
  /** Queues a job; returns its id. The job token is `glcbt-…`; `JOB_TOKEN` placeholders are filled. */
  enqueue(payload: EnqueueInput): number;
  jobs: Map<number, JobRecord>;
  /** Graceful: Job-Status canceling; else canceled (the runner must abort). */
  cancel(id: number, options: { graceful: boolean }): void;
  failNext(fault: Fault): void;
  requests: RecordedRequest[];
  /** Requests to one endpoint (every attempt, faulted ones included). */
  requestsTo(endpoint: Endpoint): RecordedRequest[];
  /** Resolves when the job's final update was taken (200). */
  waitForJobFinished(id: number, timeoutMs: number): Promise<JobRecord>;
}

interface Route {
  endpoint: Endpoint;
  handle: (req: IncomingMessage, res: ServerResponse, body: Buffer, url: URL, id: number) => void | Promise<void>;
}

function route(world: World, method: string, path: string): Route | undefined {
  const json = (fn: (w: World, req: IncomingMessage, res: ServerResponse, body: Record<string, unknown> | undefined) => void | Promise<void>) =>
    (req: IncomingMessage, res: ServerResponse, body: Buffer) => fn(world, req, res, jsonObject(body));
  const table: Record<string, Route> = {
    'POST /api/v4/runners': { endpoint: 'register_runner', handle: json(register) },
    'POST /api/v4/runners/verify': { endpoint: 'verify_runner', handle: json(verify) },
    'DELETE /api/v4/runners': { endpoint: 'unregister_runner', handle: json(unregister) },
    'DELETE /api/v4/runners/managers': { endpoint: 'unregister_runner_manager', handle: json(unregisterManager) },
    'POST /api/v4/runners/reset_authentication_token': { endpoint: 'reset_token', handle: json(resetToken) },
    'POST /api/v4/jobs/request': { endpoint: 'request_job', handle: json(requestJob) },
  };
  const fixed = table[`${method} ${path}`];
  if (fixed) return fixed;
  const job = /^\/api\/v4\/jobs\/(\d+)(\/trace|\/artifacts)?$/.exec(path);
  if (!job) return undefined;
  const kind = `${method} ${job[2] ?? ''}`;
  const jobRoutes: Record<string, Route> = {
    'PATCH /trace': { endpoint: 'patch_trace', handle: (req, res, body, _u, id) => patchTrace(world, req, res, id, body) },
    'PUT ': { endpoint: 'update_job', handle: (req, res, body, _u, id) => updateJob(world, req, res, id, jsonObject(body)) },
    'POST /artifacts': { endpoint: 'upload_artifacts', handle: (req, res, body, url, id) => uploadArtifacts(world, req, res, id, url, body) },
    'GET /artifacts': { endpoint: 'download_artifacts', handle: (req, res, _b, _u, id) => downloadArtifacts(world, req, res, id) },
  };
  return jobRoutes[kind];
}

export async function startCoordinator(options: CoordinatorOptions = {}): Promise<Coordinator> {
  const world: World = {
    registrationToken: options.registrationToken ?? randomToken('GR1348941'),
    registrationTokensDisabled: options.registrationTokensDisabled ?? false,
    longPollMs: options.longPollMs ?? 0,
    traceUpdateIntervalSeconds: options.traceUpdateIntervalSeconds,
    acceptFinalAfter: options.acceptFinalAfter ?? 0,
    maxArtifactBytes: options.maxArtifactBytes,
    artifactsRedirect: options.artifactsRedirect ?? false,
    runners: new Map(),
    jobs: new Map(),
    queue: [],
    queueVersion: 1,
    nextRunnerId: 4711,
    nextJobId: 1001,
    pollWaiters: new Set(),
    finishWaiters: new Set(),
  };
  const faults: Array<Fault & { left: number }> = [];
  const requests: RecordedRequest[] = [];

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void serve(req, res).catch(() => {
      if (!res.headersSent) sendMessage(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  };
  const tls = options.tls;
  const server = tls
    ? createTlsServer({ cert: tls.cert, key: tls.key, ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) }, handler)
    : createServer(handler);
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (options.extraRoutes?.(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const storage = /^\/_storage\/jobs\/(\d+)\/artifacts$/.exec(url.pathname);
    if (storage && method === 'GET') return storageDownload(world, res, Number(storage[1]));
    const body = await readBody(req);
    const found = route(world, method, url.pathname);
    const fault = found ? takeFault(faults, found.endpoint) : undefined;
    const delay = typeof fault === 'object' && 'delayMs' in fault ? fault.delayMs : undefined;
    requests.push(recordRequest(req, url, found?.endpoint, body, fault !== undefined && delay === undefined));
    if (!found) return sendMessage(res, 404, 'Not Found');
    if (fault === 'drop') return void req.socket.destroy();
    if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));
    else if (typeof fault === 'object' && 'status' in fault) return answerFault(res, fault);
    const id = Number(/\/jobs\/(\d+)/.exec(url.pathname)?.[1] ?? 0);
    await found.handle(req, res, body, url, id);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return coordinatorApi(world, server, `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, faults, requests);
}

function takeFault(faults: Array<Fault & { left: number }>, endpoint: Endpoint): Fault['response'] | undefined {
  const index = faults.findIndex((f) => f.endpoint === endpoint && f.left > 0);
  if (index < 0) return undefined;
  const fault = faults[index] as Fault & { left: number };
  fault.left--;
  if (fault.left === 0) faults.splice(index, 1);
  return fault.response;
}

function answerFault(res: ServerResponse, fault: { status: number; headers?: Record<string, string>; body?: string }): void {
  const body = Buffer.from(fault.body ?? JSON.stringify({ message: `${fault.status}` }));
  res.writeHead(fault.status, { 'Content-Type': 'application/json', ...fault.headers, 'Content-Length': String(body.length) });
  res.end(body);
}

function recordRequest(req: IncomingMessage, url: URL, endpoint: Endpoint | undefined, body: Buffer, faulted: boolean): RecordedRequest {
  const isJson = (header(req, 'Content-Type') ?? '').startsWith('application/json');
  return {
    endpoint,
    method: req.method ?? 'GET',
    path: `${url.pathname}${url.search}`,
    headers: req.headers,
    json: isJson ? jsonObject(body) : undefined,
    bytes: body.length,
    faulted,
  };
}

function coordinatorApi(world: World, server: ReturnType<typeof createServer> | ReturnType<typeof createTlsServer>, url: string, faults: Array<Fault & { left: number }>, requests: RecordedRequest[]): Coordinator {
  return {
    url,
    registrationToken: world.registrationToken,
    jobs: world.jobs,
    requests,
    requestsTo: (endpoint) => requests.filter((r) => r.endpoint === endpoint),
    close: async () => {
      wakeAll(world.pollWaiters);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    createRunner: (opts = {}) => {
      const token = randomToken('glrt-t1_');
      world.runners.set(token, { id: world.nextRunnerId++, token, tokenExpiresAt: opts.tokenExpiresAt ?? null, legacy: false, systemIds: new Set() });
      return token;
    },
    enqueue: (input) => {
      const id = world.nextJobId++;
      const payload = buildPayload(id, randomToken('glcbt-64_'), input);
      world.jobs.set(id, { id, payload, trace: Buffer.alloc(0), updates: [], state: 'pending', artifacts: [], finalAccepted: 0, finalAfterFinish: 0, acceptPending: world.acceptFinalAfter });
      world.queue.push(id);
      world.queueVersion++;
      wakeAll(world.pollWaiters);
      return id;
    },
    cancel: (id, { graceful }) => {
      const job = world.jobs.get(id);
      if (!job || job.state === 'success' || job.state === 'failed' || job.state === 'canceled') return;
      job.state = graceful && job.state !== 'pending' ? 'canceling' : 'canceled';
    },
    failNext: (fault) => {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    waitForJobFinished: (id, timeoutMs) => waitFinished(world, id, timeoutMs),
  };
}

function waitFinished(world: World, id: number, timeoutMs: number): Promise<JobRecord> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const job = world.jobs.get(id);
      if (job && job.finalAccepted > 0) {
        clearTimeout(timer);
        world.finishWaiters.delete(check);
        resolve(job);
      }
    };
    const timer = setTimeout(() => {
      world.finishWaiters.delete(check);
      reject(new Error(`job ${id} got no final update within ${timeoutMs} ms`));
    }, timeoutMs);
    world.finishWaiters.add(check);
    check();
  });
}
