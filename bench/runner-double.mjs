// A minimal GitLab stand-in for bench/runner-mode.mjs, on 127.0.0.1, in plain JS (the benchmarks run on
// the built CLI and do not load the TypeScript test double). It answers only what `glci runner run`
// needs for a job: POST jobs/request (201 with the next queued payload; otherwise Workhorse-style long
// polling: a request whose last_update is current is held until a job is queued), PATCH jobs/:id/trace
// (Content-Range checked, 202 with Range) and PUT jobs/:id (200). It records the arrival time of every
// trace chunk and of the final update, on the wall clock the job's own `date +%s%N` uses.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

/** Wall-clock milliseconds with sub-millisecond precision (comparable with `date +%s%N` / 1e6). */
export const wallMs = () => performance.timeOrigin + performance.now();

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function send(res, status, headers = {}, body = '') {
  const data = Buffer.from(body);
  res.writeHead(status, { ...headers, 'Content-Length': String(data.length) });
  res.end(data);
}

/**
 * `traceUpdateIntervalSeconds`: sent as X-GitLab-Trace-Update-Interval on trace and update answers
 * (unset: not sent, so the runner keeps its default). `longPollMs`: how long a request is held.
 */
export async function startDouble({ traceUpdateIntervalSeconds, longPollMs = 50_000 } = {}) {
  const jobs = new Map();
  const queue = [];
  const held = new Set();
  const heldWaiters = new Set();
  const unknown = [];
  let queueVersion = 1;
  let nextId = 1;

  const stateHeaders = () => (traceUpdateIntervalSeconds === undefined ? { 'Job-Status': 'running' } : { 'Job-Status': 'running', 'X-GitLab-Trace-Update-Interval': String(traceUpdateIntervalSeconds) });
  const take = () => {
    const id = queue.shift();
    if (id === undefined) return undefined;
    const job = jobs.get(id);
    job.takenAt = wallMs();
    return job;
  };

  async function requestJob(req, res, body) {
    const lastUpdate = JSON.parse(body.toString() || '{}').last_update;
    let job = take();
    if (!job && lastUpdate === String(queueVersion)) {
      await new Promise((resolve) => {
        // A keep-alive socket carries many requests: the close listener goes with the request.
        const wake = () => {
          clearTimeout(timer);
          held.delete(wake);
          req.socket.off('close', wake);
          resolve();
        };
        const timer = setTimeout(wake, longPollMs);
        held.add(wake);
        req.socket.once('close', wake);
        for (const w of [...heldWaiters]) w();
      });
      job = take();
    }
    if (res.destroyed) {
      if (job) queue.unshift(job.id);
      return;
    }
    if (job) return send(res, 201, { 'Content-Type': 'application/json' }, JSON.stringify(job.payload));
    send(res, 204, { 'X-GitLab-Last-Update': String(queueVersion) });
  }

  function patchTrace(req, res, job, body, arrivedAt) {
    const range = /^(\d+)-(\d+)$/.exec(req.headers['content-range'] ?? '');
    if (!range || Number(range[1]) !== job.trace.length) return send(res, 416, { ...stateHeaders(), Range: `0-${job.trace.length}` });
    job.trace = Buffer.concat([job.trace, body]);
    job.patches.push({ arrivedAt, start: Number(range[1]), bytes: body.length });
    send(res, 202, { ...stateHeaders(), Range: `0-${job.trace.length}` });
  }

  function updateJob(res, job, body, arrivedAt) {
    const update = JSON.parse(body.toString() || '{}');
    if (update.state === 'success' || update.state === 'failed') {
      if (!job.final) {
        job.final = { arrivedAt, state: update.state, checksum: update.output?.checksum, bytesize: update.output?.bytesize };
        job.resolveFinished(job);
      }
    }
    send(res, 200, { ...stateHeaders(), 'Content-Type': 'text/plain' }, '200');
  }

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const arrivedAt = wallMs();
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'POST' && url.pathname === '/api/v4/jobs/request') return requestJob(req, res, body);
      const m = /^\/api\/v4\/jobs\/(\d+)(\/trace)?$/.exec(url.pathname);
      const job = m ? jobs.get(Number(m[1])) : undefined;
      if (job && req.headers['job-token'] !== job.payload.token && req.method === 'PATCH') return send(res, 403, {}, 'Forbidden');
      if (job && req.method === 'PATCH' && m[2]) return patchTrace(req, res, job, body, arrivedAt);
      if (job && req.method === 'PUT' && !m[2]) return updateJob(res, job, body, arrivedAt);
      unknown.push(`${req.method} ${url.pathname}`);
      send(res, 404, { 'Content-Type': 'application/json' }, '{"message":"404 Not Found"}');
    })().catch(() => res.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    jobs,
    unknown,
    /** Queues a job (the payload without id and token); returns { id, enqueuedAt, finished }. */
    enqueue(payload) {
      const id = nextId++;
      let resolveFinished;
      const finished = new Promise((r) => (resolveFinished = r));
      const token = `glcbt-64_bench${id}xxxxxxxxxxxxxxxxxxxx`;
      const job = { id, payload: { ...payload, id, token }, trace: Buffer.alloc(0), patches: [], final: null, finished, resolveFinished, enqueuedAt: wallMs() };
      jobs.set(id, job);
      queue.push(id);
      queueVersion++;
      for (const wake of [...held]) wake();
      return job;
    },
    /** Resolves once a jobs/request is being held (the runner is polling and idle). */
    whenPolling(timeoutMs = 30_000) {
      if (held.size > 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no held jobs/request within ${timeoutMs} ms`)), timeoutMs);
        const done = () => {
          clearTimeout(timer);
          heldWaiters.delete(done);
          resolve();
        };
        heldWaiters.add(done);
      });
    },
    close() {
      for (const wake of [...held]) wake();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The payload of a shell job GitLab would send (runner-behavior.md §8.4), for `script` lines. */
export function jobPayload({ name, script, variables = [], gitInfo }) {
  const v = (key, value) => ({ key, value, public: true, masked: false, file: false, raw: false });
  return {
    allow_git_fetch: true,
    job_info: { name, stage: 'test', project_id: 1, pipeline_id: 1, project_name: 'project', project_full_path: 'group/project' },
    git_info: gitInfo ?? { repo_url: 'http://gitlab-ci-token:token@127.0.0.1/group/project.git', ref: 'main', sha: '0123456789abcdef0123456789abcdef01234567', ref_type: 'branch', depth: 0 },
    runner_info: { timeout: 3600 },
    variables: [v('CI_JOB_NAME', name), ...variables.map(([key, value]) => v(key, value))],
    steps: [{ name: 'script', script, timeout: 3600, when: 'on_success', allow_failure: false }],
    features: { trace_sections: true, token_mask_prefixes: ['glpat-', 'glcbt-'], failure_reasons: ['script_failure', 'runner_system_failure', 'unknown_failure'] },
  };
}
