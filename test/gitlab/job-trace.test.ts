// A job's trace delivered to the coordinator double over real HTTP, with short intervals: byte for
// byte (CRC-32 compared), through 416s, 5xx, 429 and dropped connections, the 202/412 final-update
// paths, GitLab's cancel signals, the keep-alive, and the output limit.
import { afterEach, describe, expect, it } from 'vitest';
import { createRunnerApi } from '../../src/gitlab/api/client.js';
import type { RunnerApi } from '../../src/gitlab/api/runner-api.js';
import { createJobTrace, type CancelKind, type JobTraceOptions } from '../../src/gitlab/job-trace.js';
import { runnerInfo } from '../../src/gitlab/runner-info.js';
import { limitExceededMessage, traceChecksum } from '../../src/gitlab/trace-buffer.js';
import { checksumOf, startCoordinator, type Coordinator, type CoordinatorOptions } from '../support/coordinator/coordinator.js';

const info = runnerInfo({ version: '1.2.3', executor: 'shell' });
const MiB = 1024 * 1024;
let coordinator: Coordinator | undefined;

afterEach(async () => {
  await coordinator?.close();
  coordinator = undefined;
});

interface Setup {
  c: Coordinator;
  api: RunnerApi;
  id: number;
  jobToken: string;
  cancels: CancelKind[];
  trace: ReturnType<typeof createJobTrace>;
}

async function setup(options: CoordinatorOptions = {}, traceOptions: Partial<JobTraceOptions> = {}, attempts = 5): Promise<Setup> {
  const c = await startCoordinator(options);
  coordinator = c;
  const api = createRunnerApi({ url: c.url, retry: { attempts, minDelayMs: 5, maxDelayMs: 10 } });
  const runnerToken = c.createRunner();
  const id = c.enqueue({});
  const got = await api.requestJob(runnerToken, 's_1', info, undefined);
  if (got.kind !== 'job') throw new Error('no job');
  const cancels: CancelKind[] = [];
  const trace = createJobTrace({
    api,
    jobId: id,
    jobToken: got.job.token,
    info,
    updateIntervalMs: 15,
    forceSendIntervalMs: 10_000,
    finalRetry: { limit: 10, minDelayMs: 5, maxDelayMs: 20 },
    onCancelRequested: (kind) => cancels.push(kind),
    ...traceOptions,
  });
  return { c, api, id, jobToken: got.job.token, cancels, trace };
}

