// `glci clean` (src/app/clean.ts): the state directory against temp folders with fake builds,
// pipelines and artifacts; the engine against the real Docker engine, with leftovers labelled as the
// docker executor labels them, owned by a dead pid (a crashed run) or by this process (a live run).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanLeftovers, cleanReportLines, type CleanReport } from '../../src/app/clean.js';
import { artifactsExpiry } from '../../src/app/clean-state.js';
import { registerRun } from '../../src/app/run-registry.js';
import { UsageError } from '../../src/errors.js';
import { ensureImage } from '../../fixtures/images/build.js';
import { byLabel, createCacheVolume, createRunLeftovers, deadPid, docker, fakeBuilds, fakeLocalCache, fakePipeline, removeByLabel, TEST_LABEL } from './leftovers-support.js';

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/glci-test.sock' };
const NOW = new Date('2030-06-01T12:00:00Z');
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'glci-clean-'));
});
afterEach(() => rm(stateDir, { recursive: true, force: true }));

const names = (report: CleanReport, kind?: string) => report.items.filter((i) => kind === undefined || i.kind === kind).map((i) => i.name).sort();

describe('artifactsExpiry', () => {
  const createdAt = '2030-01-01T00:00:00.000Z';
  it.each([
    ['1 week', '2030-01-08T00:00:00.000Z'],
    ['2 hrs 30 min', '2030-01-01T02:30:00.000Z'],
    ['3600', '2030-01-01T01:00:00.000Z'],
    [null, '2030-01-31T00:00:00.000Z'], // GitLab's instance default, 30 days
  ])('expire_in %s from the creation time', (expireIn, expected) => {
    expect(artifactsExpiry({ expireIn, createdAt })?.toISOString()).toBe(expected);
  });

  it.each(['never', 'Never', '$EXPIRY', '${EXPIRY} days', 'soon'])('%s never expires', (expireIn) => {
    expect(artifactsExpiry({ expireIn, createdAt })).toBeNull();
  });
});

describe('clean: builds folders', () => {
  it('removes the builds of runs that are over and keeps those of live runs', async () => {
    const dead = await deadPid();
    await fakeBuilds(stateDir, '100');
    await registerRun(stateDir, 100, '/p', dead); // a crashed run: its marker names a dead pid
    await fakeBuilds(stateDir, '101');
    await registerRun(stateDir, 101, '/p', process.pid); // a run still going
    await fakeBuilds(stateDir, '102', 2); // no marker, untouched for two days
    await fakeBuilds(stateDir, '103'); // no marker, changed just now: could be a live run
    const report = await cleanLeftovers({ stateDir, env: NO_ENGINE });
    expect(names(report, 'builds')).toEqual(['builds/100', 'builds/102']);
    expect((await readdir(join(stateDir, 'builds'))).sort()).toEqual(['101', '103']);
    expect(report.kept.map((k) => [k.name, k.reason])).toEqual([
      ['builds/101', `glci process ${process.pid} is still running it`],
      ['builds/103', 'no run marker, and changed within the last 24 h'],
    ]);
    // The dead run's marker goes with its builds; the live one's stays.
    expect((await readdir(join(stateDir, 'runs'))).sort()).toEqual(['101.json']);
  });

  it('reports an unreachable engine as data and still cleans the state directory', async () => {
    await fakeBuilds(stateDir, '100', 2);
    const report = await cleanLeftovers({ stateDir, env: NO_ENGINE });
    expect(report.engine).toMatchObject({ address: NO_ENGINE.DOCKER_HOST, reachable: false });
    expect(report.engine.problem).toMatch(/ENOENT/);
    expect(report.failed).toEqual([]);
    expect(names(report)).toEqual(['builds/100']);
  });
});

