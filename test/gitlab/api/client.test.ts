// The runner API client against the coordinator double over real HTTP: request shapes (headers,
// bodies, Content-Range, query), answer mapping, and GitLab Runner's retries.
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunnerApi } from '../../../src/gitlab/api/client.js';
import { redactTokens, RunnerApiError } from '../../../src/gitlab/api/errors.js';
import { apiBaseUrl } from '../../../src/gitlab/api/http-call.js';
import { serverDelay } from '../../../src/gitlab/api/retry.js';
import type { RunnerApiOptions } from '../../../src/gitlab/api/runner-api.js';
import { runnerInfo } from '../../../src/gitlab/runner-info.js';
import { startCoordinator, type Coordinator, type CoordinatorOptions } from '../../support/coordinator/coordinator.js';

const info = runnerInfo({ version: '1.2.3', executor: 'shell' });
const FAST = { attempts: 5, minDelayMs: 10, maxDelayMs: 20 };
let coordinator: Coordinator | undefined;

async function setup(options: CoordinatorOptions = {}, api: Partial<RunnerApiOptions> = {}) {
  coordinator = await startCoordinator(options);
  const responses: Array<[string, number]> = [];
  const client = createRunnerApi({ url: coordinator.url, retry: FAST, onResponse: (e, s) => responses.push([e, s]), ...api });
  return { c: coordinator, client, responses };
}

afterEach(async () => {
  await coordinator?.close();
  coordinator = undefined;
});

async function expectApiError(promise: Promise<unknown>, code: string): Promise<RunnerApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RunnerApiError);
  expect((err as RunnerApiError).code).toBe(code);
  return err as RunnerApiError;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('base URL', () => {
  it('strips a trailing / and /ci and adds /api/v4/', () => {
    expect(apiBaseUrl('https://gitlab.example.com/').href).toBe('https://gitlab.example.com/api/v4/');
    expect(apiBaseUrl('https://gitlab.example.com/ci').href).toBe('https://gitlab.example.com/api/v4/');
    expect(apiBaseUrl('https://gitlab.example.com/ci/').href).toBe('https://gitlab.example.com/api/v4/');
    expect(apiBaseUrl('http://host:8080/gitlab/').href).toBe('http://host:8080/gitlab/api/v4/');
  });

  it('accepts only http and https', () => {
    expect(() => apiBaseUrl('ftp://gitlab.example.com')).toThrow(RunnerApiError);
    expect(() => apiBaseUrl('not a url')).toThrow(RunnerApiError);
  });

  it('reaches the API under a /ci/ suffixed url', async () => {
    const { c } = await setup();
    const token = c.createRunner();
    const client = createRunnerApi({ url: `${c.url}/ci/`, retry: FAST });
    expect(await client.verify(token, 's_000000000000', info)).not.toBeNull();
    expect(c.requests[0]?.path).toBe('/api/v4/runners/verify');
  });
});

