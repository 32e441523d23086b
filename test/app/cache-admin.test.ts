// `glci cache ls|clear` (src/app/cache-admin.ts): local cache archives in a temp state directory, and
// cache volumes on the real Docker engine labelled as the docker executor labels them. The project
// directories are unique per test run, so only this test's volumes ever match; `--all-projects` is
// fenced with the per-test label.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearCaches, listCaches, localCaches } from '../../src/app/cache-admin.js';
import { ExecutorError, UsageError } from '../../src/errors.js';
import { ensureImage } from '../../fixtures/images/build.js';
import { byLabel, createCacheVolume, createRunLeftovers, docker, fakeLocalCache, removeByLabel, TEST_LABEL } from './leftovers-support.js';

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/glci-test.sock' };
const testRun = randomUUID();
const mine = `${TEST_LABEL}=${testRun}`;

let stateDir: string;
let projectDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'glci-cache-state-'));
  projectDir = await mkdtemp(join(tmpdir(), 'glci-cache-project-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
  await rm(projectDir, { recursive: true, force: true });
});

describe('local caches', () => {
  it('lists every cache.tar by key, nested keys included', async () => {
    await fakeLocalCache(stateDir, 'default', 10);
    await fakeLocalCache(stateDir, 'a', 20);
    await fakeLocalCache(stateDir, 'a/b', 30);
    const listing = await listCaches({ cwd: projectDir, stateDir, env: NO_ENGINE });
    expect(listing.local.map((c) => [c.key, c.sizeBytes, c.path])).toEqual([
      ['a', 20, join(stateDir, 'cache', 'a', 'cache.tar')],
      ['a/b', 30, join(stateDir, 'cache', 'a', 'b', 'cache.tar')],
      ['default', 10, join(stateDir, 'cache', 'default', 'cache.tar')],
    ]);
    expect(Number.isNaN(Date.parse(listing.local[0]?.modifiedAt ?? ''))).toBe(false);
    expect(listing.engine).toMatchObject({ address: NO_ENGINE.DOCKER_HOST, reachable: false });
    expect(listing.volumes).toEqual([]);
  });

  it('defaults the state directory to <project>/.glci', async () => {
    await fakeLocalCache(join(projectDir, '.glci'), 'default');
    const listing = await listCaches({ cwd: projectDir, env: NO_ENGINE });
    expect(listing.stateDir).toBe(join(projectDir, '.glci'));
    expect(listing.local.map((c) => c.key)).toEqual(['default']);
  });

  it('clears one key without touching a key nested below it', async () => {
    await fakeLocalCache(stateDir, 'a');
    await fakeLocalCache(stateDir, 'a/b');
    await fakeLocalCache(stateDir, 'c/d');
    const report = await clearCaches({ cwd: projectDir, stateDir, env: NO_ENGINE, keys: ['a', 'c/./d', 'nope'], scope: 'local' });
    expect(report.engine).toBeNull();
    expect(report.removed.map((r) => [r.kind, r.name])).toEqual([['local', 'a'], ['local', 'c/d']]);
    expect(report.unmatched).toEqual(['nope']);
    expect((await localCaches(stateDir)).map((c) => c.key)).toEqual(['a/b']);
    expect(existsSync(join(stateDir, 'cache', 'c'))).toBe(false); // emptied key folders go
    expect(existsSync(join(stateDir, 'cache'))).toBe(true);
  });

  it('clears every local cache when the engine is not reachable, and refuses --volumes-only then', async () => {
    await fakeLocalCache(stateDir, 'x');
    const report = await clearCaches({ cwd: projectDir, stateDir, env: NO_ENGINE, keys: [], scope: 'all' });
    expect(report.engine?.reachable).toBe(false);
    expect(report.removed.map((r) => r.name)).toEqual(['x']);
    await expect(clearCaches({ cwd: projectDir, stateDir, env: NO_ENGINE, keys: [], scope: 'volumes' })).rejects.toBeInstanceOf(ExecutorError);
    await expect(clearCaches({ cwd: projectDir, stateDir, env: NO_ENGINE, keys: [''], scope: 'local' })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('the include cache', () => {
  it('--includes removes only the fetched include files, and takes no keys', async () => {
    const cacheHome = join(projectDir, 'xdg-cache');
    const includes = join(cacheHome, 'glci', 'includes', 'template', 'gitlab.com');
    await mkdir(includes, { recursive: true });
    await writeFile(join(includes, 'entry.json'), '{}');
    await fakeLocalCache(stateDir, 'default');
    const env = { ...NO_ENGINE, XDG_CACHE_HOME: cacheHome };
    const report = await clearCaches({ cwd: projectDir, stateDir, env, keys: [], scope: 'includes' });
    expect(report.removed).toEqual([{ kind: 'includes', name: 'include files', location: join(cacheHome, 'glci', 'includes') }]);
    expect(existsSync(join(cacheHome, 'glci', 'includes'))).toBe(false);
    expect(existsSync(join(stateDir, 'cache', 'default', 'cache.tar'))).toBe(true);
    // Nothing left to remove the second time; keys make no sense for a cache shared by all projects.
    expect((await clearCaches({ cwd: projectDir, stateDir, env, keys: [], scope: 'includes' })).removed).toEqual([]);
    await expect(clearCaches({ cwd: projectDir, stateDir, env, keys: ['default'], scope: 'includes' })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('cache volumes on the engine', () => {
  let image: string;
  beforeAll(async () => {
    image = await ensureImage('busybox');
  }, 600_000);
  afterAll(() => removeByLabel(mine));

  it('lists this project\'s cache volumes, or every project\'s, and never builds volumes', async () => {
    const ours = await createCacheVolume({ testRun, pid: process.pid, pipelineId: '1', projectDir }, '/cache');
    const theirs = await createCacheVolume({ testRun, pid: process.pid, pipelineId: '1', projectDir: `${projectDir}-other` }, '/cache');
    await createRunLeftovers(image, { testRun, pid: process.pid, pipelineId: '1', projectDir }); // a builds volume: not a cache
    const listing = await listCaches({ cwd: projectDir, stateDir, env: process.env });
    expect(listing.engine.reachable).toBe(true);
    expect(listing.volumes).toEqual([{ name: ours, destination: '/cache', projectDir, projectPath: null }]);
    const all = await listCaches({ cwd: projectDir, stateDir, env: process.env, allProjects: true, labelFilters: [mine] });
    expect(all.volumes.map((v) => v.name)).toEqual([ours, theirs].sort());
    await removeByLabel(mine);
  });

  it('clears local caches and this project\'s volumes; --all-projects takes the others too', async () => {
    await fakeLocalCache(stateDir, 'default');
    const ours = await createCacheVolume({ testRun, pid: process.pid, pipelineId: '1', projectDir });
    const theirs = await createCacheVolume({ testRun, pid: process.pid, pipelineId: '1', projectDir: `${projectDir}-other` });
    const report = await clearCaches({ cwd: projectDir, stateDir, env: process.env, keys: [], scope: 'all' });
    expect(report.failed).toEqual([]);
    expect(report.removed.map((r) => [r.kind, r.name])).toEqual([['local', 'default'], ['volume', ours]]);
    expect((await byLabel(mine)).volumes).toEqual([theirs]);
    const everyProject = await clearCaches({ cwd: projectDir, stateDir, env: process.env, keys: [], scope: 'volumes', allProjects: true, labelFilters: [mine] });
    expect(everyProject.removed.map((r) => r.name)).toEqual([theirs]);
    expect((await byLabel(mine)).volumes).toEqual([]);
  });

  it('matches volumes by name or destination, and reports a volume in use instead of failing', async () => {
    const npm = await createCacheVolume({ testRun, pid: process.pid, pipelineId: '1', projectDir }, '/root/.npm');
    const busy = await createCacheVolume({ testRun, pid: process.pid, pipelineId: '1', projectDir }, '/cache');
    const holder = await docker.createContainer({ Image: image, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: testRun }, HostConfig: { Binds: [`${busy}:/cache`] } });
    await holder.start();
    const report = await clearCaches({ cwd: projectDir, stateDir, env: process.env, keys: ['/root/.npm', busy], scope: 'volumes' });
    expect(report.removed.map((r) => [r.name, r.location])).toEqual([[npm, '/root/.npm']]);
    expect(report.failed.map((f) => f.name)).toEqual([busy]);
    expect(report.failed[0]?.error).toMatch(/in use/);
    expect(report.unmatched).toEqual([]);
    await holder.remove({ force: true });
    const again = await clearCaches({ cwd: projectDir, stateDir, env: process.env, keys: [busy], scope: 'volumes' });
    expect(again.removed.map((r) => r.name)).toEqual([busy]);
  });
});
