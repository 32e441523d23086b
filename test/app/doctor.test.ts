// `glci doctor`: the rendering and exit status of checks (pure), the host checks on temp directories, the
// engine checks against a scripted fake client, and the whole report against the real engine here
// (and podman, when it runs here): engine found with its version, privileged refused or allowed as the
// host's bounding set says, the fallback started, and Docker-in-Docker run when a dind image is present.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../fixtures/images/build.js';
import { doctorExitCode, doctorLines, formatCheck, type DoctorCheck } from '../../src/app/doctor-check.js';
import { lastLines } from '../../src/app/doctor-dind.js';
import { engineKind, engineStartHint } from '../../src/app/doctor-engine.js';
import { checkGit, checkNode, checkRunnerConfig, checkStateDir, describeRunners, nodeVersionAtLeast } from '../../src/app/doctor-host.js';
import { runDoctor, type DoctorReport } from '../../src/app/doctor.js';
import type { ContainerSpec, DockerClient } from '../../src/executors/docker/client.js';
import { fallbackHostConfig, missingCapabilities, readCapabilityBoundingSet } from '../../src/executors/docker/privileged-fallback.js';
import { defaultRunnerConfig } from '../../src/runner-config/index.js';
import { git, isolatedEnv } from '../acceptance/fixture-git.js';
import { ensureDockerEngine } from '../setup/docker-engine.js';
import { ensurePodmanEngine, ensurePodmanImages } from '../setup/podman-engine.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'glci-doctor-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const byName = (report: DoctorReport, name: string): DoctorCheck => {
  const check = report.checks.find((c) => c.name === name);
  if (!check) throw new Error(`no check ${name} in ${JSON.stringify(report.checks.map((c) => c.name))}`);
  return check;
};

describe('check rendering and exit status', () => {
  it('prints a mark, the name and summary, then indented detail and hint', () => {
    expect(formatCheck({ name: 'Docker engine', status: 'fail', summary: 'no engine', detail: ['connect ENOENT'], hint: 'start one' })).toEqual([
      '✗ Docker engine: no engine',
      '    connect ENOENT',
      '    → start one',
    ]);
    expect(formatCheck({ name: 'A', status: 'ok', summary: 's' })).toEqual(['✓ A: s']);
    expect(formatCheck({ name: 'A', status: 'warn', summary: 's' })).toEqual(['! A: s']);
    expect(formatCheck({ name: 'A', status: 'skip', summary: 's' })).toEqual(['- A: s']);
  });

  it('ends the report with a count of problems and warnings', () => {
    const checks: DoctorCheck[] = [{ name: 'A', status: 'fail', summary: 'x' }, { name: 'B', status: 'warn', summary: 'y' }, { name: 'C', status: 'warn', summary: 'z' }];
    expect(doctorLines({ checks, exitCode: 3 }).slice(-1)).toEqual(['1 problem, 2 warnings']);
    expect(doctorLines({ checks: [{ name: 'A', status: 'ok', summary: 'x' }], exitCode: 0 }).slice(-1)).toEqual(['no problems found']);
  });

  it.each<[string, DoctorCheck['status'][], string[], number]>([
    ['all fine', ['ok', 'skip', 'warn'], ['Docker engine', 'Docker-in-Docker', 'Git checkout'], 0],
    ['no engine', ['fail', 'ok'], ['Docker engine', 'Runner config'], 3],
    ['a broken config', ['ok', 'fail'], ['Docker engine', 'Runner config'], 2],
    ['both: the system problem wins', ['fail', 'fail'], ['Docker engine', 'Runner config'], 3],
    ['an unwritable state directory', ['fail'], ['State directory'], 3],
  ])('%s → %i', (_, statuses, names, expected) => {
    expect(doctorExitCode(statuses.map((status, i) => ({ name: names[i]!, status, summary: '' })))).toBe(expected);
  });
});

describe('engine facts', () => {
  it.each([
    [{ serverVersion: '20.10.24+dfsg1', operatingSystem: 'Debian GNU/Linux 12 (bookworm)' }, 'docker'],
    [{ serverVersion: '28.2.2', operatingSystem: 'Docker Desktop' }, 'docker'],
    // What podman 4.3.1's Docker API answers here (GET /info, /version).
    [{ serverVersion: '4.3.1', operatingSystem: 'debian' }, 'podman'],
    [{ serverVersion: '5.2.0', operatingSystem: 'fedora' }, 'podman'],
    [{ serverVersion: '28.0.0', operatingSystem: 'x', components: ['Podman Engine', 'Conmon'] }, 'podman'],
  ])('%j is %s', (info, kind) => {
    expect(engineKind(info)).toBe(kind);
  });

  it('says how to start an engine', () => {
    const hint = engineStartHint('unix:///var/run/docker.sock');
    for (const way of ['sudo systemctl start docker', 'Docker Desktop', 'podman', 'DOCKER_HOST']) expect(hint).toContain(way);
    expect(engineStartHint('tcp://builder:2376')).toContain('tcp://builder:2376');
  });
});

