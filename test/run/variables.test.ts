// Variables from the user's variables file (.glci-variables.yml, GitLab's project-variable slot):
// file-type variables (gitlab-ci-yaml.md §7.2) and masked ones (runner-behavior.md §10.4).
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunProject, describeRun, jobLines, jobLog, jobResult, leftoverBuildDirs, runGlci, type GlciRun, type RunProject } from './run-support.js';

const SECRET = 's3cr3t-value-123';

describe('glci run: file-type variables', () => {
  it('hands the job the path of a file whose content is the value', async () => {
    const project = await createRunProject('file-variables');
    try {
      const run = await runGlci(project, ['--json']);
      expect(run.exitCode, describeRun(run)).toBe(0);
      const lines = jobLines(run.events, 'read-file-variable');
      const path = lines.find((l) => l.startsWith('path='))?.slice('path='.length) ?? '';
      expect(path.startsWith('/')).toBe(true);
      expect(lines).toContain('plain=plain-value');
      const content = lines.indexOf('content=first line');
      expect(content, lines.join('\n')).toBeGreaterThanOrEqual(0);
      expect(lines[content + 1]).toBe('second line|');
      // The file lived in the job's build folder, which is gone with the job.
      expect(existsSync(path)).toBe(false);
      expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
    } finally {
      project.remove();
    }
  });
});

describe('glci run: masked variables', () => {
  let project: RunProject;
  let plain: GlciRun;
  let json: GlciRun;
  beforeAll(async () => {
    project = await createRunProject('masking');
    json = await runGlci(project, ['--json', '--concurrency', '4']);
    plain = await runGlci(project, ['--concurrency', '4']);
  });
  afterAll(() => project.remove());

  it('runs the fixture as GitLab would (a failing job allowed to fail, the secret reaching a later job)', () => {
    expect(json.exitCode, describeRun(json)).toBe(0);
    expect(plain.exitCode, describeRun(plain)).toBe(0);
    expect(jobResult(json.events, 'fails-with-it')).toMatchObject({ status: 'failed', allowedToFail: true });
    expect(jobResult(json.events, 'consumer').status).toBe('success');
  });

  it('never prints the value, on stdout or stderr, plain or --json', () => {
    for (const run of [json, plain]) {
      expect(run.stdout).not.toContain(SECRET);
      expect(run.stderr).not.toContain(SECRET);
    }
  });

  it('prints [MASKED] where the value was: echoed, on stderr, split across writes, in after_script', () => {
    const lines = jobLines(json.events, 'echo-it');
    expect(lines).toContain('stdout [MASKED]');
    expect(lines).toContain('stderr [MASKED]');
    expect(lines).toContain('split=[MASKED]|');
    expect(lines).toContain('[MASKED]|');
    expect(lines).toContain('after [MASKED]');
    expect(jobLines(json.events, 'consumer')).toContain('from dotenv [MASKED]');
  });

  it('masks the value in error messages: a failing command\'s own error and the runner\'s messages', () => {
    const failing = jobLines(json.events, 'fails-with-it');
    expect(failing).toContain("ls: cannot access '/nonexistent-folder/[MASKED]': No such file or directory");
    // The shell's trace of the command line (CI_DEBUG_TRACE), and of the variable's export.
    expect(failing.some((l) => /^\++ ls .*\/nonexistent-folder\/\[MASKED\]/.test(l)), failing.join('\n')).toBe(true);
    expect(failing.some((l) => l.includes('SECRET=') && l.includes('[MASKED]'))).toBe(true);
    expect(jobLog(json.events, 'runner-messages')).toContain('cache-[MASKED]');
    expect(jobLog(json.events, 'runner-messages')).toContain('missing-[MASKED]');
  });
});

describe('glci run: a job named by the masked value', () => {
  // GitLab masks the job log; the job's name itself is configuration, shown as written in GitLab's UI
  // (and in glci's job prefixes and events), so only the log is checked here.
  it('masks the name where the job log prints it', async () => {
    const project = await createRunProject('masking-job-name');
    try {
      const run = await runGlci(project, ['--json']);
      expect(run.exitCode, describeRun(run)).toBe(0);
      const log = jobLog(run.events, SECRET);
      expect(jobLines(run.events, SECRET)).toContain('my name is [MASKED]');
      expect(log).not.toContain(SECRET);
    } finally {
      project.remove();
    }
  });
});
