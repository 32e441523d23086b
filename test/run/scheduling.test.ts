// Scheduling as GitLab processes a pipeline (gitlab-ci-yaml.md §5.6–5.9, §5.12, §5.20, §8.2), observed
// through the NDJSON events of `glci run --json`: event order is the order the engine acted in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRunProject,
  describeRun,
  eventIndex,
  jobResult,
  leftoverBuildDirs,
  pipelineResult,
  runGlci,
  startedJobs,
  survivingProcesses,
  uniqueMarker,
  type RunEvent,
  type RunProject,
} from './run-support.js';

function attempts(events: readonly RunEvent[], job: string): number[] {
  return events.filter((e) => e.type === 'job_start' && e.job === job).map((e) => e.attempt ?? 0);
}

describe('glci run: needs and stage order', () => {
  let project: RunProject;
  beforeAll(async () => {
    project = await createRunProject('dag');
  });
  afterAll(() => project.remove());

  it('starts a job with needs as soon as its needs end, before an unrelated slow job of an earlier stage ends', async () => {
    const run = await runGlci(project, ['--json', '--concurrency', '4']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const { events } = run;
    expect(eventIndex(events, 'job_start', 'dag-test')).toBeGreaterThan(eventIndex(events, 'job_end', 'fast'));
    expect(eventIndex(events, 'job_start', 'dag-test')).toBeLessThan(eventIndex(events, 'job_end', 'slow'));
    // Without needs: every job of the earlier stages must end first.
    expect(eventIndex(events, 'job_start', 'staged-test')).toBeGreaterThan(eventIndex(events, 'job_end', 'slow'));
    expect(eventIndex(events, 'job_start', 'deploy')).toBeGreaterThan(eventIndex(events, 'job_end', 'staged-test'));
    expect(eventIndex(events, 'job_start', 'deploy')).toBeGreaterThan(eventIndex(events, 'job_end', 'dag-test'));
    expect(pipelineResult(events).status).toBe('success');
    expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
  });

  it('runs only the named job, or with --needs also what it needs', async () => {
    const alone = await runGlci(project, ['--json', 'dag-test']);
    expect(alone.exitCode, describeRun(alone)).toBe(0);
    expect(startedJobs(alone.events)).toEqual(['dag-test']);
    const withNeeds = await runGlci(project, ['--json', '--needs', 'dag-test']);
    expect(withNeeds.exitCode, describeRun(withNeeds)).toBe(0);
    expect(startedJobs(withNeeds.events)).toEqual(['fast', 'dag-test']);
  });
});

describe('glci run: the worked example of gitlab-ci-yaml.md §8.2', () => {
  it('runs on_failure and always jobs after a failure, skips on_success ones, and fails the pipeline', async () => {
    const project = await createRunProject('failure-flow');
    try {
      const run = await runGlci(project, ['--json']);
      expect(run.exitCode, describeRun(run)).toBe(1);
      const { events } = run;
      expect(jobResult(events, 'build').status).toBe('success');
      expect(jobResult(events, 'lint')).toMatchObject({ status: 'failed', allowedToFail: true });
      expect(jobResult(events, 'unit')).toMatchObject({ status: 'failed', allowedToFail: false, exitCode: 1 });
      expect(jobResult(events, 'smoke').status).toBe('success');
      expect(jobResult(events, 'rollback').status).toBe('success');
      expect(jobResult(events, 'report').status).toBe('success');
      const deploy = jobResult(events, 'deploy');
      expect(deploy.status).toBe('skipped');
      expect(deploy.skipReason).toEqual(expect.any(String));
      expect(deploy.skipReason).not.toBe('');
      expect(startedJobs(events)).not.toContain('deploy');
      expect(eventIndex(events, 'job_start', 'rollback')).toBeGreaterThan(eventIndex(events, 'job_end', 'unit'));
      expect(pipelineResult(events).status).toBe('failed');
    } finally {
      project.remove();
    }
  });
});

describe('glci run: manual jobs', () => {
  let project: RunProject;
  beforeAll(async () => {
    project = await createRunProject('manual');
  });
  afterAll(() => project.remove());

  it('does not run an optional manual job, does not block later stages, and skips jobs that need it', async () => {
    const run = await runGlci(project, ['--json']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const { events } = run;
    expect(startedJobs(events)).not.toContain('deploy');
    expect(jobResult(events, 'deploy').status).toBe('manual');
    expect(jobResult(events, 'verify').status).toBe('success');
    const dependent = jobResult(events, 'after-deploy');
    expect(dependent.status).toBe('skipped');
    expect(dependent.skipReason).toMatch(/\S/);
    expect(pipelineResult(events).status).toBe('success');
  });

  it('runs the manual job, and what needs it, with --manual', async () => {
    const run = await runGlci(project, ['--json', '--manual', 'deploy']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const { events } = run;
    expect(jobResult(events, 'deploy').status).toBe('success');
    expect(events.some((e) => e.type === 'job_output' && e.job === 'deploy' && (e.text ?? '').includes('deployed-by-hand\n'))).toBe(true);
    expect(jobResult(events, 'after-deploy').status).toBe('success');
    expect(eventIndex(events, 'job_start', 'after-deploy')).toBeGreaterThan(eventIndex(events, 'job_end', 'deploy'));
  });

  it('a blocking manual job (rules: when: manual) holds later stages; the pipeline is blocked, not failed', async () => {
    const blocking = await createRunProject('manual-blocking');
    try {
      const run = await runGlci(blocking, ['--json']);
      expect(run.exitCode, describeRun(run)).toBe(0);
      const { events } = run;
      expect(startedJobs(events)).toEqual(['build']);
      expect(jobResult(events, 'gate').status).toBe('manual');
      expect(pipelineResult(events).status).toBe('manual');
      const verify = pipelineResult(events).jobs.find((j) => j.name === 'verify');
      expect(verify?.status).not.toBe('success');
      expect(verify?.skipReason).toMatch(/\S/);
    } finally {
      blocking.remove();
    }
  });
});

describe('glci run: retry', () => {
  it('re-runs failed attempts as the retry policy says', async () => {
    const project = await createRunProject('retry');
    try {
      const run = await runGlci(project, ['--json', '--concurrency', '5', '--variable', `COUNTER_DIR=${project.scratchDir}`]);
      expect(run.exitCode, describeRun(run)).toBe(1);
      const { events } = run;
      expect(attempts(events, 'flaky-then-ok')).toEqual([1, 2]);
      expect(jobResult(events, 'flaky-then-ok')).toMatchObject({ status: 'success', attempts: 2 });
      expect(readFileSync(join(project.scratchDir, 'flaky'), 'utf8').trim()).toBe('2');
      // max 2 retries: 3 attempts in all.
      expect(attempts(events, 'always-fails')).toEqual([1, 2, 3]);
      expect(jobResult(events, 'always-fails')).toMatchObject({ status: 'failed', attempts: 3 });
      // A script failure is not a runner_system_failure.
      expect(attempts(events, 'unlisted-reason')).toEqual([1]);
      // With exit_codes and no `when`, only the listed exit codes cause a retry (§5.12).
      expect(attempts(events, 'unlisted-exit-code')).toEqual([1]);
      expect(jobResult(events, 'unlisted-exit-code')).toMatchObject({ status: 'failed', exitCode: 4 });
      expect(attempts(events, 'listed-exit-code')).toEqual([1, 2]);
      expect(jobResult(events, 'listed-exit-code')).toMatchObject({ status: 'failed', exitCode: 3, attempts: 2 });
      expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
    } finally {
      project.remove();
    }
  });
});

describe('glci run: retry on a timeout, and interruptible', () => {
  it('retries a timed-out job for when: job_execution_timeout, not for when: script_failure; records interruptible', async () => {
    const project = await createRunProject('retry-timeout');
    try {
      const marker = uniqueMarker();
      const run = await runGlci(project, ['--json', '--timeout', '1', '--concurrency', '2', '--variable', `MARK=${marker}`]);
      expect(run.exitCode, describeRun(run)).toBe(1);
      const { events } = run;
      // §5.12: a timeout's failure reason is job_execution_timeout, which `when: script_failure` does not list.
      expect(attempts(events, 'retry-on-script-failure')).toEqual([1]);
      expect(jobResult(events, 'retry-on-script-failure')).toMatchObject({ status: 'failed', failureReason: 'job_execution_timeout', attempts: 1 });
      expect(attempts(events, 'retry-on-timeout')).toEqual([1, 2]);
      expect(jobResult(events, 'retry-on-timeout')).toMatchObject({ status: 'failed', failureReason: 'job_execution_timeout', attempts: 2 });
      // §5.21: interruptible defaults to false; it is recorded in each job's result.
      expect(jobResult(events, 'retry-on-script-failure').interruptible).toBe(true);
      expect(jobResult(events, 'retry-on-timeout').interruptible).toBe(false);
      expect(pipelineResult(events).jobs.find((j) => j.name === 'retry-on-script-failure')?.interruptible).toBe(true);
      expect(await survivingProcesses(marker)).toEqual([]);
      expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
    } finally {
      project.remove();
    }
  });
});
