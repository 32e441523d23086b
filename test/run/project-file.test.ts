// The project file .glci.yml end to end: its defaults (executor, variables) apply, `--preset` selects
// jobs, variables and flags, and the command line wins over both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunProject, describeRun, jobLines, jobResult, runGlci, type RunProject } from './run-support.js';

describe('glci run with .glci.yml', { timeout: 120_000 }, () => {
  let project: RunProject;
  beforeAll(async () => {
    project = await createRunProject('project-file');
  });
  afterAll(() => project.remove());

  it('--preset: its jobs, variables and timeout, over the file\'s defaults', async () => {
    const run = await runGlci(project, ['--preset', 'quick', '--json']);
    expect(run.exitCode, describeRun(run)).toBe(1);
    const ran = run.events.filter((e) => e.type === 'job_start').map((e) => e.job);
    expect(ran.sort()).toEqual(['lint', 'test']);
    expect(jobLines(run.events, 'lint')).toContain('lint GREETING=hello from glci.yml MODE=quick');
    // The preset's timeout: 1 (second) stops `sleep 2`.
    expect(jobResult(run.events, 'test')).toMatchObject({ status: 'failed', failureReason: 'job_execution_timeout' });
  });

  it('the command line wins: --timeout, --variable and job names', async () => {
    const run = await runGlci(project, ['--preset', 'quick', '--timeout', '60', '--variable', 'MODE=cli', '--json']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(jobLines(run.events, 'test')).toContain('test GREETING=hello from glci.yml MODE=cli');
    const named = await runGlci(project, ['slow', '--preset', 'quick', '--json']);
    expect(named.exitCode, describeRun(named)).toBe(0);
    expect(named.events.filter((e) => e.type === 'job_start').map((e) => e.job)).toEqual(['slow']);
  });

  it('without a preset: the whole pipeline with the file\'s variables, on its executor', async () => {
    const run = await runGlci(project, ['lint', '--json']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(jobLines(run.events, 'lint')).toContain('lint GREETING=hello from glci.yml MODE=default');
    expect(run.stderr).toMatch(/shell/);
  });

  it('an unknown preset: exit 2 with a guess', async () => {
    const run = await runGlci(project, ['--preset', 'quik']);
    expect(run.exitCode, describeRun(run)).toBe(2);
    expect(run.stderr).toContain('unknown preset "quik"');
    expect(run.stderr).toContain('did you mean "quick"?');
  });
});
