// Which [[runners]] entry takes a job (tags, run_untagged, --ignore-tags), which executor runs it
// (--executor, the runner's executor, the job's image, the Docker engine's answer), and what the
// user is told. Pure functions, plus the orchestration with a fake docker module.
import { describe, expect, it } from 'vitest';
import { assignExecutors, createExecutorRegistry, parseRequestedExecutor, probeEngines } from '../../src/app/executors.js';
import {
  type Assignment,
  chooseExecutorKind,
  describeAssignments,
  routeJob,
  runnerLabels,
  withRunnerVariables,
} from '../../src/app/runner-routing.js';
import type * as DockerModule from '../../src/executors/docker/docker-executor.js';
import type { EngineProbe } from '../../src/executors/docker/docker-executor.js';
import type { DockerSettings, RunnerSettings } from '../../src/model/runner.js';
import { ExecutorError, UsageError } from '../../src/errors.js';
import { defaultRunnerConfig } from '../../src/runner-config/index.js';
import { plannedJob, variable } from '../support/planned-job.js';

const dockerDefaults = defaultRunnerConfig().runners[0]?.docker as DockerSettings;

function runner(name: string, overrides: Partial<RunnerSettings> = {}): RunnerSettings {
  const tags = overrides.tags ?? [];
  return {
    name, url: '', token: '', executor: 'shell', environment: [], limit: 0, featureFlags: {},
    tags, runUntagged: tags.length === 0, index: 1, requestConcurrency: 1, outputLimit: 4096, ...overrides,
  };
}

const job = (name: string, tags: string[] = [], image?: string) =>
  plannedJob(name, { tags, image: image ? { name: image } : null });

const UP: EngineProbe = { ok: true, address: 'unix:///var/run/docker.sock', version: '20.10.24' };
const DOWN: EngineProbe = { ok: false, address: 'unix:///var/run/docker.sock', reason: 'connect ENOENT /var/run/docker.sock' };

