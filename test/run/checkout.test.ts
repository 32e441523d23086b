// The job's working directory (issue step 2, item 4): CI_PROJECT_DIR is a copy of the project as the
// user sees it (tracked files with their uncommitted edits, untracked files .gitignore does not
// exclude; not ignored ones), so a job cannot change the user's checkout — unless --shell-in-place.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunProject, describeRun, jobLines, leftoverBuildDirs, runGlci, snapshotTree, type RunProject } from './run-support.js';

function valueOf(lines: readonly string[], key: string): string | undefined {
  return lines.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
}

describe('glci run: the job works on a copy of the checkout', () => {
  let project: RunProject;
  beforeEach(async () => {
    project = await createRunProject('checkout');
    writeFileSync(join(project.dir, 'tracked.txt'), 'tracked v2 (uncommitted)\n');
    writeFileSync(join(project.dir, 'untracked-note.txt'), 'untracked but not ignored\n');
    writeFileSync(join(project.dir, 'ignored-secret.txt'), 'ignored by .gitignore\n');
  });
  afterEach(() => project.remove());

  it('runs in CI_PROJECT_DIR, a folder other than the user\'s, holding the working tree minus ignored files', async () => {
    const before = snapshotTree(project.dir);
    const run = await runGlci(project, ['--json']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const lines = jobLines(run.events, 'inspect');
    const projectDir = valueOf(lines, 'project-dir');
    expect(projectDir).toMatch(/\S/);
    expect(valueOf(lines, 'pwd')).toBe(projectDir);
    expect(projectDir).not.toBe(project.dir);
    expect(valueOf(lines, 'tracked')).toBe('tracked v2 (uncommitted)');
    expect(valueOf(lines, 'untracked')).toBe('untracked but not ignored');
    expect(valueOf(lines, 'ignored')).toBe('absent');
    // The job rewrote tracked.txt and created a file: the user's checkout is untouched.
    expect(snapshotTree(project.dir)).toEqual(before);
    expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
  });

  it('with the default state directory, adds nothing to the checkout but .glci/', async () => {
    const before = snapshotTree(project.dir);
    const run = await runGlci(project, ['--json'], { defaultStateDir: true });
    expect(run.exitCode, describeRun(run)).toBe(0);
    const after = snapshotTree(project.dir);
    const outsideState = Object.fromEntries(Object.entries(after).filter(([path]) => path !== '.glci' && !path.startsWith('.glci/')));
    expect(outsideState).toEqual(before);
    expect(leftoverBuildDirs(join(project.dir, '.glci'))).toEqual([]);
  });

  it('with --shell-in-place runs in the user\'s checkout itself', async () => {
    const run = await runGlci(project, ['--json', '--shell-in-place']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const lines = jobLines(run.events, 'inspect');
    expect(valueOf(lines, 'project-dir')).toBe(project.dir);
    expect(valueOf(lines, 'ignored')).toBe('ignored by .gitignore');
    expect(readFileSync(join(project.dir, 'tracked.txt'), 'utf8')).toBe('changed by the job\n');
    expect(existsSync(join(project.dir, 'job-made-this.txt'))).toBe(true);
  });
});

// BUG (src/executors/shell/checkout-copy.ts: `.git` is not copied, "no job step needs it"): the job's
// copy is not a git repository. With the default state directory (inside the project) git commands in
// a job walk up to the USER's repository, so `git reset --hard` in a script throws away the user's
// uncommitted work; with a state directory elsewhere they find no repository at all. In GitLab the
// project directory is a clone of the pipeline's commit (runner-behavior.md §4.3).
describe('glci run: git commands in a job', () => {
  let project: RunProject;
  beforeEach(async () => {
    project = await createRunProject('git-in-job');
    writeFileSync(join(project.dir, 'tracked.txt'), 'the user\'s unsaved edit\n');
  });
  afterEach(() => project.remove());

  it('cannot reset the user\'s checkout (default state directory)', async () => {
    const run = await runGlci(project, ['--json'], { defaultStateDir: true });
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(readFileSync(join(project.dir, 'tracked.txt'), 'utf8')).toBe('the user\'s unsaved edit\n');
  });

  it('see a repository rooted at CI_PROJECT_DIR whose HEAD is CI_COMMIT_SHA', async () => {
    const run = await runGlci(project, ['--json']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const lines = jobLines(run.events, 'git-commands');
    expect(valueOf(lines, 'toplevel')).toBe(valueOf(lines, 'project-dir'));
    expect(valueOf(lines, 'head')).toBe(valueOf(lines, 'commit-sha'));
    expect(readFileSync(join(project.dir, 'tracked.txt'), 'utf8')).toBe('the user\'s unsaved edit\n');
  });
});