describe('host checks', () => {
  it.each([
    ['20.19.0', true], ['v20.19.2', true], ['v22.1.0', true], ['v20.18.3', false], ['v18.20.0', false], ['v20.19', true],
  ])('Node %s is new enough: %s', (version, ok) => {
    expect(nodeVersionAtLeast(version, '20.19.0')).toBe(ok);
    expect(checkNode(version).status).toBe(ok ? 'ok' : 'fail');
  });

  it('describes runners with executor, tags, image and privileges', () => {
    const config = defaultRunnerConfig();
    config.runners[0]!.tags = ['docker', 'linux'];
    config.runners[0]!.docker!.image = 'alpine:3.20';
    config.runners[0]!.docker!.privileged = true;
    expect(describeRunners(config)).toEqual(['glci-local: docker, tags docker, linux, image alpine:3.20, privileged']);
  });

  it('state directory: existing and writable, creatable, or a file in the way', async () => {
    const existing = join(root, 'state-existing');
    await mkdir(existing);
    expect(await checkStateDir(existing)).toMatchObject({ status: 'ok', summary: `${existing} (exists, writable)` });
    expect(await checkStateDir(join(root, 'state-new', 'deeper'))).toMatchObject({ status: 'ok', summary: expect.stringContaining('not there yet') });
    const file = join(root, 'state-file');
    await writeFile(file, '');
    expect(await checkStateDir(file)).toMatchObject({ status: 'fail', summary: expect.stringContaining('not a directory') });
    expect((await checkStateDir(join(file, 'sub'))).status).toBe('fail');
  });

  it.skipIf(process.getuid?.() === 0)('state directory: an unwritable one fails (not as root, who may write anywhere)', async () => {
    const locked = join(root, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o500);
    expect((await checkStateDir(join(locked, '.glci'))).status).toBe('fail');
  });

  it('git: a plain directory warns, a repository reports HEAD, branch and dirtiness', async () => {
    const plain = join(root, 'plain');
    await mkdir(plain);
    expect(await checkGit(plain)).toMatchObject({ status: 'warn', summary: expect.stringContaining('not a git work tree') });
    const repo = join(root, 'repo');
    await mkdir(repo);
    await git(repo, ['init', '-q', '-b', 'feature']);
    expect(await checkGit(repo)).toMatchObject({ status: 'warn', summary: expect.stringContaining('no commit yet on branch feature') });
    await writeFile(join(repo, 'a.txt'), 'a');
    await git(repo, ['add', '.']);
    await git(repo, ['commit', '-q', '-m', 'one']);
    const clean = await checkGit(repo);
    expect(clean.status).toBe('ok');
    expect(clean.summary).toMatch(/: [0-9a-f]{8} on branch feature, clean$/);
    await writeFile(join(repo, 'b.txt'), 'b');
    expect((await checkGit(repo)).summary).toContain('dirty (1 changed path');
  });

  it('runner config: none, one with warnings, one that does not load', async () => {
    const env = { HOME: join(root, 'home-none') };
    const none = await checkRunnerConfig({ env });
    expect(none.check).toMatchObject({ status: 'ok', summary: expect.stringContaining('the built-in runner'), hint: expect.stringContaining('glci init') });
    const good = join(root, 'warn.toml');
    await writeFile(good, '[[runners]]\n  name = "a"\n  executor = "docker"\n  tags = ["x"]\n  [runners.docker]\n    image = "alpine"\n    privilegd = true\n');
    const warned = await checkRunnerConfig({ path: good, env });
    expect(warned.check.status).toBe('warn');
    expect(warned.check.summary).toBe(`${good}: 1 runner, 1 warning`);
    expect(warned.check.detail?.[0]).toBe('a: docker, tags x, image alpine');
    expect(warned.check.detail?.[1]).toMatch(/^warning: line 7: .*privilegd/);
    const bad = join(root, 'bad.toml');
    await writeFile(bad, '[[runners]\n');
    const broken = await checkRunnerConfig({ path: bad, env });
    expect(broken.check).toMatchObject({ status: 'fail', summary: 'does not load' });
    expect(broken.check.detail?.join('\n')).toContain(`${bad}:1:`);
    expect(broken.config.file).toBeNull();
  });

  it('keeps the last lines of a log', () => {
    expect(lastLines('a\n\nb\r\nc\n', 2)).toEqual(['b', 'c']);
  });
});