function text(bytes: number, seed = 1): string {
  let out = '';
  let n = seed;
  while (out.length < bytes) {
    n = (n * 1103515245 + 12345) % 2147483648;
    out += `line ${n.toString(36)} ünïcødé ✓\n`;
  }
  return out.slice(0, bytes);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('job trace delivery', () => {
  it('delivers a multi-MiB trace byte for byte in ≤ 1 MiB chunks, with one final update', async () => {
    const { c, id, trace } = await setup();
    trace.start();
    const body = text(2.5 * MiB);
    for (let i = 0; i < body.length; i += 64 * 1024) trace.write(body.slice(i, i + 64 * 1024));
    await sleep(40);
    trace.write(Buffer.from([0xe2, 0x9c]));
    trace.write(Buffer.from([0x93, 0x0a]));
    const result = await trace.finish({ state: 'success' });
    expect(result).toEqual({ delivered: true, updates: 1 });
    const job = c.jobs.get(id);
    expect(job?.trace.equals(trace.bytes())).toBe(true);
    expect(checksumOf(job?.trace ?? Buffer.alloc(0))).toBe(traceChecksum(trace.bytes()));
    const patches = c.requestsTo('patch_trace');
    expect(patches.length).toBeGreaterThanOrEqual(3);
    expect(patches.every((p) => p.bytes <= MiB)).toBe(true);
    const finals = job?.updates.filter((u) => u.state !== 'running') ?? [];
    expect(finals).toEqual([expect.objectContaining({ state: 'success', status: 200, output: { checksum: traceChecksum(trace.bytes()), bytesize: trace.bytes().length } })]);
    expect(finals[0]?.exit_code).toBeUndefined();
    expect(job?.finalAccepted).toBe(1);
    expect(await trace.finish({ state: 'success' })).toEqual(result);
    expect(job?.finalAfterFinish).toBe(0);
  });

  it('continues from the size GitLab reports on 416', async () => {
    const { c, id, trace } = await setup();
    const job = c.jobs.get(id);
    if (!job) throw new Error('no job');
    job.trace = Buffer.from('hello ');
    trace.write('hello world\n');
    trace.start();
    await until(() => job.trace.length === 12);
    expect(job.trace.toString()).toBe('hello world\n');
    const ranges = c.requestsTo('patch_trace').map((r) => r.headers['content-range']);
    expect(ranges.slice(0, 2)).toEqual(['0-11', '6-11']);
    expect(await trace.finish({ state: 'failed', failureReason: 'script_failure', exitCode: 1 })).toEqual({ delivered: true, updates: 1 });
    expect(job.updates.at(-1)).toMatchObject({ state: 'failed', failure_reason: 'script_failure', exit_code: 1 });
  });

  it('survives 5xx, 429 and dropped connections on PATCH', async () => {
    const { c, id, trace } = await setup();
    c.failNext({ endpoint: 'patch_trace', response: { status: 500 }, times: 2 });
    c.failNext({ endpoint: 'patch_trace', response: 'drop' });
    c.failNext({ endpoint: 'patch_trace', response: { status: 429, headers: { 'Retry-After': '0' } } });
    c.failNext({ endpoint: 'patch_trace', response: { status: 503 }, times: 6 });
    const body = text(200_000, 7);
    trace.start();
    for (let i = 0; i < body.length; i += 10_000) {
      trace.write(body.slice(i, i + 10_000));
      await sleep(3);
    }
    expect(await trace.finish({ state: 'success' })).toMatchObject({ delivered: true });
    expect(c.jobs.get(id)?.trace.toString()).toBe(body);
    expect(c.requestsTo('patch_trace').filter((r) => r.faulted)).toHaveLength(10);
  });

  it('waits and PUTs again on 202, then stops at 200', async () => {
    const { c, id, trace } = await setup({ acceptFinalAfter: 2 });
    trace.write('done\n');
    trace.start();
    expect(await trace.finish({ state: 'success' })).toEqual({ delivered: true, updates: 3 });
    const job = c.jobs.get(id);
    expect(job?.updates.map((u) => u.status)).toEqual([202, 202, 200]);
    expect(job?.finalAccepted).toBe(1);
    expect(job?.trace.toString()).toBe('done\n');
  });

  it('resends the whole trace from offset 0 after 412', async () => {
    const { c, id, trace } = await setup();
    const job = c.jobs.get(id);
    if (!job) throw new Error('no job');
    trace.write('first part\n');
    trace.start();
    await until(() => job.trace.length === 11);
    job.trace = Buffer.from('FIRST PART\n'); // GitLab's copy went bad
    trace.write('second part\n');
    expect(await trace.finish({ state: 'success' })).toEqual({ delivered: true, updates: 2 });
    expect(job.updates.map((u) => u.status)).toEqual([412, 200]);
    expect(job.trace.toString()).toBe('first part\nsecond part\n');
    expect(c.requestsTo('patch_trace').at(-1)?.headers['content-range']).toBe('0-22');
  });

  it('retries a failing final update with backoff, at most the retry limit', async () => {
    const retried = await setup({}, {}, 1);
    retried.c.failNext({ endpoint: 'update_job', response: { status: 500 }, times: 3 });
    retried.trace.write('x');
    expect(await retried.trace.finish({ state: 'success' })).toEqual({ delivered: true, updates: 4 });
    await retried.c.close();

    const { c, trace } = await setup({}, { finalRetry: { limit: 2, minDelayMs: 1, maxDelayMs: 1 } }, 1);
    c.failNext({ endpoint: 'update_job', response: { status: 500 }, times: 10 });
    expect(await trace.finish({ state: 'success' })).toEqual({ delivered: false, updates: 3 });
  });

  it('stops on 403 and 404 from the final update', async () => {
    const { c, trace } = await setup();
    c.failNext({ endpoint: 'update_job', response: { status: 404 } });
    expect(await trace.finish({ state: 'success' })).toEqual({ delivered: false, updates: 1 });
    expect(c.requestsTo('update_job')).toHaveLength(1);
  });
});

describe('cancel signals and keep-alive', () => {
  it('asks for a graceful cancel on Job-Status canceling, an abort on canceled', async () => {
    const { c, id, trace, cancels } = await setup();
    trace.start();
    trace.write('a');
    await until(() => (c.jobs.get(id)?.trace.length ?? 0) === 1);
    c.cancel(id, { graceful: true });
    trace.write('b');
    await until(() => cancels.length === 1);
    expect(cancels).toEqual(['graceful']);
    c.cancel(id, { graceful: false });
    trace.write('c');
    await until(() => cancels.length === 2);
    expect(cancels).toEqual(['graceful', 'abort']);
    expect(await trace.finish({ state: 'failed', failureReason: 'script_failure' })).toEqual({ delivered: false, updates: 1 });
  });

  it('asks for an abort on 403', async () => {
    const { c, trace, cancels } = await setup();
    c.failNext({ endpoint: 'patch_trace', response: { status: 403 } });
    trace.write('a');
    trace.start();
    await until(() => cancels.length === 1);
    expect(cancels).toEqual(['abort']);
    trace.abort();
    expect(await trace.finish({ state: 'failed' })).toEqual({ delivered: false, updates: 0 });
  });

  it('sends state=running with the output checksum when nothing went out for the force-send interval', async () => {
    const { c, id, trace } = await setup({}, { forceSendIntervalMs: 60 });
    trace.write('quiet job\n');
    trace.start();
    await until(() => (c.jobs.get(id)?.updates.length ?? 0) >= 1, 3000);
    const update = c.jobs.get(id)?.updates[0];
    expect(update).toMatchObject({ state: 'running', status: 200, output: { checksum: traceChecksum(Buffer.from('quiet job\n')), bytesize: 10 } });
    expect(await trace.finish({ state: 'success' })).toMatchObject({ delivered: true, updates: 1 });
  });

  it('follows X-GitLab-Trace-Update-Interval', async () => {
    const { c, id, trace } = await setup({ traceUpdateIntervalSeconds: 1 });
    trace.write('one');
    trace.start();
    await until(() => c.requestsTo('patch_trace').length === 1);
    trace.write('two');
    await sleep(300);
    expect(c.requestsTo('patch_trace')).toHaveLength(1);
    await until(() => c.requestsTo('patch_trace').length === 2, 3000);
    expect(c.jobs.get(id)?.trace.toString()).toBe('onetwo');
    trace.abort();
  });
});

describe('output limit', () => {
  it("cuts at the limit and appends GitLab Runner's two lines once", async () => {
    const { c, id, trace } = await setup({}, { outputLimitBytes: 20 });
    trace.write('0123456789');
    trace.write('abcdefghij-and-more');
    trace.write('dropped');
    const expected = `0123456789abcdefghij${limitExceededMessage(20)}`;
    expect(trace.bytes().toString()).toBe(expected);
    expect(limitExceededMessage(20)).toBe("\n\x1b[33;1mJob's log exceeded limit of 20 bytes.\nJob execution will continue but no more output will be collected.\x1b[0;m\n");
    expect(await trace.finish({ state: 'success' })).toMatchObject({ delivered: true });
    expect(c.jobs.get(id)?.trace.toString()).toBe(expected);
  });

  it('never splits a UTF-8 character at the limit', async () => {
    const { trace } = await setup({}, { outputLimitBytes: 5 });
    trace.write('abcd✓');
    expect(trace.bytes().toString()).toBe(`abcd${limitExceededMessage(5)}`);
    trace.abort();
  });
});