describe('clean: pipelines and artifacts', () => {
  async function sevenPipelines(): Promise<void> {
    const fresh = { job: 'build', expireIn: '1 week', createdAt: daysAgo(1) };
    for (const id of ['1000', '1001', '1002']) await fakePipeline(stateDir, id, [fresh]);
    await fakePipeline(stateDir, '1003', [{ job: 'unset', expireIn: null, createdAt: daysAgo(40) }]); // past GitLab's 30-day default
    await fakePipeline(stateDir, '1004', [{ job: 'keep', expireIn: 'never', createdAt: daysAgo(400) }]);
    await fakePipeline(stateDir, '1005', [
      { job: 'old', expireIn: '1 day', createdAt: daysAgo(3) },
      { job: 'older', expireIn: '1 hour', createdAt: daysAgo(3) },
    ]);
    await fakePipeline(stateDir, '1006', [
      { job: 'expired', expireIn: '30 min', createdAt: daysAgo(1) },
      { job: 'fresh', expireIn: '2 days', createdAt: daysAgo(1) },
    ]);
  }

  it('keeps the newest 5 pipelines, drops fully expired ones and expired artifacts', async () => {
    await sevenPipelines();
    const report = await cleanLeftovers({ stateDir, env: NO_ENGINE, now: NOW });
    expect(report.items.map((i) => [i.kind, i.name])).toEqual([
      ['artifacts', 'pipelines/1006/artifacts/job-0'],
      ['pipeline', 'pipelines/1005'],
      ['pipeline', 'pipelines/1003'],
      ['pipeline', 'pipelines/1001'],
      ['pipeline', 'pipelines/1000'],
    ]);
    expect(report.items.map((i) => i.reason)).toEqual([
      'artifacts of expired expired 2030-05-31T12:30:00.000Z (expire_in: 30 min)',
      'all its artifacts expired',
      'all its artifacts expired',
      'older than the newest 5',
      'older than the newest 5',
    ]);
    expect((await readdir(join(stateDir, 'pipelines'))).sort()).toEqual(['1002', '1004', '1006']);
    expect(await readdir(join(stateDir, 'pipelines', '1006', 'artifacts'))).toEqual(['job-1']);
  });

  it('--keep N and --dry-run', async () => {
    await sevenPipelines();
    const dry = await cleanLeftovers({ stateDir, env: NO_ENGINE, now: NOW, keep: 1, dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(names(dry, 'pipeline')).toEqual(['pipelines/1000', 'pipelines/1001', 'pipelines/1002', 'pipelines/1003', 'pipelines/1004', 'pipelines/1005']);
    expect(names(dry, 'artifacts')).toEqual(['pipelines/1006/artifacts/job-0']);
    expect(await readdir(join(stateDir, 'pipelines'))).toHaveLength(7); // nothing removed
    expect(cleanReportLines(dry).at(-1)).toBe('Would remove 7 items');
    expect(cleanReportLines(dry)[1]).toBe('would remove pipeline pipelines/1005 (older than the newest 1)');
    const real = await cleanLeftovers({ stateDir, env: NO_ENGINE, now: NOW, keep: 0 });
    expect(names(real, 'pipeline')).toHaveLength(7);
    expect(await readdir(join(stateDir, 'pipelines'))).toEqual([]);
  });

  it('never removes the pipeline of a live run, nor caches, git repositories or unknown folders', async () => {
    await fakePipeline(stateDir, '1000', [{ job: 'old', expireIn: '1 sec', createdAt: daysAgo(1) }]);
    await registerRun(stateDir, 1000, '/p', process.pid);
    await fakePipeline(stateDir, '999', []);
    await fakeLocalCache(stateDir, 'default');
    await mkdir(join(stateDir, 'git', 'shallow', 'abc-depth-1'), { recursive: true });
    await mkdir(join(stateDir, 'pipelines', 'not-a-pipeline'), { recursive: true });
    await writeFile(join(stateDir, '.gitignore'), '*\n');
    const report = await cleanLeftovers({ stateDir, env: NO_ENGINE, now: NOW, keep: 0 });
    expect(names(report)).toEqual(['pipelines/999']);
    expect(report.kept.map((k) => k.name)).toEqual(['pipelines/1000']);
    for (const kept of ['pipelines/1000/artifacts/job-0', 'cache/default/cache.tar', 'git/shallow/abc-depth-1', 'pipelines/not-a-pipeline', '.gitignore']) {
      expect(existsSync(join(stateDir, kept)), kept).toBe(true);
    }
  });

  it('rejects a negative --keep and an empty label filter', async () => {
    await expect(cleanLeftovers({ stateDir, env: NO_ENGINE, keep: -1 })).rejects.toBeInstanceOf(UsageError);
    await expect(cleanLeftovers({ stateDir, env: NO_ENGINE, labelFilters: ['=x'] })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('clean: Docker engine leftovers', () => {
  const testRun = randomUUID();
  const mine = `${TEST_LABEL}=${testRun}`;
  const projectDir = `/tmp/glci-clean-test-${testRun}`;
  let image: string;
  beforeAll(async () => {
    image = await ensureImage('busybox');
  }, 600_000);
  afterAll(() => removeByLabel(mine));

  it('removes a dead run\'s containers, networks and volumes in order; keeps live runs and cache volumes', async () => {
    const dead = await deadPid();
    const crashed = await createRunLeftovers(image, { testRun, pid: dead, pipelineId: '2000', projectDir });
    const live = await createRunLeftovers(image, { testRun, pid: process.pid, pipelineId: '2001', projectDir });
    const cacheVolume = await createCacheVolume({ testRun, pid: dead, pipelineId: '2000', projectDir });
    // An unmarked, two-day-old builds folder of the live run stays: the engine shows the run is alive.
    await fakeBuilds(stateDir, '2001', 2);
    const before = await byLabel(mine);
    expect([before.containers.length, before.networks.length, before.volumes.length]).toEqual([2, 2, 3]);

    const dry = await cleanLeftovers({ stateDir, env: process.env, labelFilters: [mine], dryRun: true });
    expect(dry.engine.reachable).toBe(true);
    expect(dry.items.map((i) => [i.kind, i.name])).toEqual([
      ['container', `${crashed.network.replace(/-network$/, '')}-build`],
      ['network', crashed.network],
      ['volume', crashed.volume],
    ]);
    expect(await byLabel(mine)).toEqual(before);

    const report = await cleanLeftovers({ stateDir, env: process.env, labelFilters: [mine] });
    expect(report.failed).toEqual([]);
    expect(report.items.map((i) => [i.kind, i.name])).toEqual(dry.items.map((i) => [i.kind, i.name]));
    expect(report.items[0]?.target).toBe(crashed.container);
    expect(report.items.every((i) => i.reason === `glci process ${dead} is gone` && i.pipelineId === '2000')).toBe(true);
    expect(report.kept.map((k) => k.kind).sort()).toEqual(['builds', 'container', 'network', 'volume']);
    expect(report.kept.find((k) => k.kind === 'builds')?.reason).toBe('a live glci process still has engine resources of it');
    const after = await byLabel(mine);
    expect(after).toEqual({ containers: [live.container], networks: [live.network], volumes: [cacheVolume, live.volume].sort() });
    expect(existsSync(join(stateDir, 'builds', '2001'))).toBe(true);
  });

  it('reports what the engine refuses to remove instead of failing', async () => {
    const dead = await deadPid();
    const crashed = await createRunLeftovers(image, { testRun, pid: dead, pipelineId: '2002', projectDir });
    // A container of a live run that uses the dead run's volume: the engine refuses to remove it.
    const holder = await docker.createContainer({ Image: image, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: testRun }, HostConfig: { Binds: [`${crashed.volume}:/x`] } });
    const report = await cleanLeftovers({ stateDir, env: process.env, labelFilters: [mine, 'org.glci.pipeline.id=2002'] });
    expect(report.items.map((i) => i.kind)).toEqual(['container', 'network']);
    expect(report.failed.map((f) => [f.kind, f.name])).toEqual([['volume', crashed.volume]]);
    expect(report.failed[0]?.error).toMatch(/in use/);
    await holder.remove({ force: true });
  });
});