describe('registration endpoints', () => {
  it('registers with the legacy body and the common headers', async () => {
    const { c, client, responses } = await setup();
    const registration = { description: 'glci test', tagList: ['docker', 'linux'], runUntagged: false, locked: true, accessLevel: 'ref_protected' as const, maximumTimeout: 3600, paused: false, maintenanceNote: 'note' };
    const creds = await client.register(c.registrationToken, registration, info);
    expect(creds.token).toMatch(/^glrtr-/);
    expect(creds.tokenExpiresAt).toBeNull();
    const req = c.requestsTo('register_runner')[0];
    expect(req?.method).toBe('POST');
    expect(req?.json).toEqual({
      description: 'glci test', tag_list: 'docker,linux', run_untagged: false, locked: true, access_level: 'ref_protected',
      maximum_timeout: 3600, paused: false, maintenance_note: 'note', info, token: c.registrationToken,
    });
    expect(req?.headers['user-agent']).toMatch(/^gitlab-runner 1\.2\.3 \(glci; node v\d+/);
    expect(req?.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers.accept).toBe('application/json');
    expect(req?.headers['runner-token']).toBe(c.registrationToken);
    expect(responses).toEqual([['register_runner', 201]]);
  });

  it('leaves out maximum_timeout and maintenance_note when unset', async () => {
    const { c, client } = await setup();
    await client.register(c.registrationToken, { description: 'd', tagList: [], runUntagged: true, locked: false, accessLevel: 'not_protected', paused: true }, info);
    const json = c.requestsTo('register_runner')[0]?.json ?? {};
    expect(Object.keys(json).sort()).toEqual(['access_level', 'description', 'info', 'locked', 'paused', 'run_untagged', 'tag_list', 'token']);
    expect(json.tag_list).toBe('');
  });

  it('maps 403 and 410 to errors that do not show the token', async () => {
    const { client } = await setup();
    const bad = 'GR1348941secretsecretsecret';
    const err = await expectApiError(client.register(bad, { description: '', tagList: [], runUntagged: true, locked: false, accessLevel: 'not_protected', paused: false }, info), 'RUNNER_TOKEN_FORBIDDEN');
    expect(err.status).toBe(403);
    expect(`${err.message} ${err.hint ?? ''}`).not.toContain('secretsecret');
    await coordinator?.close();
    const disabled = await setup({ registrationTokensDisabled: true });
    await expectApiError(disabled.client.register(disabled.c.registrationToken, { description: '', tagList: [], runUntagged: true, locked: false, accessLevel: 'not_protected', paused: false }, info), 'RUNNER_REGISTRATION_DISABLED');
  });

  it('verifies a glrt- token (200 credentials, 403 null) with token in header and body', async () => {
    const { c, client } = await setup();
    const token = c.createRunner({ tokenExpiresAt: '2099-12-01T00:00:00.000Z' });
    const creds = await client.verify(token, 's_8f1c2a9b0d3e', info);
    expect(creds).toEqual({ id: expect.any(Number), token, tokenExpiresAt: '2099-12-01T00:00:00.000Z' });
    const req = c.requestsTo('verify_runner')[0];
    expect(req?.json).toEqual({ info, token, system_id: 's_8f1c2a9b0d3e' });
    expect(req?.headers['runner-token']).toBe(token);
    expect(await client.verify('glrt-unknown', 's_8f1c2a9b0d3e', info)).toBeNull();
    const expired = c.createRunner({ tokenExpiresAt: '2000-01-01T00:00:00.000Z' });
    expect(await client.verify(expired, 's_8f1c2a9b0d3e', info)).toBeNull();
  });

  it("tolerates an old GitLab's plain-text 200 on verify", async () => {
    const { c, client } = await setup();
    c.failNext({ endpoint: 'verify_runner', response: { status: 200, headers: { 'Content-Type': 'text/plain' }, body: '200' } });
    expect(await client.verify('glrt-whatever', 's_1', info)).toEqual({ id: 0, token: 'glrt-whatever', tokenExpiresAt: null });
  });

  it('unregisters a manager, a runner, and rotates a token', async () => {
    const { c, client } = await setup();
    const token = c.createRunner();
    await client.verify(token, 's_aaaaaaaaaaaa', info);
    expect(await client.unregisterManager(token, 's_aaaaaaaaaaaa')).toBe(true);
    expect(c.requestsTo('unregister_runner_manager')[0]?.json).toEqual({ token, system_id: 's_aaaaaaaaaaaa' });
    expect(c.requestsTo('unregister_runner_manager')[0]?.method).toBe('DELETE');
    expect(await client.unregisterManager('glrt-nope', 's_aaaaaaaaaaaa')).toBe(false);
    const rotated = await client.resetToken(token);
    expect(rotated.token).toMatch(/^glrt-/);
    expect(rotated.token).not.toBe(token);
    expect(c.requestsTo('reset_token')[0]?.json).toEqual({ token });
    expect(await client.verify(token, 's_1', info)).toBeNull();
    await expectApiError(client.resetToken(token), 'RUNNER_TOKEN_FORBIDDEN');
    expect(await client.unregister(rotated.token)).toBe(true);
    expect(c.requestsTo('unregister_runner')[0]?.json).toEqual({ token: rotated.token });
    expect(await client.unregister(rotated.token)).toBe(false);
  });
});

describe('jobs/request', () => {
  it('answers none with X-GitLab-Last-Update, then the queued job', async () => {
    const { c, client } = await setup();
    const token = c.createRunner();
    const none = await client.requestJob(token, 's_1', info, undefined);
    expect(none).toEqual({ kind: 'none', lastUpdate: expect.any(String) });
    expect(c.requestsTo('request_job')[0]?.json).toEqual({ info, token, system_id: 's_1' });
    const id = c.enqueue({ job_info: { name: 'build' }, git_info: { repo_url: 'http://gitlab-ci-token:JOB_TOKEN@127.0.0.1/g/p.git' } });
    const got = await client.requestJob(token, 's_1', info, none.kind === 'none' ? none.lastUpdate : undefined);
    expect(got.kind).toBe('job');
    if (got.kind !== 'job') return;
    expect(got.job.id).toBe(id);
    expect(got.job.token).toMatch(/^glcbt-/);
    expect(got.job.git_info.repo_url).toBe(`http://gitlab-ci-token:${got.job.token}@127.0.0.1/g/p.git`);
    expect(c.requestsTo('request_job')[1]?.json?.last_update).toBe(none.kind === 'none' ? none.lastUpdate : '');
    expect(c.jobs.get(id)?.features?.trace_checksum).toBe(true);
    expect(await client.requestJob('glrt-unknown', 's_1', info, undefined)).toEqual({ kind: 'forbidden' });
  });

  it('waits through a long poll until a job is queued, and ends the wait on abort', async () => {
    const { c, client } = await setup({ longPollMs: 5000 });
    const token = c.createRunner();
    const first = await client.requestJob(token, 's_1', info, undefined);
    const lastUpdate = first.kind === 'none' ? first.lastUpdate : undefined;
    const started = Date.now();
    const pending = client.requestJob(token, 's_1', info, lastUpdate);
    setTimeout(() => c.enqueue({}), 300);
    expect((await pending).kind).toBe('job');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(4000);

    const next = await client.requestJob(token, 's_1', info, undefined);
    const controller = new AbortController();
    const held = client.requestJob(token, 's_1', info, next.kind === 'none' ? next.lastUpdate : undefined, controller.signal);
    setTimeout(() => controller.abort(), 200);
    await expectApiError(held, 'RUNNER_API_ABORTED');
  });

  it('maps 409/503 after retries to unavailable', async () => {
    const { c, client } = await setup();
    const token = c.createRunner();
    c.failNext({ endpoint: 'request_job', response: { status: 409 } });
    expect(await client.requestJob(token, 's_1', info, undefined)).toEqual({ kind: 'unavailable', status: 409 });
    c.failNext({ endpoint: 'request_job', response: { status: 503 }, times: 5 });
    expect(await client.requestJob(token, 's_1', info, undefined)).toEqual({ kind: 'unavailable', status: 503 });
    expect(c.requestsTo('request_job')).toHaveLength(6);
  });
});

async function runningJob(c: Coordinator, client: ReturnType<typeof createRunnerApi>, input: Parameters<Coordinator['enqueue']>[0] = {}) {
  const token = c.createRunner();
  const id = c.enqueue(input);
  const got = await client.requestJob(token, 's_1', info, undefined);
  if (got.kind !== 'job') throw new Error('no job');
  return { id, jobToken: got.job.token };
}

describe('job trace and updates', () => {
  it('PATCHes with an inclusive Content-Range and maps 202, 416, 403, 404', async () => {
    const { c, client } = await setup({ traceUpdateIntervalSeconds: 7 });
    const { id, jobToken } = await runningJob(c, client);
    expect(await client.patchTrace(id, jobToken, Buffer.from('hello'), 0)).toEqual({ kind: 'accepted', jobStatus: 'running', updateIntervalSeconds: 7 });
    const req = c.requestsTo('patch_trace')[0];
    expect(req?.method).toBe('PATCH');
    expect(req?.path).toBe(`/api/v4/jobs/${id}/trace?debug_trace=false`);
    expect(req?.headers['content-range']).toBe('0-4');
    expect(req?.headers['content-type']).toBe('text/plain');
    expect(req?.headers['job-token']).toBe(jobToken);
    expect(await client.patchTrace(id, jobToken, Buffer.from(' world'), 5)).toMatchObject({ kind: 'accepted' });
    expect(c.requestsTo('patch_trace')[1]?.headers['content-range']).toBe('5-10');
    expect(await client.patchTrace(id, jobToken, Buffer.from('x'), 3)).toMatchObject({ kind: 'range-mismatch', size: 11 });
    expect(await client.patchTrace(id, 'glcbt-wrong', Buffer.from('x'), 11)).toMatchObject({ kind: 'aborted' });
    expect(await client.patchTrace(999999, jobToken, Buffer.from('x'), 0)).toMatchObject({ kind: 'not-found' });
    expect(c.jobs.get(id)?.trace.toString()).toBe('hello world');
  });

  it('reports Job-Status canceling, and canceled as aborted', async () => {
    const { c, client } = await setup();
    const { id, jobToken } = await runningJob(c, client);
    c.cancel(id, { graceful: true });
    expect(await client.patchTrace(id, jobToken, Buffer.from('a'), 0)).toMatchObject({ kind: 'accepted', jobStatus: 'canceling' });
    expect(await client.updateJob(id, jobToken, info, { state: 'running' })).toMatchObject({ kind: 'ok', jobStatus: 'canceling' });
    c.cancel(id, { graceful: false });
    expect(await client.patchTrace(id, jobToken, Buffer.from('b'), 1)).toMatchObject({ kind: 'aborted', jobStatus: 'canceled' });
    expect(await client.updateJob(id, jobToken, info, { state: 'failed' })).toMatchObject({ kind: 'aborted' });
  });

  it('PUTs the update body GitLab Runner sends, omitting an empty reason and exit code 0', async () => {
    const { c, client } = await setup({ acceptFinalAfter: 1 });
    const { id, jobToken } = await runningJob(c, client);
    await client.patchTrace(id, jobToken, Buffer.from('log'), 0);
    expect(await client.updateJob(id, jobToken, info, { state: 'running', exitCode: 0, failureReason: '' })).toMatchObject({ kind: 'ok' });
    expect(c.requestsTo('update_job')[0]?.json).toEqual({ info, token: jobToken, state: 'running' });
    expect(c.requestsTo('update_job')[0]?.headers['job-token']).toBe(jobToken);
    const wrong = { checksum: 'crc32:00000000', bytesize: 3 };
    expect(await client.updateJob(id, jobToken, info, { state: 'failed', failureReason: 'script_failure', exitCode: 2, output: wrong })).toMatchObject({ kind: 'trace-invalid' });
    // The runner advertised trace_reset: GitLab dropped its copy, the trace is sent again from 0.
    expect(c.jobs.get(id)?.trace.length).toBe(0);
    expect(await client.patchTrace(id, jobToken, Buffer.from('log'), 0)).toMatchObject({ kind: 'accepted' });
    const output = { checksum: 'crc32:' + crc('log'), bytesize: 3 };
    const final = { state: 'failed' as const, failureReason: 'script_failure', exitCode: 2, output };
    expect(await client.updateJob(id, jobToken, info, final)).toMatchObject({ kind: 'accepted' });
    expect(await client.updateJob(id, jobToken, info, final)).toMatchObject({ kind: 'ok' });
    expect(c.requestsTo('update_job')[3]?.json).toEqual({ info, token: jobToken, state: 'failed', failure_reason: 'script_failure', exit_code: 2, checksum: output.checksum, output });
    expect(c.jobs.get(id)?.updates.map((u) => u.status)).toEqual([200, 412, 202, 200]);
    expect(await client.updateJob(id, jobToken, info, final)).toMatchObject({ kind: 'aborted' });
    expect(await client.updateJob(424242, jobToken, info, final)).toMatchObject({ kind: 'aborted' });
  });
});

function crc(text: string): string {
  return (crc32(Buffer.from(text)) >>> 0).toString(16).padStart(8, '0');
}

describe('artifacts', () => {
  it('uploads multipart field file with the query, and downloads with another job token', async () => {
    const { c, client } = await setup();
    const { id, jobToken } = await runningJob(c, client, { job_info: { project_id: 5 } });
    const data = Buffer.from('PK\x03\x04 archive bytes \r\n--not-a-boundary');
    const upload = { type: 'archive', format: 'zip' as const, filename: 'artifacts.zip', expireIn: '1 week', body: Readable.from([data]), size: data.length };
    expect(await client.uploadArtifact(id, jobToken, upload)).toEqual({ kind: 'ok' });
    const req = c.requestsTo('upload_artifacts')[0];
    expect(req?.path).toBe(`/api/v4/jobs/${id}/artifacts?artifact_format=zip&artifact_type=archive&expire_in=1+week`);
    expect(req?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(c.jobs.get(id)?.artifacts).toEqual([{ type: 'archive', format: 'zip', filename: 'artifacts.zip', expireIn: '1 week', body: data }]);

    const other = await runningJob(c, client, { job_info: { project_id: 5 } });
    const stream = await client.downloadArtifacts(id, other.jobToken);
    expect(stream).not.toBeNull();
    expect(await collect(stream as Readable)).toEqual(data);
    expect(c.requestsTo('download_artifacts')[0]?.headers['job-token']).toBe(other.jobToken);
    expect(await client.downloadArtifacts(other.id, other.jobToken)).toBeNull();
    await expectApiError(client.downloadArtifacts(id, 'glcbt-unknown'), 'RUNNER_API_STATUS');
  });

  it('follows a redirect to storage, and maps 413 to too-large', async () => {
    const { c, client } = await setup({ artifactsRedirect: true, maxArtifactBytes: 10 });
    const { id, jobToken } = await runningJob(c, client);
    const small = Buffer.from('tiny');
    expect(await client.uploadArtifact(id, jobToken, { type: 'archive', format: 'zip', filename: 'a.zip', body: Readable.from([small]), size: small.length })).toEqual({ kind: 'ok' });
    expect(c.requestsTo('upload_artifacts')[0]?.path).not.toContain('expire_in');
    expect(await collect((await client.downloadArtifacts(id, jobToken)) as Readable)).toEqual(small);
    const big = Buffer.alloc(100, 1);
    expect(await client.uploadArtifact(id, jobToken, { type: 'junit', format: 'gzip', filename: 'junit.xml.gz', body: Readable.from([big]), size: big.length })).toEqual({ kind: 'too-large' });
  });
});

describe('retries', () => {
  it('retries 500 and a dropped connection, and reports every answer', async () => {
    const { c, client, responses } = await setup();
    const token = c.createRunner();
    c.failNext({ endpoint: 'verify_runner', response: { status: 500 }, times: 2 });
    c.failNext({ endpoint: 'verify_runner', response: 'drop' });
    expect(await client.verify(token, 's_1', info)).not.toBeNull();
    expect(c.requestsTo('verify_runner')).toHaveLength(4);
    expect(responses).toEqual([['verify_runner', 500], ['verify_runner', 500], ['verify_runner', 200]]);
  });

  it('gives up after 5 attempts with the last answer', async () => {
    const { c, client } = await setup();
    const token = c.createRunner();
    c.failNext({ endpoint: 'verify_runner', response: { status: 502, body: `{"message":"bad ${token}"}` }, times: 9 });
    const err = await expectApiError(client.verify(token, 's_1', info), 'RUNNER_API_STATUS');
    expect(err.status).toBe(502);
    expect(err.message).not.toContain(token);
    expect(c.requestsTo('verify_runner')).toHaveLength(5);
  });

  it('does not retry 400, 403 or 404', async () => {
    const { c, client } = await setup();
    c.failNext({ endpoint: 'verify_runner', response: { status: 400 } });
    await expectApiError(client.verify('glrt-x', 's_1', info), 'RUNNER_API_STATUS');
    expect(c.requestsTo('verify_runner')).toHaveLength(1);
  });

  it('waits as long as Retry-After says on 429', async () => {
    const { c, client } = await setup();
    const token = c.createRunner();
    c.failNext({ endpoint: 'verify_runner', response: { status: 429, headers: { 'Retry-After': '1' } } });
    const started = Date.now();
    expect(await client.verify(token, 's_1', info)).not.toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(c.requestsTo('verify_runner')).toHaveLength(2);
  });

  it('reads Retry-After dates and RateLimit-ResetTime', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(serverDelay({ 'retry-after': '3' }, now)).toBe(3000);
    expect(serverDelay({ 'retry-after': 'Wed, 21 Oct 2015 07:28:05 GMT' }, now)).toBe(5000);
    expect(serverDelay({ 'ratelimit-resettime': 'Wed, 21 Oct 2015 07:28:02 GMT' }, now)).toBe(2000);
    expect(serverDelay({}, now)).toBeUndefined();
  });

  it('reports an unreachable GitLab as RUNNER_API_UNREACHABLE after the attempts', async () => {
    const { c } = await setup();
    const url = c.url;
    await c.close();
    coordinator = undefined;
    const client = createRunnerApi({ url, retry: { attempts: 2, minDelayMs: 1, maxDelayMs: 1 } });
    await expectApiError(client.verify('glrt-abcdefgh', 's_1', info), 'RUNNER_API_UNREACHABLE');
    expect(await client.patchTrace(1, 'glcbt-x', Buffer.from('a'), 0)).toMatchObject({ kind: 'failed', status: 0 });
  });
});

describe('redactTokens', () => {
  it('hides runner, job and registration tokens', () => {
    const text = 'glrt-t1_AbC glrtr-xyz_1 glcbt-64_Q GR1348941abcDEF https://gitlab-ci-token:secret@host/x.git custom-secret';
    expect(redactTokens(text, ['custom-secret'])).toBe('glrt-[MASKED] glrtr-[MASKED] glcbt-[MASKED] GR1348941[MASKED] https://gitlab-ci-token:[MASKED]@host/x.git [MASKED]');
  });
});

describe('transport', () => {
  it('times out a request that gets no answer', async () => {
    const { c } = await setup();
    c.failNext({ endpoint: 'verify_runner', response: { delayMs: 1000 } });
    const { sendRequest } = await import('../../../src/gitlab/api/transport.js');
    const started = Date.now();
    await expect(sendRequest({ method: 'POST', url: new URL(`${c.url}/api/v4/runners/verify`), headers: {}, timeoutMs: 100 })).rejects.toMatchObject({ reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(900);
  });
});
