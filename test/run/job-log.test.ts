// The job log GitLab Runner writes (runner-behavior.md §1.1, §10.1, §10.2) and the script semantics
// behind it (gitlab-ci-yaml.md §5.1): before_script + script in one shell that stops at the first
// failing command; after_script afterwards, also after a failure, with CI_JOB_STATUS, never changing
// the job's result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunProject, describeRun, jobLines, jobResult, leftoverBuildDirs, runGlci, type GlciRun, type RunProject } from './run-support.js';

const STEP_SCRIPT_TITLE = 'Executing "step_script" stage of the job script';

describe('glci run: job log and script semantics', () => {
  let project: RunProject;
  let run: GlciRun;
  beforeAll(async () => {
    project = await createRunProject('job-log');
    run = await runGlci(project, ['--json', '--concurrency', '4']);
  });
  afterAll(() => project.remove());

  it('exits 1 because a job failed, and removes every build folder', () => {
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
  });

  it('echoes each command as `$ command` inside the step_script section, then its output', () => {
    const lines = jobLines(run.events, 'succeeds');
    const title = lines.indexOf(STEP_SCRIPT_TITLE);
    const echo = lines.indexOf('$ echo "ok-$((3 + 3))"');
    expect(title, lines.join('\n')).toBeGreaterThanOrEqual(0);
    expect(echo).toBeGreaterThan(title);
    expect(lines.indexOf('ok-6')).toBeGreaterThan(echo);
  });

  it('ends a passing job with `Job succeeded`; a failing after_script does not change that', () => {
    const lines = jobLines(run.events, 'succeeds').filter((l) => l !== '');
    expect(lines.at(-1)).toBe('Job succeeded');
    expect(lines).toContain('after-script-status=success');
    expect(jobResult(run.events, 'succeeds')).toMatchObject({ status: 'success', exitCode: 0 });
  });

  it('runs before_script and script in one shell that stops at the first failing command', () => {
    const lines = jobLines(run.events, 'fails-midway');
    expect(lines).toContain('before-21');
    expect(lines).toContain('first-2');
    expect(lines).toContain('$ false');
    expect(lines).not.toContain('after-false-3');
    const failing = jobLines(run.events, 'before-fails');
    expect(failing).toContain('$ exit 5');
    expect(failing).not.toContain('script-8');
  });

  it('runs after_script after a failure with CI_JOB_STATUS=failed, and keeps the script\'s exit code', () => {
    const lines = jobLines(run.events, 'fails-midway');
    expect(lines).toContain('after-script-status=failed');
    expect(lines.indexOf('after-script-status=failed')).toBeGreaterThan(lines.indexOf('$ false'));
    expect(lines.filter((l) => l !== '').at(-1)).toBe('ERROR: Job failed: exit code 1');
    expect(jobResult(run.events, 'fails-midway')).toMatchObject({ status: 'failed', exitCode: 1, failureReason: 'script_failure' });
    expect(jobLines(run.events, 'before-fails')).toContain('after-script-status=failed');
    expect(jobLines(run.events, 'before-fails')).toContain('ERROR: Job failed: exit code 5');
    expect(jobResult(run.events, 'before-fails')).toMatchObject({ status: 'failed', exitCode: 5 });
  });

  it('keeps exports and `cd` from before_script in script; after_script starts afresh in CI_PROJECT_DIR', () => {
    const lines = jobLines(run.events, 'shell-session');
    expect(lines).toContain('script-sees=yes:sub');
    expect(lines).toContain('after-sees=unset:project-dir');
  });

  it('echoes a multi-line command as its first line with `# collapsed multi-line command`', () => {
    const lines = jobLines(run.events, 'multi-line');
    expect(lines).toContain('$ echo "multi-$((5 + 5))" # collapsed multi-line command');
    expect(lines).toContain('multi-10');
    expect(lines).toContain('second-12');
    expect(lines.filter((l) => l.startsWith('$ '))).toHaveLength(1);
  });

  // BUG (src/executors/shell/process-group.ts): stdout and stderr are read through two pipes, so the
  // log groups them (out-1..out-5 then err-1..err-5) instead of keeping the order the script wrote.
  // GitLab Runner's shell executor passes the same writer as Stdout and Stderr (executors/shell/shell.go),
  // and Go's os/exec then gives the child ONE pipe for both, so its log keeps the written order.
  it('keeps stdout and stderr in the order the script wrote them', () => {
    const lines = jobLines(run.events, 'interleaved').filter((l) => /^(out|err)-\d$/.test(l));
    expect(lines).toEqual(['out-1', 'err-1', 'out-2', 'err-2', 'out-3', 'err-3', 'out-4', 'err-4', 'out-5', 'err-5']);
  });
});

describe('glci run: plain output', () => {
  it('prefixes every log line with the job name and ends with a summary of each job', async () => {
    const project = await createRunProject('job-log');
    try {
      const run = await runGlci(project, ['succeeds']);
      expect(run.exitCode, describeRun(run)).toBe(0);
      const lines = run.stdout.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trimEnd());
      expect(lines).toContain(`succeeds | ${STEP_SCRIPT_TITLE}`);
      expect(lines).toContain('succeeds | $ echo "ok-$((3 + 3))"');
      expect(lines).toContain('succeeds | ok-6');
      expect(lines).toContain('succeeds | Job succeeded');
      expect(run.stdout).not.toContain('section_start:');
      const header = lines.find((l) => /\bJob\b/.test(l) && /\bStage\b/.test(l) && /\bStatus\b/.test(l) && /\bDuration\b/.test(l));
      expect(header, run.stdout).toBeDefined();
    } finally {
      project.remove();
    }
  });
});
