// The distributed cache against a real S3 server (Versity's gateway, test/setup/s3-server.ts), which
// checks every presigned URL's signature: two "runners" (separate state dirs, separate tokens) share
// caches through one bucket under GitLab Runner's object names, in GitLab Runner's zip format.
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { restoreCaches, saveCaches } from '../../src/artifacts/cache.js';
import { cacheObjectName, shortenRunnerToken, withGitlabSuffixes, type RemoteCacheTarget } from '../../src/artifacts/remote-cache.js';
import { presignObjectUrl } from '../../src/artifacts/s3-presign.js';
import type { CacheSettings } from '../../src/model/cache-settings.js';
import type { CacheDefinition } from '../../src/model/config.js';
import type { JobVariable } from '../../src/model/plan.js';
import { readArchiveFiles } from '../../src/platform/archive.js';
import { readZip, writeZip } from '../../src/platform/zip-archive.js';
import { OutputCollector, variable, type PreparedJob } from '../executors/contract-support.js';
import { S3_SETUP_TIMEOUT_MS, startS3Server, type TestS3Server } from '../setup/s3-server.js';
import { storeWorkspace } from './store-support.js';

const TOKEN_A = 'glrt-t1_runnerAAAAAAAAAAAAAAAA';
const TOKEN_B = 'glrt-t1_runnerBBBBBBBBBBBBBBBB';

function cache(key: string, overrides: Partial<CacheDefinition> = {}): CacheDefinition {
  return { key: { kind: 'literal', value: key }, paths: ['.cache'], untracked: false, unprotect: false, when: 'on_success', policy: 'pull-push', fallbackKeys: [], ...overrides };
}

let s3: TestS3Server;
// A cold machine builds the server first (test/setup/s3/build.sh): longer than vitest's hook timeout.
beforeAll(async () => {
  s3 = await startS3Server();
}, S3_SETUP_TIMEOUT_MS);
afterAll(async () => {
  await s3?.stop();
});

function settings(overrides: Partial<CacheSettings> = {}): CacheSettings {
  return {
    type: 's3', path: 'team', shared: true, maxUploadedArchiveSize: 0,
    s3: {
      serverAddress: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, sessionToken: '', bucketName: s3.bucket,
      bucketLocation: '', insecure: true, authenticationType: '',
    },
    ...overrides,
  };
}

function target(runnerToken: string, overrides: Partial<RemoteCacheTarget> = {}): RemoteCacheTarget {
  return { settings: settings(), projectId: '42', runnerToken, retryDelayMs: 10, environment: {}, ...overrides };
}