describe('routeJob', () => {
  const dockerA = runner('docker-a', { tags: ['docker', 'linux'], executor: 'docker', index: 1 });
  const shellB = runner('shell-b', { index: 2 });
  const taggedC = runner('c', { tags: ['b'], index: 3 });
  const runners = [dockerA, shellB, taggedC];

  it.each([
    ['a job whose tags a runner has all of', ['linux'], 'docker-a'],
    ['the FIRST runner having all the tags', ['docker', 'linux'], 'docker-a'],
    ['a job without tags: the first runner running untagged jobs', [], 'shell-b'],
    ['a later runner when the earlier ones lack a tag', ['b'], 'c'],
  ])('takes %s', (_what, tags, expected) => {
    const result = routeJob(job('j', tags), runners, { ignoreTags: false });
    expect('runner' in result && result.runner.name).toBe(expected);
  });

  it('a runner with tags and run_untagged also takes untagged jobs', () => {
    const both = runner('both', { tags: ['x'], runUntagged: true });
    const result = routeJob(job('j'), [dockerA, both], { ignoreTags: false });
    expect('runner' in result && result.runner.name).toBe('both');
  });

  it('is stuck, in GitLab\'s words, when no runner has every tag; lists the runners\' tags and the hint', () => {
    const result = routeJob(job('j', ['docker', 'gpu']), runners, { ignoreTags: false });
    expect(result).toEqual({
      stuck:
        "This job is stuck because you don't have any active runners online or available with any of these tags assigned to them: docker, gpu." +
        ' Runners: docker-a [docker, linux], shell-b [untagged only], c [b]; --ignore-tags runs every job on the first runner.',
    });
  });

  it('is stuck with GitLab\'s generic wording when no runner runs untagged jobs', () => {
    const result = routeJob(job('j'), [dockerA], { ignoreTags: false });
    expect('stuck' in result && result.stuck).toMatch(/^This job is stuck because you don't have any active runners that can run this job\. Runners: docker-a \[docker, linux\]/);
  });

  it('--ignore-tags: the first runner takes every job', () => {
    const result = routeJob(job('j', ['gpu']), runners, { ignoreTags: true });
    expect('runner' in result && result.runner.name).toBe('docker-a');
  });

  it('skips runners whose executor glci does not run, and says so', () => {
    const ssh = runner('remote', { executor: 'ssh', tags: ['gpu'] });
    const result = routeJob(job('j', ['gpu']), [ssh, shellB], { ignoreTags: false });
    expect('stuck' in result && result.stuck).toContain('remote [executor "ssh", which glci does not run (it scales through the kubernetes executor instead)]');
    expect(routeJob(job('j'), [ssh], { ignoreTags: true })).toEqual({
      stuck: "This job is stuck because the project doesn't have any runners online assigned to it: no [[runners]] entry names an executor glci runs (shell, docker, kubernetes).",
    });
    expect('stuck' in routeJob(job('j'), [], { ignoreTags: true })).toBe(true);
  });
});

describe('chooseExecutorKind', () => {
  const shell = runner('shell-b');
  const docker = runner('glci-local', { executor: 'docker', docker: dockerDefaults });
  const dockerWithImage = runner('with-default', { executor: 'docker', docker: { ...dockerDefaults, image: 'alpine:3' } });

  it.each([
    ['--executor shell wins over a docker runner', job('j', [], 'node:20'), docker, { requested: 'shell' as const, docker: UP }, 'shell', '--executor shell'],
    ['--executor docker wins over a shell runner', job('j'), shell, { requested: 'docker' as const, docker: UP }, 'docker', '--executor docker, engine unix:///var/run/docker.sock, Docker 20.10.24'],
    ['a shell runner runs shell, image or not', job('j', [], 'node:20'), shell, { docker: null }, 'shell', 'runner "shell-b" uses the shell executor'],
    ['a docker runner runs a job with an image on docker', job('j', [], 'node:20'), docker, { docker: UP }, 'docker', 'runner "glci-local", engine unix:///var/run/docker.sock, Docker 20.10.24'],
    ['a docker runner\'s default image counts', job('j'), dockerWithImage, { docker: UP }, 'docker', 'runner "with-default", engine unix:///var/run/docker.sock, Docker 20.10.24'],
  ])('%s', (_what, j, r, options, kind, reason) => {
    expect(chooseExecutorKind(j, r, options)).toEqual({ kind, reason });
  });

  it('falls back to shell when the engine does not answer, naming the engine and why', () => {
    const choice = chooseExecutorKind(job('j', [], 'node:20'), docker, { docker: DOWN });
    expect(choice.kind).toBe('shell');
    expect(choice.reason).toBe(
      'runner "glci-local": the Docker engine at unix:///var/run/docker.sock does not answer (connect ENOENT /var/run/docker.sock); the jobs name an image, which the shell executor ignores as GitLab Runner does',
    );
  });

  it('runs a job without any image on shell, saying GitLab Runner would fail it', () => {
    const choice = chooseExecutorKind(job('j'), docker, { docker: UP });
    expect(choice.kind).toBe('shell');
    expect(choice.reason).toContain('"no Docker image specified"');
    expect(choice.reason).toContain('glci runs them on the shell executor');
  });

  it('runs every job of a kubernetes runner on kubernetes, with an image or without (the pod then reports it)', () => {
    const k8s = runner('k8s', { executor: 'kubernetes' });
    expect(chooseExecutorKind(job('j', [], 'node:20'), k8s, { docker: null })).toEqual({ kind: 'kubernetes', reason: 'runner "k8s" uses the kubernetes executor' });
    expect(chooseExecutorKind(job('j'), k8s, { docker: null }).kind).toBe('kubernetes');
    expect(chooseExecutorKind(job('j', [], 'node:20'), k8s, { requested: 'shell', docker: null }).kind).toBe('shell');
  });

  it('takes --executor kubernetes on any runner, and refuses --executor docker without an engine as an executor error', () => {
    expect(chooseExecutorKind(job('j'), docker, { requested: 'kubernetes', docker: DOWN })).toEqual({ kind: 'kubernetes', reason: '--executor kubernetes' });
    expect(() => chooseExecutorKind(job('j'), docker, { requested: 'docker', docker: DOWN })).toThrow(ExecutorError);
    expect(() => chooseExecutorKind(job('j'), docker, { requested: 'docker', docker: DOWN })).toThrow(/Docker engine at unix:\/\/\/var\/run\/docker.sock does not answer \(connect ENOENT/);
  });
});

describe('describeAssignments and runner variables', () => {
  it('counts the jobs of each executor and reason, in order of first use, ignoring stuck jobs', () => {
    const r = runner('r');
    const assignments: Assignment[] = [
      { kind: 'run', runner: r, executor: 'docker', reason: 'runner "r", engine E, Docker 1' },
      { kind: 'run', runner: r, executor: 'shell', reason: 'runner "r": no image' },
      { kind: 'stuck', reason: 'stuck' },
      { kind: 'run', runner: r, executor: 'docker', reason: 'runner "r", engine E, Docker 1' },
    ];
    expect(describeAssignments(assignments)).toEqual([
      'Using the docker executor for 2 job(s) (runner "r", engine E, Docker 1)',
      'Using the shell executor for 1 job(s) (runner "r": no image)',
    ]);
  });

  it('puts the runner environment before the job\'s variables, then CI_RUNNER_DESCRIPTION and CI_RUNNER_TAGS', () => {
    const r = runner('shell-b', { tags: ['a', 'b'], environment: [{ key: 'FROM_RUNNER', value: '1' }, { key: 'CI_PROJECT_DIR', value: '/x' }] });
    const j = plannedJob('j', { variables: [variable('CI_JOB_NAME', 'j'), variable('FROM_RUNNER', 'job wins')] });
    const keys = withRunnerVariables(j, r).variables.map((v) => `${v.key}=${v.value}`);
    expect(keys).toEqual(['FROM_RUNNER=1', 'CI_RUNNER_DESCRIPTION=shell-b', 'CI_RUNNER_TAGS=["a", "b"]', 'CI_JOB_NAME=j', 'FROM_RUNNER=job wins']);
    expect(withRunnerVariables(j, undefined)).toBe(j);
  });

  it('labels runners by name, adding the position to a repeated name', () => {
    const a = runner('x', { index: 1 });
    const b = runner('x', { index: 2 });
    const c = runner('y', { index: 3 });
    expect([...runnerLabels([a, b, c]).values()]).toEqual(['x #1', 'x #2', 'y']);
  });

  it('parses --executor names', () => {
    expect(parseRequestedExecutor(undefined)).toBeUndefined();
    expect(parseRequestedExecutor('docker')).toBe('docker');
    expect(() => parseRequestedExecutor('podman')).toThrow(UsageError);
  });
});

describe('assignExecutors', () => {
  function fakeDocker(answer: EngineProbe, probed: (DockerSettings | undefined)[]): () => Promise<typeof DockerModule> {
    const module = {
      probeDockerEngine: async (settings: DockerSettings | undefined) => {
        probed.push(settings);
        return answer;
      },
      createDockerExecutor: () => ({ name: 'docker', prepare: () => Promise.reject(new Error('fake')) }),
    };
    return async () => module as unknown as typeof DockerModule;
  }

  it('loads and probes nothing when no job may run on docker', async () => {
    const probed: (DockerSettings | undefined)[] = [];
    let loaded = false;
    const load = async () => {
      loaded = true;
      return fakeDocker(UP, probed)();
    };
    const result = await assignExecutors([job('a'), job('b', [], 'node:20')], [runner('s')], { ignoreTags: false, env: {}, loadDocker: load });
    expect(loaded).toBe(false);
    expect(result.docker).toBeNull();
    expect([...result.jobs.values()].map((a) => a.kind === 'run' && a.executor)).toEqual(['shell', 'shell']);
  });

  it('probes each distinct engine once and assigns docker or shell per job', async () => {
    const probed: (DockerSettings | undefined)[] = [];
    const d1 = runner('d1', { executor: 'docker', docker: dockerDefaults, tags: ['one'] });
    const d2 = runner('d2', { executor: 'docker', docker: { ...dockerDefaults }, tags: ['two'] });
    const jobs = [job('a', ['one'], 'node:20'), job('b', ['two'], 'node:20'), job('c', ['one']), job('d', ['gpu'])];
    const result = await assignExecutors(jobs, [d1, d2], { ignoreTags: false, env: {}, loadDocker: fakeDocker(UP, probed) });
    expect(probed).toHaveLength(1);
    expect(result.docker).not.toBeNull();
    const kinds = Object.fromEntries([...result.jobs].map(([name, a]) => [name, a.kind === 'run' ? `${a.runner.name}:${a.executor}` : 'stuck']));
    expect(kinds).toEqual({ a: 'd1:docker', b: 'd2:docker', c: 'd1:shell', d: 'stuck' });
  });

  it('with --executor docker and no engine answering, fails before any job runs', async () => {
    const run = assignExecutors([job('a')], [runner('s')], { ignoreTags: false, requested: 'docker', env: {}, loadDocker: fakeDocker(DOWN, []) });
    await expect(run).rejects.toThrow(ExecutorError);
  });

  it('probeEngines: runners naming different hosts get one probe each', async () => {
    const hosts: (string | undefined)[] = [];
    const a = runner('a', { docker: { ...dockerDefaults, host: 'tcp://one:2375' } });
    const b = runner('b', { docker: { ...dockerDefaults, host: 'tcp://two:2375' } });
    const c = runner('c', { docker: { ...dockerDefaults, host: 'tcp://one:2375' } });
    const probes = await probeEngines([a, b, c], async (settings) => {
      hosts.push(settings?.host);
      return { ok: true, address: settings?.host ?? '', version: '1' };
    });
    expect(hosts).toEqual(['tcp://one:2375', 'tcp://two:2375']);
    expect(probes.get(c)).toMatchObject({ address: 'tcp://one:2375' });
  });

  it('the registry builds one executor per (runner, kind), on first use', () => {
    const registry = createExecutorRegistry({ env: {}, shellInPlace: false, docker: null, dockerDefaults });
    const a = runner('a');
    const b = runner('b');
    expect(registry(a, 'shell')).toBe(registry(a, 'shell'));
    expect(registry(a, 'shell')).not.toBe(registry(b, 'shell'));
    expect(registry(a, 'shell').name).toBe('shell');
    expect(() => registry(a, 'docker')).toThrow(/not loaded/);
  });
});
