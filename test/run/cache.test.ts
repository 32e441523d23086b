// Cache across runs (gitlab-ci-yaml.md §5.16): a run restores what an earlier run saved under the same
// key; `key:files` changes with the files' content; `policy: pull` restores but never saves. Each job
// prints `restored=<what it found>` and then saves `saved-by-run-<RUN>`.
import { createHash } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../acceptance/fixture-checkout.js';
import { createRunProject, describeRun, jobLines, jobResult, leftoverBuildDirs, runGlci, type GlciRun, type RunProject } from './run-support.js';

async function restoredBy(project: RunProject, runNumber: number): Promise<Record<string, string | undefined>> {
  const run = await runGlci(project, ['--json', '--variable', `RUN=${runNumber}`]);
  expect(run.exitCode, describeRun(run)).toBe(0);
  expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
  const restored = (job: string) => jobLines(run.events, job).find((l) => l.startsWith('restored='))?.slice('restored='.length);
  const jobs = ['literal-key', 'files-key', 'pull-only', 'fallback'];
  return Object.fromEntries(jobs.map((job) => [job, restored(job)]));
}

async function commitLockChange(dir: string): Promise<void> {
  writeFileSync(join(dir, 'lock.txt'), 'lock v2\n');
  const git = ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'commit.gpgsign=false'];
  await execa('git', [...git, 'commit', '-qam', 'bump lock'], { cwd: dir, env: isolatedEnv(), extendEnv: false });
}

describe('glci run: cache', () => {
  let project: RunProject;
  beforeAll(async () => {
    project = await createRunProject('cache');
  });
  afterAll(() => project.remove());

  it('restores in a later run what an earlier run saved, except with policy pull; key:files follows the files; fallback_keys', async () => {
    expect(await restoredBy(project, 1)).toEqual({ 'literal-key': 'nothing', 'files-key': 'nothing', 'pull-only': 'nothing', fallback: 'nothing' });
    expect(await restoredBy(project, 2)).toEqual({
      'literal-key': 'saved-by-run-1',
      'files-key': 'saved-by-run-1',
      'pull-only': 'nothing',
      fallback: 'saved-by-run-1',
    });
    await commitLockChange(project.dir);
    expect(await restoredBy(project, 3)).toEqual({
      'literal-key': 'saved-by-run-2',
      'files-key': 'nothing',
      'pull-only': 'nothing',
      fallback: 'saved-by-run-1',
    });
  });
});

/** Lines of a job's log that start with one of `prefixes` (what the fixture's readers print). */
function printed(run: GlciRun, job: string, prefixes: readonly string[]): string[] {
  return jobLines(run.events, job).filter((l) => prefixes.some((p) => l.startsWith(p)));
}

describe('glci run: cache options (when, untracked, key:prefix with key:files, four caches)', () => {
  let project: RunProject;
  let run: GlciRun;
  beforeAll(async () => {
    project = await createRunProject('cache-options');
    run = await runGlci(project, ['--json', '--concurrency', '4']);
  });
  afterAll(() => project.remove());

  it('passes: the failing jobs are allowed to fail', () => {
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
  });

  it('saves a failed job\'s cache with when: on_failure or always, not with on_success; on_failure skips a passing job', () => {
    expect(printed(run, 'read-when', ['c1=', 'c2=', 'c3=', 'c4='])).toEqual(['c1=saved', 'c2=saved', 'c3=nothing', 'c4=nothing']);
    // runner-behavior.md §1.1: the failed job's cache is saved in `archive_cache_on_failure`.
    expect(jobLines(run.events, 'on-failure-failed')).toContain('Saving cache for failed job');
    expect(jobLines(run.events, 'default-failed')).not.toContain('Creating cache default-failed...');
  });

  it('saves and restores four caches of one job', () => {
    expect(printed(run, 'read-four', ['f'])).toEqual(['f1=cache-1', 'f2=cache-2', 'f3=cache-3', 'f4=cache-4']);
  });

  it('untracked: true caches the files the job created, not the checkout\'s tracked files', () => {
    expect(printed(run, 'read-untracked', ['made='])).toEqual(['made=job ignored=ignored kept=original']);
  });

  it('key:files with prefix: the key is `<expanded prefix>-<SHA-1 of the files\' git blob ids>`', async () => {
    // gitlab-ci-yaml.md §5.16: SHA-1 hex of the sorted blob ids joined with `-`, then `<prefix>-<digest>`;
    // the runner expands `$CI_COMMIT_REF_SLUG` in the key (`main`).
    const { stdout: blob } = await execa('git', ['hash-object', 'lock.txt'], { cwd: project.dir, env: isolatedEnv(), extendEnv: false });
    const key = `pre-main-${createHash('sha1').update(blob.trim()).digest('hex')}`;
    expect(jobLines(run.events, 'prefixed')).toContain(`Creating cache ${key}...`);
    expect(jobLines(run.events, 'read-prefixed')).toContain(`Checking cache for ${key}...`);
    expect(printed(run, 'read-prefixed', ['p='])).toEqual(['p=prefixed']);
  });

  it('a damaged cache archive is a warning: the job runs without it and passes', async () => {
    const archive = join(project.stateDir, 'cache', 'broken', 'cache.tar');
    expect(existsSync(archive)).toBe(true);
    writeFileSync(archive, 'not a tar archive\n');
    const again = await runGlci(project, ['--json', 'broken']);
    expect(again.exitCode, describeRun(again)).toBe(0);
    expect(jobResult(again.events, 'broken').status).toBe('success');
    const lines = jobLines(again.events, 'broken');
    // runner-behavior.md §6.3: `WARNING: Failed to extract cache`, never fatal.
    expect(lines).toContain('WARNING: Failed to extract cache');
    expect(lines).toContain('restored=nothing');
    expect(lines.filter((l) => l !== '').at(-1)).toBe('Job succeeded');
  });

  it('a cache that cannot be written is a warning: the job passes', async () => {
    rmSync(join(project.stateDir, 'cache'), { recursive: true, force: true });
    writeFileSync(join(project.stateDir, 'cache'), 'a file where the cache folder should be\n');
    const again = await runGlci(project, ['--json', 'broken']);
    expect(again.exitCode, describeRun(again)).toBe(0);
    const lines = jobLines(again.events, 'broken');
    // runner-behavior.md §6.4: `WARNING: Failed to create cache` (never fatal).
    expect(lines).toContain('Creating cache broken...');
    expect(lines).toContain('WARNING: Failed to create cache');
    expect(lines).toContain('restored=nothing');
    expect(lines.filter((l) => l !== '').at(-1)).toBe('Job succeeded');
    expect(jobResult(again.events, 'broken')).toMatchObject({ status: 'success', exitCode: 0 });
    expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
  });
});
