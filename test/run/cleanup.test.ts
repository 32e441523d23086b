// Nothing outlives a run (issue step 2, acceptance): after success, failure, timeout and Ctrl-C no
// process the run started is alive and the job build folders are gone. Timeouts fail the job with
// GitLab's reason and message (gitlab-ci-yaml.md §5.13; runner-behavior.md §10.2); Ctrl-C stops the
// script, still runs after_script with CI_JOB_STATUS=canceled (§5.1) and exits 130.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createRunProject,
  describeRun,
  jobLines,
  jobResult,
  leftoverBuildDirs,
  parseEvents,
  pipelineResult,
  processAppears,
  runGlci,
  startGlci,
  startedJobs,
  survivingProcesses,
  uniqueMarker,
  type RunProject,
} from './run-support.js';

async function withProject(name: string, body: (project: RunProject) => Promise<void>): Promise<void> {
  const project = await createRunProject(name);
  try {
    await body(project);
  } finally {
    project.remove();
  }
}

describe('glci run: timeouts', () => {
  it('fails a job that runs too long with job_execution_timeout, kills its processes and cleans up', async () => {
    await withProject('timeout', async (project) => {
      const marker = uniqueMarker();
      const started = Date.now();
      const run = await runGlci(project, ['--json', '--timeout', '1', '--concurrency', '2', '--variable', `MARK=${marker}`]);
      expect(run.exitCode, describeRun(run)).toBe(1);
      // Both sleeps were for 30 s: the jobs were stopped, not waited for.
      expect(Date.now() - started).toBeLessThan(15_000);
      for (const job of ['own-timeout', 'default-timeout']) {
        expect(jobResult(run.events, job)).toMatchObject({ status: 'failed', failureReason: 'job_execution_timeout' });
      }
      // runner-behavior.md §10.2: `execution took longer than <Go duration> seconds`; the job's own
      // timeout (2 seconds) wins over the default (--timeout 1).
      expect(jobLines(run.events, 'own-timeout')).toContain('ERROR: Job failed: execution took longer than 2s seconds');
      expect(jobLines(run.events, 'default-timeout')).toContain('ERROR: Job failed: execution took longer than 1s seconds');
      expect(await survivingProcesses(marker)).toEqual([]);
      expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
    });
  });
});

describe('glci run: processes left in the background', () => {
  it('ends them with the job, whether it passes or fails', async () => {
    await withProject('leftovers', async (project) => {
      const marker = uniqueMarker();
      const run = await runGlci(project, ['--json', '--concurrency', '2', '--variable', `MARK=${marker}`]);
      expect(run.exitCode, describeRun(run)).toBe(1);
      expect(jobResult(run.events, 'background-success').status).toBe('success');
      expect(jobResult(run.events, 'background-failure')).toMatchObject({ status: 'failed', exitCode: 3 });
      expect(await survivingProcesses(marker)).toEqual([]);
      expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
    });
  });

  it('exits promptly once the pipeline has ended', async () => {
    await withProject('exit-codes', async (project) => {
      const run = await runGlci(project, ['--json', '--variable', 'CODE=0']);
      expect(run.exitCode, describeRun(run)).toBe(0);
      const end = run.events.find((e) => e.type === 'pipeline_end');
      expect(end).toBeDefined();
      // Nothing (a timer, a child, an open pipe) keeps the process alive after the last event.
      expect(run.exitedAt - (end?.time ?? 0)).toBeLessThan(1500);
    });
  });
});

describe('glci run: Ctrl-C', () => {
  it('stops the running job gracefully: after_script runs, nothing new starts, exit 130, nothing left', async () => {
    await withProject('cancel', async (project) => {
      const marker = uniqueMarker();
      const child = startGlci(project, ['--json', '--variable', `MARK=${marker}`, '--variable', `EVIDENCE_DIR=${project.scratchDir}`]);
      let seen = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the job did not start:\n${seen}`)), 15_000);
        child.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString('utf8');
          if (seen.includes('long-job-started\\n') && seen.includes(`sleep 30.`)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(await processAppears(marker)).toBe(true);
      child.kill('SIGINT');
      const result = await child;
      const run = { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
      expect(run.exitCode, describeRun(run)).toBe(130);
      const events = parseEvents(run.stdout, run);
      expect(jobResult(events, 'long').status).toBe('canceled');
      expect(startedJobs(events)).not.toContain('later');
      expect(pipelineResult(events).status).toBe('canceled');
      expect(readFileSync(join(project.scratchDir, 'after-script.txt'), 'utf8')).toBe('after_script status=canceled\n');
      expect(await survivingProcesses(marker)).toEqual([]);
      expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
    });
  });
});

describe('glci run: a second Ctrl-C', () => {
  it('forces: after_script is stopped too, exit 130, nothing left', async () => {
    await withProject('cancel-force', async (project) => {
      const marker = uniqueMarker();
      const child = startGlci(project, ['--json', '--variable', `MARK=${marker}`]);
      expect(await processAppears(`${marker}1`)).toBe(true);
      child.kill('SIGINT');
      expect(await processAppears(`${marker}2`)).toBe(true);
      child.kill('SIGINT');
      const result = await child;
      const run = { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
      expect(run.exitCode, describeRun(run)).toBe(130);
      expect(jobResult(parseEvents(run.stdout, run), 'stuck-cleanup').status).toBe('canceled');
      expect(await survivingProcesses(marker)).toEqual([]);
      expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
    });
  });
});
