// Limits on when jobs run (gitlab-ci-yaml.md §5.7, §5.11, §5.20; issue step 2 item 2): resource
// groups, the concurrency limit, delayed jobs, and running parallel instances by name.
import { describe, expect, it } from 'vitest';
import { createRunProject, describeRun, eventIndex, jobLines, jobResult, runGlci, startedJobs } from './run-support.js';

describe('glci run: resource_group', () => {
  it('never runs two jobs of one resource group at once, while other jobs run alongside', async () => {
    const project = await createRunProject('resource-group');
    try {
      const run = await runGlci(project, ['--json', '--concurrency', '3']);
      expect(run.exitCode, describeRun(run)).toBe(0);
      const { events } = run;
      const [first, second] = eventIndex(events, 'job_start', 'deploy-a') < eventIndex(events, 'job_start', 'deploy-b')
        ? ['deploy-a', 'deploy-b']
        : ['deploy-b', 'deploy-a'];
      expect(eventIndex(events, 'job_start', second)).toBeGreaterThan(eventIndex(events, 'job_end', first));
      expect(eventIndex(events, 'job_start', 'unrelated')).toBeLessThan(eventIndex(events, 'job_end', first));
    } finally {
      project.remove();
    }
  });
});

describe('glci run: concurrency limit', () => {
  it('with --concurrency 1 never runs two jobs at once', async () => {
    const project = await createRunProject('resource-group');
    try {
      const run = await runGlci(project, ['--json', '--concurrency', '1']);
      expect(run.exitCode, describeRun(run)).toBe(0);
      let running = 0;
      let most = 0;
      for (const event of run.events) {
        if (event.type === 'job_start') most = Math.max(most, ++running);
        if (event.type === 'job_end') running--;
      }
      expect(most).toBe(1);
      expect(startedJobs(run.events)).toHaveLength(3);
    } finally {
      project.remove();
    }
  });
});

describe('glci run: delayed jobs', () => {
  it('starts a `when: delayed` job start_in after it became runnable', async () => {
    const project = await createRunProject('delayed');
    try {
      const run = await runGlci(project, ['--json']);
      expect(run.exitCode, describeRun(run)).toBe(0);
      const { events } = run;
      const buildEnd = events[eventIndex(events, 'job_end', 'build')];
      const delayedStart = events[eventIndex(events, 'job_start', 'wait-a-bit')];
      expect(delayedStart).toBeDefined();
      // Event times are whole milliseconds of the same clock; allow for the timer's rounding.
      expect((delayedStart?.time ?? 0) - (buildEnd?.time ?? 0)).toBeGreaterThanOrEqual(990);
      expect(jobResult(events, 'wait-a-bit').status).toBe('success');
    } finally {
      project.remove();
    }
  });
});

describe('glci run: parallel jobs by name', () => {
  it('runs one instance of `parallel: N` and one of a matrix by their GitLab names', async () => {
    const project = await createRunProject('parallel');
    try {
      const run = await runGlci(project, ['--json', 'test 2/3', 'deploy: [gcp]']);
      expect(run.exitCode, describeRun(run)).toBe(0);
      expect(startedJobs(run.events).sort()).toEqual(['deploy: [gcp]', 'test 2/3']);
      expect(jobLines(run.events, 'test 2/3')).toContain('node=2/3');
      expect(jobLines(run.events, 'deploy: [gcp]')).toContain('provider=gcp');
    } finally {
      project.remove();
    }
  });
});
