// `glci doctor` and `glci init` through the built CLI (bin/run.js; `npm run build` first): exit
// statuses, the text and --json forms, and that init never overwrites a file without --force.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../fixtures/images/build.js';
import type { DoctorReport } from '../../src/app/doctor.js';
import type { InitResult } from '../../src/app/init-config.js';
import { isolatedEnv } from '../acceptance/fixture-git.js';
import { ensureDockerEngine } from '../setup/docker-engine.js';

const cli = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
let root: string;

beforeAll(async () => {
  expect(existsSync(fileURLToPath(new URL('../../dist/commands/doctor.js', import.meta.url))), 'run `npm run build` first').toBe(true);
  root = await mkdtemp(join(tmpdir(), 'glci-doctor-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs glci with a HOME of its own, so the user's real config never leaks into the test. */
async function glci(args: string[], env: Record<string, string> = {}) {
  const result = await execa(process.execPath, [cli, ...args], {
    cwd: root,
    env: { ...isolatedEnv(), HOME: join(root, 'home'), ...env },
    extendEnv: false,
    reject: false,
    timeout: 90_000,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('glci doctor', () => {
  it('without an engine: ✗ with how to start one, exit 3', async () => {
    const res = await glci(['doctor', '--cwd', root], { DOCKER_HOST: 'unix:///nonexistent' });
    expect(res.exitCode, res.stderr).toBe(3);
    expect(res.stdout).toContain('✗ Docker engine: no engine answers at unix:///nonexistent (from DOCKER_HOST)');
    expect(res.stdout).toContain('sudo systemctl start docker');
    expect(res.stdout).toContain('- Privileged containers: skipped: no engine');
    expect(res.stdout).toMatch(/✓ Node\.js: v\d+/);
    expect(res.stdout.trimEnd().split('\n').at(-1)).toMatch(/^1 problem, \d+ warnings?$/);
  });

  it('--json: the checks and the exit code as data, same exit status', async () => {
    const res = await glci(['doctor', '--json', '--cwd', root], { DOCKER_HOST: 'unix:///nonexistent' });
    expect(res.exitCode, res.stderr).toBe(3);
    const report = JSON.parse(res.stdout) as DoctorReport;
    expect(report.exitCode).toBe(3);
    expect(report.checks.map((c) => c.name)).toEqual([
      'Docker engine', 'Privileged containers', 'Privileged fallback', 'Docker-in-Docker', 'Runner config', 'Git checkout', 'State directory', 'Node.js',
    ]);
    expect(report.checks[0]).toMatchObject({ status: 'fail', hint: expect.stringContaining('DOCKER_HOST') });
    for (const check of report.checks) expect(['ok', 'warn', 'fail', 'skip']).toContain(check.status);
  });

  it('a config that does not load: exit 2 (a configuration error), the rest still checked', async () => {
    const config = join(root, 'broken.toml');
    await writeFile(config, 'concurrent = \n');
    await ensureDockerEngine();
    const res = await glci(['doctor', '--json', '--config', config, '--cwd', root]);
    const report = JSON.parse(res.stdout) as DoctorReport;
    expect(report.checks.find((c) => c.name === 'Runner config')).toMatchObject({ status: 'fail', detail: [expect.stringContaining(`${config}:1:`)] });
    expect(report.checks.find((c) => c.name === 'Docker engine')?.status).toBe('ok');
    expect(res.exitCode).toBe(2);
    // With the engine missing too, the system problem decides the status.
    const both = await glci(['doctor', '--json', '--config', config, '--cwd', root], { DOCKER_HOST: 'unix:///nonexistent' });
    expect(both.exitCode).toBe(3);
  }, 600_000);

  it('against the real engine with a local image: exit 0', async () => {
    const image = await ensureImage('busybox');
    const res = await glci(['doctor', '--image', image, '--cwd', root], { GLCI_DIND_IMAGE: 'glci-test/docker-dind:absent' });
    expect(res.exitCode, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^✓ Docker engine: (Docker|podman) /m);
    expect(res.stdout).toMatch(/^[✓!] Privileged containers: /m);
    expect(res.stdout).toContain('- Docker-in-Docker: skipped (no dind image glci-test/docker-dind:absent here; pass --dind-image)');
  }, 600_000);
});

describe('glci init', () => {
  it('writes the file, prints it and how to use it; a second time exits 2 naming the file and --force', async () => {
    const path = join(root, 'cfg', 'config.toml');
    const first = await glci(['init', '--config', path]);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain(`wrote ${path} (one docker runner):`);
    expect(first.stdout).toContain('executor = "docker"');
    expect(first.stdout).toContain(`glci run --config ${path}`);
    const second = await glci(['init', '--config', path, '--dind', 'socket']);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain(`${path} already exists`);
    expect(second.stderr).toContain('--force');
    expect(await readFile(path, 'utf8')).not.toContain('docker.sock');
    const forced = await glci(['init', '--config', path, '--dind', 'socket', '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(await readFile(path, 'utf8')).toContain('/var/run/docker.sock:/var/run/docker.sock');
  });

  it('--json --dind tls --no-probe: the result as data; the file reads back with glci config show', async () => {
    const path = join(root, 'tls.toml');
    const res = await glci(['init', '--dind', 'tls', '--no-probe', '--json'], { GLCI_CONFIG: path });
    expect(res.exitCode, res.stderr).toBe(0);
    const result = JSON.parse(res.stdout) as InitResult;
    expect(result).toMatchObject({ path, style: 'dind-tls', privilegedFallback: false, probe: { result: 'not-asked' } });
    const show = await glci(['config', 'show', '--json'], { GLCI_CONFIG: path });
    expect(show.exitCode, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ file: path, runners: [{ docker: { privileged: true, volumes: ['/certs/client', '/cache'] } }] });
  });

  it('rejects an unknown --dind style as a usage error', async () => {
    const res = await glci(['init', '--dind', 'sideways', '--config', join(root, 'x.toml')]);
    expect(res.exitCode).toBe(2);
    expect(existsSync(join(root, 'x.toml'))).toBe(false);
  });
});
