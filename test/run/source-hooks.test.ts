// `hooks:pre_get_sources_script` (gitlab-ci-yaml.md, `hooks`) and the runner's `pre_get_sources_script`
// / `post_get_sources_script` (config.toml, runner-behavior.md §4.3): inside the get_sources section,
// the runner's pre script, then the job's hook, then the sources, then the runner's post script; left
// out with GIT_STRATEGY none; a failing hook fails the job with its exit code and runs no script. On the
// shell executor and on the docker executor (whose sources arrive inside get_sources). A failed
// get_sources is tried again up to GET_SOURCES_ATTEMPTS times.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../fixtures/images/build.js';
import { createRunProject, describeRun, jobLog, jobResult, runGlci, type RunProject } from './run-support.js';

let project: RunProject;
let config: string;

beforeAll(async () => {
  project = await createRunProject('source-hooks');
  config = join(project.scratchDir, 'config.toml');
  writeFileSync(
    config,
    [
      '[[runners]]',
      '  name = "hooked-shell"',
      '  executor = "shell"',
      '  pre_get_sources_script = "echo runner pre hook"',
      '  post_get_sources_script = "echo runner post hook, sources there? $(test -f README.md && echo yes || echo no)"',
      '',
    ].join('\n'),
  );
});

afterAll(() => project?.remove());

/** The job's raw output, section markers kept: `[section name, text]` pairs in order. */
function sections(run: Awaited<ReturnType<typeof runGlci>>, job: string): Map<string, string> {
  const raw = run.events.filter((e) => e.type === 'job_output' && e.job === job).map((e) => e.text ?? '').join('');
  const found = new Map<string, string>();
  for (const match of raw.matchAll(/section_start:\d+:([a-z_]+)[^\n]*\n([\s\S]*?)section_end:\d+:\1/g)) {
    found.set(match[1] ?? '', (match[2] ?? '').replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''));
  }
  return found;
}

describe('source hooks on the shell executor', () => {
  it('runs the runner\'s pre script, the job\'s hook, then the runner\'s post script inside get_sources', async () => {
    const run = await runGlci(project, ['--json', '--config', config, 'with-hook']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const getSources = sections(run, 'with-hook').get('get_sources') ?? '';
    const order = ['runner pre hook', 'job hook in project', 'runner post hook, sources there? yes'].map((text) => getSources.indexOf(`\n${text}`));
    expect(order.every((i) => i >= 0), getSources).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(jobLog(run.events, 'with-hook')).toContain('script sees README the readme');
  }, 60_000);

  it('leaves the hooks out with GIT_STRATEGY none', async () => {
    const run = await runGlci(project, ['--json', '--config', config, 'no-sources']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const log = jobLog(run.events, 'no-sources');
    expect(log).not.toMatch(/^must not run$/m);
    expect(log).not.toContain('runner pre hook');
    expect(log).toMatch(/^script ran$/m);
  }, 60_000);

  it('fails the job with the hook\'s exit code and runs no script', async () => {
    const run = await runGlci(project, ['--json', 'failing-hook']);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(jobResult(run.events, 'failing-hook')).toMatchObject({ status: 'failed', exitCode: 7, failureReason: 'script_failure' });
    const log = jobLog(run.events, 'failing-hook');
    expect(log).not.toMatch(/^must not run either$/m);
    expect(log).toContain('ERROR: Job failed: exit code 7');
  }, 60_000);
});

describe('GET_SOURCES_ATTEMPTS', () => {
  it('tries a failed get_sources again, saying Retrying..., until it passes', async () => {
    const marks = mkdtempSync(join(tmpdir(), 'glci-attempts-'));
    const run = await runGlci(project, ['--json', '--variable', `MARK_DIR=${marks}`, 'flaky-sources']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const log = jobLog(run.events, 'flaky-sources');
    expect(log).toMatch(/^sources unavailable on try 1$/m);
    expect(log).toMatch(/^WARNING: Retrying\.\.\.$/m);
    expect(log).toMatch(/^ran after 2 tries$/m);
  }, 60_000);

  it('clamps more than 10 attempts to 10, with GitLab Runner\'s warning, and fails with the last exit code', async () => {
    const run = await runGlci(project, ['--json', 'always-failing-sources']);
    expect(run.exitCode, describeRun(run)).toBe(1);
    const log = jobLog(run.events, 'always-failing-sources');
    expect(log).toContain('WARNING: GET_SOURCES_ATTEMPTS: number of attempts out of the range [1, 10], clamping to: 10');
    expect(log.match(/^try 1$/gm)).toHaveLength(10);
    expect(log.match(/^WARNING: Retrying\.\.\.$/gm)).toHaveLength(9);
    expect(jobResult(run.events, 'always-failing-sources')).toMatchObject({ status: 'failed', exitCode: 4 });
  }, 60_000);
});

describe('source hooks on the docker executor', () => {
  it('runs the job\'s hook in the build container before the sources arrive', async () => {
    const busybox = await ensureImage('busybox');
    const run = await runGlci(project, ['--json', '--variable', `BUSYBOX=${busybox}`, 'in-docker']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const getSources = sections(run, 'in-docker').get('get_sources') ?? '';
    expect(getSources).toMatch(/^docker hook, sources there\? no$/m);
    expect(jobLog(run.events, 'in-docker')).toContain('docker script sees README the readme');
  }, 15 * 60_000);
});
