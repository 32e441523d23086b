// The docker executor beyond the contract, on the real engine: the checkout as a git repository at the
// pipeline's commit, GIT_STRATEGY, entrypoints, the image's user owning its files, bash preferred when
// the image has it, cache volumes that persist, privileged and unreachable-engine errors, and cleanup.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../src/executors/docker/client.js';
import { createDockerExecutor, type DockerExecutorOptions } from '../../src/executors/docker/docker-executor.js';
import { resolveEngineAddress } from '../../src/executors/docker/engine-address.js';
import { LABELS } from '../../src/executors/docker/labels.js';
import type { PlannedJob } from '../../src/model/plan.js';
import type { DockerSettings } from '../../src/model/runner.js';
import { ensureImage } from '../../fixtures/images/build.js';
import { prepareJob, testJob, variable } from '../executors/contract-support.js';
import { dockerSettings, runnerSettings } from '../support/runner-settings.js';

const client = createDockerClient(resolveEngineAddress({ env: process.env }));
const pipelineId = 800_000 + Math.floor(Math.random() * 99_999);
let busybox = '';
let root = '';
let project = { sourceDir: '', stateDir: '' };
let sha = '';
let jobCounter = 0;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).trim();
}

beforeAll(async () => {
  busybox = await ensureImage('busybox');
  root = mkdtempSync(join(tmpdir(), 'glci-docker-exec-'));
  const sourceDir = join(root, 'my-app');
  mkdirSync(sourceDir);
  writeFileSync(join(sourceDir, 'README.md'), 'committed\n');
  git(sourceDir, 'init', '-q', '-b', 'main');
  git(sourceDir, 'add', '.');
  git(sourceDir, 'commit', '-q', '-m', 'first');
  writeFileSync(join(sourceDir, 'README.md'), 'committed\nplus an uncommitted edit\n');
  sha = git(sourceDir, 'rev-parse', 'HEAD');
  project = { sourceDir, stateDir: join(sourceDir, '.glci') };
}, 30 * 60_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

async function leftovers(): Promise<number> {
  const filter = [`${LABELS.pipelineId}=${pipelineId}`];
  const [containers, networks, volumes] = await Promise.all([client.listContainers(filter), client.listNetworks(filter), client.listVolumes(filter)]);
  return containers.length + networks.length + volumes.filter((v) => v.labels[LABELS.reusable] !== 'true').length;
}

async function runJob(commands: string[], job: Partial<PlannedJob> = {}, docker: Partial<DockerSettings> = {}, extra: Partial<DockerExecutorOptions> = {}) {
  jobCounter++;
  const executor = createDockerExecutor({ runner: runnerSettings(), docker: dockerSettings({ image: busybox, ...docker }), env: process.env, killGraceMs: 500, ...extra });
  const planned = testJob(`exec ${jobCounter}`, { ...job, variables: [variable('CI_COMMIT_SHA', sha), variable('CI_PROJECT_PATH', 'group/my-app'), ...(job.variables ?? [])] });
  const p = await prepareJob(executor, planned, project, jobCounter, pipelineId);
  try {
    const outcome = await p.run(commands);
    return { exitCode: outcome.exitCode, log: p.io.text, projectDir: p.env.projectDir };
  } finally {
    await p.env.cleanup();
  }
}

describe('docker executor', () => {
  it('puts the working tree into /builds/<project path> with a repository detached at the commit', async () => {
    const { exitCode, log, projectDir } = await runJob(['pwd', 'cat README.md', 'cat .git/HEAD', 'test -d .git/objects && echo has-objects']);
    expect(projectDir).toBe('/builds/group/my-app');
    expect(log).toContain('/builds/group/my-app\n');
    expect(log).toContain('plus an uncommitted edit');
    expect(log).toContain(`${sha}\n`);
    expect(log).toContain('has-objects');
    expect(log).toContain(`Checking out ${sha.slice(0, 8)} as detached HEAD`);
    expect(log).toContain('Fetching changes with git depth set to 20...');
    expect(exitCode).toBe(0);
    expect(await leftovers()).toBe(0);
  }, 120_000);

  it('gives an empty project directory with GIT_STRATEGY: none', async () => {
    const { exitCode, log } = await runJob(['echo "entries=$(ls -A | wc -l)"'], { variables: [variable('GIT_STRATEGY', 'none')] });
    expect(log).toContain('Skipping Git repository setup');
    expect(log).toMatch(/entries=\s*0\n/);
    expect(exitCode).toBe(0);
  }, 120_000);

  it('runs as the image user, who owns the project files', async () => {
    const { exitCode, log } = await runJob(['id -u', 'stat -c "%u %g" README.md', 'echo changed >> README.md && echo writable'], { image: { name: busybox, docker: { user: 'nobody' } } });
    expect(log).toContain('65534\n');
    expect(log).toContain('65534 65534\n');
    expect(log).toContain('writable\n');
    expect(exitCode).toBe(0);
  }, 120_000);

  it('refuses an image:docker:user that allowed_users does not list', async () => {
    const refused = runJob(['id -u'], { image: { name: busybox, docker: { user: 'nobody' } } }, { allowedUsers: ['root'] });
    await expect(refused).rejects.toThrow('the job asks to run as user "nobody", which is not in allowed_users (root)');
    const allowed = await runJob(['id -u'], { image: { name: busybox, docker: { user: 'nobody' } } }, { allowedUsers: ['nobody'] });
    expect(allowed.log).toContain('65534\n');
    expect(await leftovers()).toBe(0);
  }, 120_000);

  it('passes the stage to the image entrypoint, and [""] clears it', async () => {
    const wrapped = await runJob(['echo in-script'], { image: { name: busybox, entrypoint: ['sh', '-c', 'echo entrypoint-ran; exec "$@"', 'entry'] } });
    expect(wrapped.log).toContain('entrypoint-ran');
    expect(wrapped.log).toContain('in-script');
    const cleared = await runJob(['echo in-script'], { image: { name: busybox, entrypoint: [''] } });
    expect(cleared.log).not.toContain('entrypoint-ran');
    expect(cleared.exitCode).toBe(0);
  }, 120_000);

  it('keeps a bare-path volume as a persistent cache volume across jobs', async () => {
    const docker = { volumes: ['/cache-test'] };
    const first = await runJob(['echo "kept across jobs" > /cache-test/value'], {}, docker);
    expect(first.exitCode).toBe(0);
    const second = await runJob(['cat /cache-test/value'], {}, docker);
    expect(second.log).toContain('kept across jobs');
    const volumes = await client.listVolumes([`${LABELS.destination}=/cache-test`, `${LABELS.projectDir}=${project.sourceDir}`]);
    expect(volumes).toHaveLength(1);
    expect(volumes[0]?.name).toMatch(/^runner-[0-9a-f]{32}-cache-[0-9a-f]{32}$/);
    await Promise.all(volumes.map((v) => client.removeVolume(v.name)));
    expect(await leftovers()).toBe(0);
  }, 120_000);

  it('prefers bash when the image has it', async () => {
    const debian = await ensureImage('debian-minbase');
    const { log } = await runJob(['echo "bash=${BASH_VERSION:-none}"'], { image: { name: debian } });
    expect(log).toMatch(/bash=5\./);
    const plain = await runJob(['echo "bash=${BASH_VERSION:-none}"']);
    expect(plain.log).toContain('bash=none');
  }, 30 * 60_000);

  it('names the engine and what to do when it does not answer', async () => {
    const env = { ...process.env, DOCKER_HOST: `unix://${join(root, 'no-such.sock')}` };
    const executor = createDockerExecutor({ runner: runnerSettings(), docker: dockerSettings({ image: busybox }), env });
    const failure = prepareJob(executor, testJob('unreachable'), project, 99, pipelineId);
    await expect(failure).rejects.toThrow(`the Docker engine at unix://${join(root, 'no-such.sock')} does not answer`);
    await expect(failure).rejects.toMatchObject({ code: 'DOCKER_UNREACHABLE', hint: expect.stringContaining('--executor shell') });
  }, 60_000);

  it('says no image was given when neither the job nor the runner names one', async () => {
    const executor = createDockerExecutor({ runner: runnerSettings(), docker: dockerSettings(), env: process.env });
    await expect(prepareJob(executor, testJob('no image'), project, 98, pipelineId)).rejects.toThrow('no Docker image specified to run the build in');
    expect(await leftovers()).toBe(0);
  }, 60_000);

  it('runs privileged containers only when configured, and explains an engine that refuses them', async () => {
    const unprivileged = await runJob(['cat /proc/self/status | grep CapEff']);
    expect(unprivileged.log).not.toMatch(/CapEff:\s*0*3fffffffff/);
    try {
      const privileged = await runJob(['echo privileged-ran'], {}, { privileged: true });
      expect(privileged.log).toContain('privileged-ran');
    } catch (error) {
      // Engines whose kernel bounding set lacks capabilities refuse `--privileged` ("unable to apply caps").
      expect(error).toMatchObject({ hint: expect.stringContaining('privileged_fallback = true') });
      expect(error).toMatchObject({ hint: expect.stringContaining('cap_add') });
    }
    expect(await leftovers()).toBe(0);
  }, 120_000);

  it('gives a container that asks for privileged the broadest set the host allows with privileged_fallback', async () => {
    const { exitCode, log } = await runJob(['grep CapEff /proc/self/status', 'mkdir -p /tmp/m && mount -t tmpfs none /tmp/m && echo mount-allowed'], {}, { privileged: true, privilegedFallback: true });
    expect(exitCode).toBe(0);
    const effective = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(log)?.[1] ?? '0'}`);
    const SYS_ADMIN = 1n << 21n;
    expect(effective & SYS_ADMIN).toBe(SYS_ADMIN);
    expect(log).toContain('mount-allowed');
    expect(await leftovers()).toBe(0);
  }, 120_000);
});
