// Cache across runs (gitlab-ci-yaml.md §5.16): a run restores what an earlier run saved under the same
// key; `key:files` changes with the files' content; `policy: pull` restores but never saves. Each job
// prints `restored=<what it found>` and then saves `saved-by-run-<RUN>`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../acceptance/fixture-checkout.js';
import { createRunProject, describeRun, jobLines, leftoverBuildDirs, runGlci, type RunProject } from './run-support.js';

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
