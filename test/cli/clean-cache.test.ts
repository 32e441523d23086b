// `glci clean`, `glci cache ls` and `glci cache clear` through the built CLI (bin/run.js; `npm run
// build` first), against the real Docker engine and a temp state directory. Engine leftovers carry a
// per-test label and `glci clean` is given `--label` for it, so other tests' resources are never touched.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../fixtures/images/build.js';
import { isolatedEnv } from '../acceptance/fixture-checkout.js';
import { registerRun } from '../../src/app/run-registry.js';
import { byLabel, createCacheVolume, createRunLeftovers, deadPid, docker, fakeBuilds, fakeLocalCache, fakePipeline, removeByLabel, TEST_LABEL } from '../app/leftovers-support.js';

const cli = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const testRun = randomUUID();
const mine = `${TEST_LABEL}=${testRun}`;

let root: string;
let projectDir: string;
let stateDir: string;
let image: string;

async function glci(args: string[], env: Record<string, string> = {}) {
  const result = await execa(process.execPath, [cli, ...args, '--cwd', projectDir, '--state-dir', stateDir], {
    env: { ...isolatedEnv(), HOME: root, ...env },
    extendEnv: false,
    reject: false,
    timeout: 30_000,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

beforeAll(async () => {
  image = await ensureImage('busybox');
  root = await mkdtemp(join(tmpdir(), 'glci-clean-cli-'));
  projectDir = join(root, 'project');
  await mkdir(projectDir);
  stateDir = join(root, 'state');
}, 600_000);
afterAll(async () => {
  await removeByLabel(mine);
  await rm(root, { recursive: true, force: true });
});

describe('glci clean', () => {
  it('--dry-run lists, then --json removes a crashed run\'s leftovers and keeps live runs and caches', async () => {
    const dead = await deadPid();
    const crashed = await createRunLeftovers(image, { testRun, pid: dead, pipelineId: '3000', projectDir });
    const live = await createRunLeftovers(image, { testRun, pid: process.pid, pipelineId: '3001', projectDir });
    const cache = await createCacheVolume({ testRun, pid: dead, pipelineId: '3000', projectDir });
    await fakeBuilds(stateDir, '3000');
    await registerRun(stateDir, 3000, projectDir, dead);
    await fakePipeline(stateDir, '3000', [{ job: 'build', expireIn: '1 sec', createdAt: new Date(Date.now() - 60_000) }]);
    await fakeLocalCache(stateDir, 'default');

    const dry = await glci(['clean', '--dry-run', '--label', mine]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would remove network ${crashed.network} (glci process ${dead} is gone)`);
    expect(dry.stdout).toContain('would remove builds folder builds/3000 (its run is over)');
    expect(dry.stdout).toContain('would remove pipeline pipelines/3000 (all its artifacts expired)');
    expect(dry.stdout.trimEnd().split('\n').at(-1)).toBe('Would remove 5 items (3 kept for live runs)');

    const res = await glci(['clean', '--json', '--label', mine]);
    expect(res.exitCode, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as { dryRun: boolean; items: Array<{ kind: string; name: string }>; failed: unknown[]; engine: { reachable: boolean } };
    expect(report.dryRun).toBe(false);
    expect(report.engine.reachable).toBe(true);
    expect(report.failed).toEqual([]);
    expect(report.items.map((i) => i.kind)).toEqual(['container', 'network', 'volume', 'builds', 'pipeline']);
    expect(await byLabel(mine)).toEqual({ containers: [live.container], networks: [live.network], volumes: [cache, live.volume].sort() });
    expect(existsSync(join(stateDir, 'builds', '3000'))).toBe(false);
    expect(existsSync(join(stateDir, 'cache', 'default', 'cache.tar'))).toBe(true);
    await removeByLabel(mine);
  });

  it('says in one stderr line that the engine was not reachable, and still cleans the state directory', async () => {
    const dead = await deadPid();
    await fakeBuilds(stateDir, '3002');
    await registerRun(stateDir, 3002, projectDir, dead);
    const res = await glci(['clean'], { DOCKER_HOST: 'unix:///nonexistent/glci.sock' });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('the Docker engine at unix:///nonexistent/glci.sock was not reachable');
    expect(res.stdout).toContain('removed builds folder builds/3002 (its run is over)');
  });
});

describe('glci cache', () => {
  it('ls --json lists local caches and this project\'s volumes; clear removes them', async () => {
    await fakeLocalCache(stateDir, 'node-modules', 4096);
    const volume = await createCacheVolume({ testRun, pid: process.pid, pipelineId: '1', projectDir }, '/cache');
    const ls = await glci(['cache', 'ls', '--json']);
    expect(ls.exitCode, ls.stderr).toBe(0);
    const listing = JSON.parse(ls.stdout) as { local: Array<{ key: string; sizeBytes: number }>; volumes: Array<{ name: string; destination: string; projectDir: string }> };
    expect(listing.local.filter((c) => c.key === 'node-modules')).toEqual([expect.objectContaining({ sizeBytes: 4096 })]);
    expect(listing.volumes).toEqual([{ name: volume, destination: '/cache', projectDir, projectPath: null }]);

    const plain = await glci(['cache', 'ls']);
    expect(plain.stdout).toMatch(/^KEY +SIZE +MODIFIED +PATH$/m);
    expect(plain.stdout).toMatch(new RegExp(`^${volume} +/cache +${projectDir}$`, 'm'));

    const clear = await glci(['cache', 'clear']);
    expect(clear.exitCode, clear.stderr).toBe(0);
    expect(clear.stdout).toContain(`removed cache volume ${volume} (/cache)`);
    expect(clear.stdout).toContain('removed local cache node-modules');
    const after = JSON.parse((await glci(['cache', 'ls', '--json'])).stdout) as typeof listing;
    expect([after.local, after.volumes]).toEqual([[], []]);
  });

  it('clear exits with 3 when a volume is in use, and names it', async () => {
    const volume = await createCacheVolume({ testRun, pid: process.pid, pipelineId: '1', projectDir }, '/cache');
    const holder = await docker.createContainer({ Image: image, Cmd: ['sleep', '300'], Labels: { [TEST_LABEL]: testRun }, HostConfig: { Binds: [`${volume}:/cache`] } });
    try {
      const res = await glci(['cache', 'clear', '--volumes-only', '--json']);
      expect(res.exitCode).toBe(3);
      expect(res.stderr).toMatch(new RegExp(`cannot remove cache volume ${volume} \\(/cache\\): .*in use`));
      const report = JSON.parse(res.stdout) as { failed: Array<{ name: string }> };
      expect(report.failed.map((f) => f.name)).toEqual([volume]);
    } finally {
      await holder.remove({ force: true });
    }
  });

  it('rejects --volumes-only with --local-only as a usage error', async () => {
    const res = await glci(['cache', 'clear', '--volumes-only', '--local-only']);
    expect(res.exitCode).toBe(2);
  });
});