/** A port nothing listens on (fetch refuses the well-known ones such as 1). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The object as the server holds it (a presigned GET with the server's own keys), or null on 404. */
async function objectInBucket(name: string): Promise<Buffer | null> {
  const endpoint = { serverAddress: s3.endpoint, insecure: true, bucketName: s3.bucket, bucketLocation: '' };
  const { url } = presignObjectUrl(endpoint, name, 'GET', { accessKey: s3.accessKey, secretKey: s3.secretKey }, { expiresSeconds: 60 });
  const response = await fetch(url);
  if (response.status === 404) return null;
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('distributed cache on S3', () => {
  // Two machines: each runner has its own state dir, so nothing is shared but the bucket.
  const runnerA = storeWorkspace();
  const runnerB = storeWorkspace();
  afterEach(async () => {
    await runnerA.cleanup();
    await runnerB.cleanup();
  });
  afterAll(() => {
    runnerA.dispose();
    runnerB.dispose();
  });

  const vars = (name: string, extra: JobVariable[] = []) => [variable('CI_JOB_NAME', name), variable('CI_COMMIT_REF_NAME', 'main'), ...extra];

  async function writer(ws: ReturnType<typeof storeWorkspace>, name: string, content: string, extra: JobVariable[] = []): Promise<PreparedJob> {
    const p = await ws.job(name, { variables: vars(name, extra) });
    await p.run(['mkdir -p .cache', `printf '%s' '${content}' > .cache/data`]);
    return p;
  }

  async function save(ws: ReturnType<typeof storeWorkspace>, p: PreparedJob, caches: CacheDefinition[], remote: RemoteCacheTarget) {
    const log = new OutputCollector();
    const result = await saveCaches(p.env, caches, p.job.variables, ws.stateDir, true, log, { remote });
    return { log: log.text, ...result };
  }

  async function restore(ws: ReturnType<typeof storeWorkspace>, p: PreparedJob, caches: CacheDefinition[], remote: RemoteCacheTarget) {
    const log = new OutputCollector();
    const result = await restoreCaches(p.env, caches, p.job.variables, ws.stateDir, log, { remote });
    const data = (await readArchiveFiles(await p.env.copyOut(['.cache']), () => true)).get('.cache/data')?.toString();
    return { log: log.text, data, ...result };
  }

  it('a cache saved by one runner is restored by another when the bucket is Shared', async () => {
    const saved = await save(runnerA, await writer(runnerA, 'build', 'from-a'), [cache('deps-shared')], target(TOKEN_A));
    const url = `http://${s3.endpoint}/${s3.bucket}/team/project/42/deps-shared`;
    expect(saved.warnings).toEqual([]);
    expect(saved.log).toContain('Creating cache deps-shared...');
    expect(saved.log).toContain(`Uploading cache.zip to ${url}\u001b`);
    expect(saved.log).toContain('Created cache');
    // GitLab Runner's format: a zip whose entries are paths relative to the project dir.
    const object = await objectInBucket('team/project/42/deps-shared');
    expect(object?.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(readZip(object!).find((e) => e.path === '.cache/data')?.data.toString()).toBe('from-a');

    const restored = await restore(runnerB, await runnerB.job('test', { variables: vars('test') }), [cache('deps-shared')], target(TOKEN_B));
    expect(restored.warnings).toEqual([]);
    expect(restored.log).toContain('Checking cache for deps-shared...');
    expect(restored.log).toMatch(new RegExp(`Downloading cache from ${url.replace(/[.]/g, '\\.')}  ETag="[0-9a-f]+"\u001b`));
    expect(restored.log).toContain('Successfully extracted cache');
    expect(restored.data).toBe('from-a');
    // The signed query string is a credential: never in the job log.
    expect(saved.log + restored.log).not.toMatch(/X-Amz|Signature/);
  });

  it('without Shared, each runner has its own namespace (runner/<short token>/)', async () => {
    const perRunner = { settings: settings({ shared: false, path: '' }) };
    const saved = await save(runnerA, await writer(runnerA, 'build', 'private-a'), [cache('deps-private')], target(TOKEN_A, perRunner));
    expect(saved.warnings).toEqual([]);
    expect(shortenRunnerToken(TOKEN_A)).toBe('t1_runner');
    const name = `runner/${shortenRunnerToken(TOKEN_A)}/project/42/deps-private`;
    expect(await objectInBucket(name)).not.toBeNull();

    const other = await restore(runnerB, await runnerB.job('other', { variables: vars('other') }), [cache('deps-private')], target('glrt-t2_otherRUNNERxxxxxxxx', perRunner));
    expect(other.log).toContain('WARNING: file does not exist');
    expect(other.log).toContain('WARNING: Failed to extract cache');
    expect(other.data).toBeUndefined();

    const same = await restore(runnerB, await runnerB.job('same', { variables: vars('same') }), [cache('deps-private')], target(TOKEN_A, perRunner));
    expect(same.warnings).toEqual([]);
    expect(same.data).toBe('private-a');
  });

  it('restores an object a GitLab Runner uploaded, trying fallback keys in order', async () => {
    const zip = writeZip([
      { path: '.cache', type: 'directory', mode: 0o755, mtime: new Date(), data: Buffer.alloc(0) },
      { path: '.cache/data', type: 'file', mode: 0o644, mtime: new Date(), data: Buffer.from('from-gitlab-runner') },
    ]);
    const endpoint = { serverAddress: s3.endpoint, insecure: true, bucketName: s3.bucket, bucketLocation: '' };
    const put = presignObjectUrl(endpoint, 'team/project/42/main-fallback', 'PUT', { accessKey: s3.accessKey, secretKey: s3.secretKey }, { expiresSeconds: 60 });
    expect((await fetch(put.url, { method: 'PUT', body: zip })).status).toBe(200);
    const restored = await restore(runnerB, await runnerB.job('fb', { variables: vars('fb') }), [cache('missing-key', { fallbackKeys: ['main-fallback'] })], target(TOKEN_B));
    expect(restored.log).toMatch(/Checking cache for missing-key\.\.\.[\s\S]*file does not exist[\s\S]*Failed to extract cache[\s\S]*Checking cache for main-fallback\.\.\.[\s\S]*Successfully extracted cache/);
    expect(restored.data).toBe('from-gitlab-runner');
  });

  it('an unreachable server warns, retries as GitLab Runner does, and never fails the job', async () => {
    const closed = await closedPort();
    const down = settings();
    down.s3 = { ...down.s3!, serverAddress: `127.0.0.1:${closed}` };
    const remote = target(TOKEN_A, { settings: down });
    const saved = await save(runnerA, await writer(runnerA, 'build', 'offline'), [cache('deps-down')], remote);
    expect(saved.log).toContain(`Uploading cache.zip to http://127.0.0.1:${closed}/`);
    expect(saved.warnings.filter((w) => w.startsWith('Retrying...'))).toHaveLength(2);
    expect(saved.warnings).toContain(`Put "http://127.0.0.1:${closed}/${s3.bucket}/team/project/42/deps-down": connect: connection refused`);
    expect(saved.warnings.at(-1)).toBe('Failed to create cache');
    const restored = await restore(runnerA, await runnerA.job('after', { variables: vars('after') }), [cache('deps-down')], remote);
    expect(restored.warnings).toContain(`Get "http://127.0.0.1:${closed}/${s3.bucket}/team/project/42/deps-down": connect: connection refused`);
    expect(restored.warnings.at(-1)).toBe('Failed to extract cache');
    expect(saved.log + restored.log).not.toMatch(/X-Amz|Signature/);
  });

  it('a wrong secret is refused by the server: a warning, not a failure', async () => {
    const wrong = settings();
    wrong.s3 = { ...wrong.s3!, secretKey: 'not-the-secret' };
    const saved = await save(runnerA, await writer(runnerA, 'build', 'x'), [cache('deps-wrong')], target(TOKEN_A, { settings: wrong }));
    expect(saved.warnings).toEqual(['received: 403 Forbidden', 'Failed to create cache']);
    expect(await objectInBucket('team/project/42/deps-wrong')).toBeNull();
  });

  it('takes AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY when the file has no keys; without any, the local cache', async () => {
    const keyless = settings();
    keyless.s3 = { ...keyless.s3!, accessKey: '', secretKey: '' };
    const environment = { AWS_ACCESS_KEY_ID: s3.accessKey, AWS_SECRET_ACCESS_KEY: s3.secretKey };
    const saved = await save(runnerA, await writer(runnerA, 'build', 'env-keys'), [cache('deps-env')], target(TOKEN_A, { settings: keyless, environment }));
    expect(saved.warnings).toEqual([]);
    expect(await objectInBucket('team/project/42/deps-env')).not.toBeNull();
    const none = await restore(runnerB, await runnerB.job('nokeys', { variables: vars('nokeys') }), [cache('deps-env')], target(TOKEN_B, { settings: keyless }));
    expect(none.warnings[0]).toMatch(/^no S3 credentials/);
    // The local cache of runner B has no copy either.
    expect(none.warnings.slice(1)).toEqual(['Cache file does not exist', 'Failed to extract cache']);
  });

  it('an archive over MaxUploadedArchiveSize stays local, with GitLab Runner\'s message', async () => {
    const small = target(TOKEN_A, { settings: settings({ maxUploadedArchiveSize: 10 }) });
    const saved = await save(runnerA, await writer(runnerA, 'build', 'too big for ten bytes'), [cache('deps-big')], small);
    expect(saved.log).toMatch(/Cache archive size \(\d+\) is too big \(Limit is set to 10\)\. Cache will be stored only locally\./);
    expect(saved.log).not.toContain('Uploading cache.zip');
    expect(saved.log).toContain('Created cache');
    expect(await objectInBucket('team/project/42/deps-big')).toBeNull();
  });

  it('a local run warms from the team cache: project id from CI_PROJECT_ID, GitLab\'s key suffixes added', async () => {
    // What a GitLab Runner of the team saved for a non-protected branch of project 42, cache index 3.
    await save(runnerA, await writer(runnerA, 'build', 'team'), [cache('default-3-non_protected')], target(TOKEN_A));
    const laptop = target('', { projectId: undefined, gitlabKeys: { cacheIndex: 3, separateProtected: true } });
    const job = await runnerB.job('local', { variables: vars('local', [variable('CI_PROJECT_ID', '42'), variable('CI_COMMIT_REF_PROTECTED', 'false')]) });
    const restored = await restore(runnerB, job, [cache('default')], laptop);
    expect(restored.log).toContain('Checking cache for default-3-non_protected...');
    expect(restored.data).toBe('team');
    const offline = await restore(runnerB, await runnerB.job('noid', { variables: vars('noid', [variable('CI_PROJECT_ID', '0')]) }), [cache('default')], laptop);
    expect(offline.log).toContain('No GitLab project id (CI_PROJECT_ID) for the distributed cache: the local cache is used.');
    expect(offline.log).toContain('Checking cache for default-3-non_protected...');
  });
});

describe('object names and keys (GitLab Runner cache.go, build.rb)', () => {
  const base: CacheSettings = { type: 's3', path: '', shared: false, maxUploadedArchiveSize: 0 };

  it('follows generateObjectName', () => {
    expect(cacheObjectName(base, 'glrt-abcdefghijkl', '7', 'key')).toBe('runner/abcdefghi/project/7/key');
    expect(cacheObjectName({ ...base, shared: true, path: '/ci/' }, 'x', '7', 'a/b')).toBe('ci/project/7/a/b');
    expect(cacheObjectName(base, 'abcdefghij', '7', '../../other')).toBeNull();
    expect(cacheObjectName(base, 'abcdefghij', '7', '')).toBeNull();
  });

  it('shortens tokens as ShortenToken does', () => {
    expect(shortenRunnerToken('glrt-t1_abcdefghijk')).toBe('t1_abcdef');
    expect(shortenRunnerToken('glrtr-abcdefghijk')).toBe('abcdefghi');
    expect(shortenRunnerToken('GR1348941abcdefghijklmn')).toBe('GR1348941abcdefgh');
    expect(shortenRunnerToken('abcdefghijkl')).toBe('abcdefgh');
    expect(shortenRunnerToken('short')).toBe('short');
  });

  it('adds the index and protection suffixes to the key and every fallback key', () => {
    const c = cache('deps', { fallbackKeys: ['main'] });
    expect(withGitlabSuffixes(c, { cacheIndex: 2, separateProtected: true }, true)).toMatchObject({ key: { value: 'deps-2-protected' }, fallbackKeys: ['main-2-protected'] });
    expect(withGitlabSuffixes({ ...c, unprotect: true }, { separateProtected: true }, true).key).toEqual({ kind: 'literal', value: 'deps-non_protected' });
    expect(withGitlabSuffixes(c, { separateProtected: false }, true)).toBe(c);
  });
});