interface FakeEngine {
  client: DockerClient;
  created: ContainerSpec[];
  removed: string[];
}

/** An engine that refuses `Privileged` at start, runs everything else, and logs dockerd's ready line. */
function fakeEngine(options: { infoFails?: boolean; refusePrivileged?: boolean; images?: string[] } = {}): FakeEngine {
  const created: ContainerSpec[] = [];
  const removed: string[] = [];
  const byId = new Map<string, ContainerSpec>();
  const images = new Set(options.images ?? ['busybox:latest', 'docker:24.0.5-dind']);
  const client = {
    address: 'unix:///fake.sock',
    info: async () => {
      if (options.infoFails) throw new Error('connect ENOENT /fake.sock');
      return { serverVersion: '27.1.0', operatingSystem: 'Fake OS', apiVersion: '1.46', rootless: true };
    },
    inspectImage: async (ref: string) => (images.has(ref) ? { id: ref } : null),
    createContainer: async (spec: ContainerSpec) => {
      created.push(spec);
      const id = `c${created.length}`;
      byId.set(id, spec);
      return id;
    },
    startContainer: async (id: string) => {
      if (options.refusePrivileged && byId.get(id)?.HostConfig?.Privileged) throw Object.assign(new Error('x'), { json: { message: 'unable to apply caps: operation not permitted' } });
    },
    waitContainer: async () => 0,
    removeContainer: async (id: string) => void removed.push(id),
    logs: async () => Buffer.from('level=info msg="Daemon has completed initialization"\nlevel=info msg="API listen on [::]:2375"\n'),
    inspectContainer: async (id: string) => ({ id, running: true, exitCode: 0 }),
  } as unknown as DockerClient;
  return { client, created, removed };
}

describe('doctor against a scripted engine', () => {
  const fallback = fallbackHostConfig((1n << 41n) - 1n - (1n << 24n), 40);
  const base = () => ({ cwd: root, env: { HOME: join(root, 'home-none') }, fallback });

  it('an engine that does not answer: ✗ with the start hint, the container checks skipped, exit 3', async () => {
    const report = await runDoctor({ ...base(), createClient: () => fakeEngine({ infoFails: true }).client });
    const engine = byName(report, 'Docker engine');
    expect(engine).toMatchObject({ status: 'fail', summary: 'no engine answers at unix:///var/run/docker.sock (from the default socket)', detail: ['connect ENOENT /fake.sock'] });
    expect(engine.hint).toContain('sudo systemctl start docker');
    for (const name of ['Privileged containers', 'Privileged fallback', 'Docker-in-Docker']) expect(byName(report, name).status).toBe('skip');
    expect(report.exitCode).toBe(3);
  });

  it('privileged refused: the explanation, the fallback started, DinD run with the fallback set and removed', async () => {
    const engine = fakeEngine({ refusePrivileged: true });
    const report = await runDoctor({ ...base(), createClient: () => engine.client });
    expect(byName(report, 'Docker engine').summary).toBe('Docker 27.1.0 (API 1.46, rootless) at unix:///var/run/docker.sock (from the default socket)');
    const privileged = byName(report, 'Privileged containers');
    expect(privileged).toMatchObject({ status: 'warn', summary: 'refused (tested with busybox:latest)' });
    expect(privileged.detail).toEqual(['the engine said: unable to apply caps: operation not permitted', expect.stringContaining('does not give containers every capability')]);
    expect(privileged.hint).toContain('privileged_fallback = true');
    expect(byName(report, 'Privileged fallback')).toMatchObject({ status: 'ok', detail: [expect.stringContaining('all capabilities but SYS_RESOURCE')] });
    expect(byName(report, 'Docker-in-Docker')).toMatchObject({ status: 'ok', summary: expect.stringMatching(/^docker:24\.0\.5-dind started with the privileged fallback; its daemon listened after \d+\.\d s$/) });
    const dind = engine.created.at(-1)!;
    expect(dind.Env).toEqual(['DOCKER_TLS_CERTDIR=']);
    expect(dind.HostConfig).toEqual({ CapAdd: ['ALL'], CapDrop: ['SYS_RESOURCE'], Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'], SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'], MaskedPaths: [], ReadonlyPaths: [] });
    expect(engine.created.every((spec) => spec.Labels?.['org.glci.managed'] === 'true' && spec.Labels?.['org.glci.pid'] === String(process.pid))).toBe(true);
    expect(engine.removed).toEqual(['c1', 'c2', 'c3']);
    expect(report.exitCode).toBe(0);
  });

  it('a config that asks for privileged without the fallback turns the refusal into a failure', async () => {
    const config = join(root, 'privileged.toml');
    await writeFile(config, '[[runners]]\n  name = "dind"\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n');
    const report = await runDoctor({ ...base(), configPath: config, createClient: () => fakeEngine({ refusePrivileged: true }).client });
    expect(byName(report, 'Privileged containers').status).toBe('fail');
    expect(report.exitCode).toBe(3);
  });

  it('privileged allowed: no fallback needed; no local image: both skipped with what to pass', async () => {
    const allowed = await runDoctor({ ...base(), createClient: () => fakeEngine().client });
    expect(byName(allowed, 'Privileged containers')).toMatchObject({ status: 'ok', summary: 'allowed (tested with busybox:latest)' });
    expect(byName(allowed, 'Privileged fallback')).toMatchObject({ status: 'skip', summary: 'not needed: privileged containers start' });
    expect(byName(allowed, 'Docker-in-Docker').summary).toContain('started privileged');
    const bare = await runDoctor({ ...base(), createClient: () => fakeEngine({ images: [] }).client });
    expect(byName(bare, 'Privileged containers').summary).toBe('skipped: no local image to test with (pass --image)');
    expect(byName(bare, 'Docker-in-Docker').summary).toBe('skipped: the privilege checks did not run');
    const missing = await runDoctor({ ...base(), image: 'nope:1', createClient: () => fakeEngine().client });
    expect(byName(missing, 'Privileged containers').summary).toContain('nope:1 is not present locally');
    const noDind = await runDoctor({ ...base(), dindImage: 'docker:99-dind', createClient: () => fakeEngine().client });
    expect(byName(noDind, 'Docker-in-Docker').summary).toBe('skipped (no dind image docker:99-dind here; pass --dind-image)');
  });
});

