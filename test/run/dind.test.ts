// Docker-in-Docker end to end on the real engine (issue step 4): the TLS pipeline GitLab documents
// builds an image inside the dind service, pushes it to a registry service and runs it; the TLS-off
// variant; socket binding builds on the host engine; plain `privileged = true` on an engine that refuses
// it is explained; misconfigurations are named. After each run nothing of it is left, the dind
// service's /var/lib/docker volume included.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../fixtures/images/build.js';
import { engineClient, projectLeftovers, removeProjectVolumes } from '../support/docker-leftovers.js';
import { createRunProject, describeRun, jobLog, jobResult, runGlci, type RunProject } from './run-support.js';

const client = engineClient();
let project: RunProject;
let images: string[] = [];
const REGISTRY_PASSWORD = 'glci-registry-test';

beforeAll(async () => {
  const [cli, dind, registry, busybox] = await Promise.all([ensureImage('docker-cli'), ensureImage('docker-dind'), ensureImage('registry'), ensureImage('busybox')]);
  images = ['--variable', `DOCKER_CLI=${cli}`, '--variable', `DOCKER_DIND=${dind}`, '--variable', `REGISTRY_IMAGE_REF=${registry}`, '--variable', `BASE=${busybox}`];
  project = await createRunProject('dind');
}, 30 * 60_000);

afterAll(async () => {
  if (project) await removeProjectVolumes(client, project.dir);
  project?.remove();
});

function leftovers(): Promise<string[]> {
  return projectLeftovers(client, project.dir);
}

function config(name: string, docker: string): string {
  const file = join(project.scratchDir, `${name}.toml`);
  writeFileSync(file, `[[runners]]\nname = "${name}"\nexecutor = "docker"\n[runners.docker]\npull_policy = ["if-not-present"]\n${docker}\n`);
  return file;
}

const TLS_RUNNER = 'privileged = true\nprivileged_fallback = true\nvolumes = ["/certs/client", "/cache"]';

describe('Docker-in-Docker', () => {
  it('over TLS: builds inside the service, pushes to a registry, pulls back and runs the image', async () => {
    const registryVariables = ['--variable', 'CI_REGISTRY=registry:5000', '--variable', 'CI_REGISTRY_USER=glci', '--variable', `CI_REGISTRY_PASSWORD=${REGISTRY_PASSWORD}`];
    const run = await runGlci(project, ['--json', 'dind-tls', ...images, ...registryVariables, '--config', config('tls', TLS_RUNNER)]);
    const log = jobLog(run.events, 'dind-tls');
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(log).toContain('Waiting for services to be up and running');
    expect(log).not.toContain("probably didn't start properly");
    expect(log).toMatch(/server 20\.10/);
    expect(log).toContain('built and run inside docker: 42');
    expect(log).toContain('Login Succeeded');
    expect(log).toContain('pulled back from the registry');
    expect(log).not.toContain('Docker-in-Docker:');
    expect(await leftovers()).toEqual([]);
  }, 600_000);

  it('without TLS on port 2375', async () => {
    const run = await runGlci(project, ['--json', 'dind-plain', ...images, '--config', config('plain', 'privileged = true\nprivileged_fallback = true')]);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(jobLog(run.events, 'dind-plain')).toContain('built and run inside docker: 42');
    expect(await leftovers()).toEqual([]);
  }, 600_000);

  it('with socket binding: builds on the host engine and says the job has host Docker access', async () => {
    const run = await runGlci(project, ['--json', 'socket', ...images, '--config', config('socket', 'volumes = ["/var/run/docker.sock:/var/run/docker.sock"]')]);
    const log = jobLog(run.events, 'socket');
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(log).toContain("This job has access to the host's Docker engine (/var/run/docker.sock is mounted by [runners.docker] volumes)");
    expect(log).toContain('built on the host engine');
    expect(await leftovers()).toEqual([]);
  }, 600_000);

  it('explains an engine that refuses plain privileged = true, naming the fallback', async () => {
    const run = await runGlci(project, ['--json', 'dind-plain', ...images, '--config', config('refused', 'privileged = true')]);
    if (run.exitCode === 0) return; // this engine grants privileged containers: nothing to explain
    expect(run.exitCode, describeRun(run)).toBe(3);
    expect(jobResult(run.events, 'dind-plain')).toMatchObject({ status: 'failed', failureReason: 'runner_system_failure' });
    const log = jobLog(run.events, 'dind-plain');
    expect(log).toContain('the engine refused the privileges this container asked for');
    expect(log).toContain('privileged_fallback = true');
    expect(await leftovers()).toEqual([]);
  }, 600_000);

  it('names each misconfiguration in the job log before the services start', async () => {
    const run = await runGlci(project, ['--json', 'misconfigured', ...images, '--config', config('misconfigured', 'wait_for_services_timeout = 2')]);
    const log = jobLog(run.events, 'misconfigured');
    expect(log).toContain('WARNING: Docker-in-Docker: the dind service runs unprivileged');
    expect(log).toContain('no volume shares that folder with the job: add "/certs/client"');
    expect(log).toContain('no dind service answers to "docker"');
    expect(log).toContain('dind listens on 2376 with TLS');
    expect(log.indexOf('Docker-in-Docker:')).toBeLessThan(log.indexOf('Starting service'));
    expect(await leftovers()).toEqual([]);
  }, 600_000);
});
