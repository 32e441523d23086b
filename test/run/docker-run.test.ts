// `glci run` on the docker executor, end to end on the real engine: a job with an image and a service,
// artifacts passed between docker jobs, the `cache:` keyword and a config.toml volume cache persisting
// across runs, tag routing to the right [[runners]] entry, and nothing left behind (counted by label)
// after success, failure, timeout and Ctrl-C.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/executors/docker/labels.js';
import { ensureImage } from '../../fixtures/images/build.js';
import { engineClient, projectLeftovers, removeProjectVolumes } from '../support/docker-leftovers.js';
import { startRegistry } from '../setup/registry.js';
import { createRunProject, describeRun, jobLog, jobResult, parseEvents, runGlci, startGlci, uniqueMarker, type RunProject } from './run-support.js';

const client = engineClient();
let project: RunProject;
let images: string[] = [];

beforeAll(async () => {
  const [busybox, web] = await Promise.all([ensureImage('busybox'), ensureImage('busybox-web')]);
  images = ['--variable', `BUSYBOX=${busybox}`, '--variable', `WEB=${web}`];
  project = await createRunProject('docker');
}, 30 * 60_000);

afterAll(async () => {
  if (project) await removeProjectVolumes(client, project.dir);
  project?.remove();
});

function leftovers(): Promise<string[]> {
  return projectLeftovers(client, project.dir);
}

function writeConfig(name: string, text: string): string {
  const file = join(project.scratchDir, name);
  writeFileSync(file, text);
  return file;
}