describe('doctor against the real engine', () => {
  let image: string;
  let dindImage: string;
  const hostMissing = missingCapabilities(readCapabilityBoundingSet(readFileSync('/proc/self/status', 'utf8')), Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8')));
  beforeAll(async () => {
    await ensureDockerEngine();
    [image, dindImage] = await Promise.all([ensureImage('busybox'), ensureImage('docker-dind')]);
  }, 30 * 60_000);

  it('finds the engine with its version, tests privileges as this host allows, and leaves nothing behind', async () => {
    const report = await runDoctor({ cwd: root, image, dindImage, env: { ...isolatedEnv(), HOME: join(root, 'home-none') } });
    expect(byName(report, 'Docker engine')).toMatchObject({ status: 'ok', summary: expect.stringMatching(/^(Docker|podman) \S+ \(API 1\.\d+, (rootless|rootful)\) at \S+ \(from /) });
    const privileged = byName(report, 'Privileged containers');
    if (hostMissing.length > 0) {
      // This machine: the sandbox withholds capabilities, so runc refuses privileged containers.
      expect(privileged.status).toBe('warn');
      expect(privileged.detail?.join('\n')).toMatch(/the engine said: .*caps|operation not permitted/);
      expect(privileged.detail?.[1]).toContain('`privileged = true` cannot work here');
      expect(byName(report, 'Privileged fallback')).toMatchObject({ status: 'ok', detail: [expect.stringContaining(`all capabilities but ${hostMissing.join(', ')}`)] });
    } else {
      expect(privileged.status).toBe('ok');
    }
    const dind = byName(report, 'Docker-in-Docker');
    // On this machine: Docker-in-Docker works, with the privileged fallback where privileged is refused.
    expect(dind, JSON.stringify(dind)).toMatchObject({ status: 'ok', summary: expect.stringMatching(/daemon listened after \d+\.\d s/) });
    expect(report.exitCode).toBe(0);
    const left = await execa('docker', ['ps', '-aq', '--filter', `label=org.glci.pid=${process.pid}`, '--filter', 'name=glci-doctor-']);
    expect(String(left.stdout)).toBe('');
  }, 120_000);

  it('tells podman apart from Docker through podman\'s Docker API', async () => {
    const podman = await ensurePodmanEngine();
    if (!podman.available) return;
    await ensurePodmanImages(podman.url, [image]);
    const report = await runDoctor({ cwd: root, image, env: { ...isolatedEnv(), HOME: join(root, 'home-none'), DOCKER_HOST: podman.url } });
    expect(byName(report, 'Docker engine').summary).toMatch(new RegExp(`^podman \\S+ \\(API 1\\.\\d+, root(less|ful)\\) at ${podman.url.replace(/[/.]/g, '\\$&')} \\(from DOCKER_HOST\\)$`));
    expect(['ok', 'warn']).toContain(byName(report, 'Privileged containers').status);
  }, 900_000);
});
