// `glci run` exit statuses (DESIGN.md exit-code table; gitlab-ci-yaml.md §5.8, §8.2): 0 when every job
// passed or was allowed to fail, 1 when one failed, 2 for configuration and usage errors, 3 for executor
// and system failures.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunProject, describeRun, jobLines, jobResult, leftoverBuildDirs, pipelineResult, runGlci, startedJobs, type RunProject } from './run-support.js';

describe('glci run: allow_failure:exit_codes decides the exit status', () => {
  let project: RunProject;
  beforeAll(async () => {
    project = await createRunProject('exit-codes');
  });
  afterAll(() => project.remove());

  it('exits 0 when every job passes; on_failure jobs are skipped', async () => {
    const run = await runGlci(project, ['--json', '--variable', 'CODE=0']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(jobResult(run.events, 'flaky')).toMatchObject({ status: 'success', exitCode: 0 });
    expect(jobResult(run.events, 'next').status).toBe('success');
    expect(jobResult(run.events, 'rollback').status).toBe('skipped');
    expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
  });

  it('exits 0 when the job fails with a listed exit code: later jobs run, on_failure jobs do not', async () => {
    const run = await runGlci(project, ['--json', '--variable', 'CODE=1']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(jobResult(run.events, 'flaky')).toMatchObject({ status: 'failed', allowedToFail: true, exitCode: 1 });
    expect(jobResult(run.events, 'next').status).toBe('success');
    // §5.8: "jobs with when: on_failure in later stages do not run because of it".
    expect(jobResult(run.events, 'rollback').status).toBe('skipped');
  });

  it('exits 1 when the job fails with an exit code that is not listed', async () => {
    const run = await runGlci(project, ['--json', '--variable', 'CODE=2']);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(jobResult(run.events, 'flaky')).toMatchObject({
      status: 'failed',
      allowedToFail: false,
      exitCode: 2,
      failureReason: 'script_failure',
    });
    expect(jobResult(run.events, 'next').status).toBe('skipped');
    expect(jobResult(run.events, 'rollback').status).toBe('success');
    expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
  });

  it('exits 1 in plain mode too, with the executor named explicitly', async () => {
    const run = await runGlci(project, ['--executor', 'shell', '--variable', 'CODE=2']);
    expect(run.exitCode, describeRun(run)).toBe(1);
  });
});

describe('glci run: configuration and usage errors exit 2 without running anything', () => {
  let project: RunProject;
  beforeAll(async () => {
    project = await createRunProject('config-error');
  });
  afterAll(() => project.remove());

  it('exits 2 on an undefined need, naming it, and runs no job', async () => {
    const run = await runGlci(project, ['--json']);
    expect(run.exitCode, describeRun(run)).toBe(2);
    // gitlab-ci-yaml.md §8.3: `<job> job: undefined need: <name>`.
    expect(run.stderr).toContain('undefined need: compile');
    expect(run.error?.message).toContain('undefined need: compile');
    expect(run.events).toEqual([]);
    expect(existsSync(join(project.dir, 'build-ran'))).toBe(false);
  });

  it('exits 2 for a job name that is not in the pipeline', async () => {
    const project2 = await createRunProject('exit-codes');
    try {
      const run = await runGlci(project2, ['--json', 'no-such-job']);
      expect(run.exitCode, describeRun(run)).toBe(2);
      expect(run.error?.message).toContain('no-such-job');
      expect(startedJobs(run.events)).toEqual([]);
    } finally {
      project2.remove();
    }
  });
});

describe('glci run: executor and system failures exit 3', () => {
  let project: RunProject;
  beforeAll(async () => {
    project = await createRunProject('system-failure');
    // A regular file where the build folders go: preparing a job's build directory fails (ENOTDIR).
    mkdirSync(project.stateDir, { recursive: true });
    writeFileSync(join(project.stateDir, 'builds'), 'not a folder\n');
  });
  afterAll(() => project.remove());

  const evidence = () => ['build-ran', 'tolerated-ran'].filter((f) => existsSync(join(project.scratchDir, f)));

  it('fails the job with runner_system_failure and the runner\'s system failure line, runs no script, exits 3', async () => {
    const run = await runGlci(project, ['--json', '--variable', `EVIDENCE_DIR=${project.scratchDir}`]);
    expect(run.exitCode, describeRun(run)).toBe(3);
    expect(jobResult(run.events, 'build')).toMatchObject({ status: 'failed', allowedToFail: false, exitCode: null, failureReason: 'runner_system_failure' });
    // runner-behavior.md §10.2: `ERROR: Job failed (system failure): <error>`.
    const final = jobLines(run.events, 'build').filter((l) => l !== '').at(-1) ?? '';
    expect(final).toMatch(/^ERROR: Job failed \(system failure\): .*ENOTDIR/);
    expect(pipelineResult(run.events).status).toBe('failed');
    expect(evidence()).toEqual([]);
  });

  it('a system failure of a job allowed to fail does not count: exit 0', async () => {
    const run = await runGlci(project, ['--json', 'tolerated', '--variable', `EVIDENCE_DIR=${project.scratchDir}`]);
    expect(run.exitCode, describeRun(run)).toBe(0);
    // §5.8: `allow_failure: true` covers any failure, a system failure too.
    expect(jobResult(run.events, 'tolerated')).toMatchObject({ status: 'failed', allowedToFail: true, failureReason: 'runner_system_failure' });
    expect(evidence()).toEqual([]);
  });

  it('a state directory below a regular file is a system error before any job: exit 3, no job started', async () => {
    const file = join(project.scratchDir, 'plain-file');
    writeFileSync(file, 'not a folder\n');
    const run = await runGlci({ ...project, stateDir: join(file, 'state') }, ['--json', '--variable', `EVIDENCE_DIR=${project.scratchDir}`]);
    expect(run.exitCode, describeRun(run)).toBe(3);
    expect(run.error?.code).toBe('STATE_DIR');
    expect(run.error?.message).toContain('ENOTDIR');
    expect(run.stderr).not.toContain('bug in glci');
    expect(startedJobs(run.events)).toEqual([]);
    expect(evidence()).toEqual([]);
  });
});