describe('glci run on the docker executor', () => {
  it('runs a job with an image and a service, passing artifacts between docker jobs', async () => {
    const run = await runGlci(project, ['--json', ...images, 'build', 'check']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stderr).toContain('Using the docker executor for 2 job(s)');
    const check = jobLog(run.events, 'check');
    expect(check).toContain('Using Docker executor with image glci-test/busybox:');
    expect(check).toContain('Starting service glci-test/busybox-web:');
    expect(check).toContain('built in a container'); // the artifact of `build`
    expect(check).toContain("hello from the job's variables"); // from the service, which saw GREETING
    expect(await leftovers()).toEqual([]);
  }, 180_000);

  it('keeps the cache: keyword cache across two runs', async () => {
    const first = await runGlci(project, ['--json', ...images, 'build']);
    const second = await runGlci(project, ['--json', ...images, 'build']);
    expect(second.exitCode, describeRun(second)).toBe(0);
    const before = Number(/cache counter (\d+)/.exec(jobLog(first.events, 'build'))?.[1]);
    expect(jobLog(second.events, 'build')).toContain(`cache counter ${before + 1}`);
  }, 180_000);

  it('keeps a config.toml volume cache across two runs', async () => {
    const config = writeConfig('volumes.toml', '[[runners]]\nname = "vol"\nexecutor = "docker"\n[runners.docker]\nvolumes = ["/vol-cache"]\npull_policy = ["if-not-present"]\n');
    const first = await runGlci(project, ['--json', ...images, '--config', config, 'volume-counter']);
    const second = await runGlci(project, ['--json', ...images, '--config', config, 'volume-counter']);
    expect(first.exitCode, describeRun(first)).toBe(0);
    expect(jobLog(first.events, 'volume-counter')).toContain('volume counter 1');
    expect(jobLog(second.events, 'volume-counter')).toContain('volume counter 2');
    expect(await client.listVolumes([`${LABELS.projectDir}=${project.dir}`, `${LABELS.destination}=/vol-cache`])).toHaveLength(1);
    expect(await leftovers()).toEqual([]);
  }, 180_000);

  it('routes tagged jobs to the [[runners]] entry with those tags and reports a job no runner takes as stuck', async () => {
    const config = writeConfig(
      'tags.toml',
      '[[runners]]\nname = "shell-runner"\nexecutor = "shell"\ntags = ["shell"]\n\n[[runners]]\nname = "docker-runner"\nexecutor = "docker"\ntags = ["docker"]\n[runners.docker]\npull_policy = "if-not-present"\n',
    );
    const run = await runGlci(project, ['--json', ...images, '--config', config, 'on-docker', 'on-shell', 'on-gpu']);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(jobLog(run.events, 'on-docker')).toContain('on docker-runner');
    expect(jobLog(run.events, 'on-docker')).toContain('Using Docker executor with image');
    expect(jobLog(run.events, 'on-shell')).toContain('on shell-runner');
    expect(jobLog(run.events, 'on-shell')).toContain('Using Shell');
    const stuck = jobResult(run.events, 'on-gpu');
    expect(stuck).toMatchObject({ status: 'failed', failureReason: 'stuck_or_timeout_failure' });
    expect(JSON.stringify(stuck)).toContain('gpu');
  }, 180_000);

  it('pulls a private image with DOCKER_AUTH_CONFIG, reporting layer progress, and is refused without it', async () => {
    const registry = await startRegistry();
    try {
      const auth = JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${registry.user}:${registry.password}`).toString('base64') } } });
      const refused = await runGlci(project, ['--json', 'private-image', '--variable', `PRIVATE_IMAGE=${registry.image}`]);
      expect(refused.exitCode, describeRun(refused)).toBe(3);
      expect(jobResult(refused.events, 'private-image')).toMatchObject({ status: 'failed', failureReason: 'runner_system_failure' });
      expect(jobLog(refused.events, 'private-image')).toMatch(/DOCKER_AUTH_CONFIG/);

      const pulled = await runGlci(project, ['--json', 'private-image', '--variable', `PRIVATE_IMAGE=${registry.image}`, '--variable', `DOCKER_AUTH_CONFIG=${auth}`]);
      expect(pulled.exitCode, describeRun(pulled)).toBe(0);
      const log = jobLog(pulled.events, 'private-image');
      expect(log).toContain(`Pulling docker image ${registry.image} ...`);
      expect(log).toContain('Authenticating with credentials from $DOCKER_AUTH_CONFIG');
      expect(log).toContain('ran in the private image');
      expect(pulled.stdout).not.toContain(registry.password);
      const progress = pulled.stdout.split('\n').filter((line) => line.includes('"type":"job_progress"')).map((line) => JSON.parse(line) as { kind: string; image: string; status: string });
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.every((p) => p.kind === 'pull' && p.image === registry.image)).toBe(true);
      expect(progress.map((p) => p.status)).toContain('Pull complete');
    } finally {
      spawnSync('docker', ['rmi', '-f', registry.image], { stdio: 'ignore' });
      await registry.stop();
    }
    expect(await leftovers()).toEqual([]);
  }, 300_000);

  it('leaves nothing behind after a failing job', async () => {
    const run = await runGlci(project, ['--json', ...images, 'fails']);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(jobResult(run.events, 'fails')).toMatchObject({ status: 'failed', exitCode: 3, failureReason: 'script_failure' });
    expect(await leftovers()).toEqual([]);
  }, 180_000);

  it('leaves nothing behind after a timeout', async () => {
    const run = await runGlci(project, ['--json', ...images, '--timeout', '2', '--variable', `MARK=${uniqueMarker()}`, 'sleeper']);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(jobResult(run.events, 'sleeper')).toMatchObject({ status: 'failed', failureReason: 'job_execution_timeout' });
    expect(await leftovers()).toEqual([]);
  }, 180_000);

  it('leaves nothing behind after Ctrl-C', async () => {
    const marker = uniqueMarker();
    const child = startGlci(project, ['--json', ...images, '--variable', `MARK=${marker}`, 'sleeper']);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let waited = 0; !output.includes(`sleeping ${marker}`) && waited < 60_000; waited += 100) await delay(100);
    expect(output).toContain(`sleeping ${marker}`);
    expect((await leftovers()).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(jobResult(parseEvents(String(result.stdout), { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) }), 'sleeper').status).toBe('canceled');
    expect(await leftovers()).toEqual([]);
  }, 180_000);
});
