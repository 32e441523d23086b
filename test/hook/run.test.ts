// `glci hook run` behind real `git commit` and `git push`-style input: a failing job blocks the commit,
// a passing one lets it through, jobs see the staged content and not the unstaged edit, and when no
// selected job would run the hook answers with one line without exporting anything.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHookRepo, type HookRepo } from './hook-support.js';

let repo: HookRepo | undefined;
afterEach(() => repo?.remove());

// `check` prints the file and fails unless it holds "A"; `docs` only runs for changes under docs/.
const CONFIG = [
  'check:',
  '  stage: test',
  '  script:',
  '    - echo "content=$(cat file.txt) name=$CI_PROJECT_NAME branch=$CI_COMMIT_BRANCH"',
  '    - test "$(cat file.txt)" = A',
  '  rules:',
  '    - changes: [file.txt]',
  'docs:',
  '  stage: test',
  '  script: [echo docs]',
  '  rules:',
  '    - changes: ["docs/**/*"]',
  '',
].join('\n');

async function commitCount(r: HookRepo): Promise<number> {
  return Number((await r.git(['rev-list', '--count', 'HEAD'])).stdout.trim());
}

async function installedRepo(): Promise<HookRepo> {
  const r = await createHookRepo({ '.gitlab-ci.yml': CONFIG, 'file.txt': 'initial\n', 'notes.txt': 'n\n' });
  const res = await r.glci(['hook', 'install', '--cwd', r.dir]);
  expect(res.exitCode, res.stderr).toBe(0);
  return r;
}

describe('glci hook run (pre-commit)', () => {
  it('runs the job on the staged content, not the unstaged edit, and lets the commit through', async () => {
    repo = await installedRepo();
    repo.write('file.txt', 'A\n');
    await repo.git(['add', 'file.txt']);
    repo.write('file.txt', 'B\n');
    const commit = await repo.git(['commit', '-m', 'staged A']);
    expect(commit.exitCode, commit.stderr).toBe(0);
    expect(commit.stderr).toContain('running check on the staged changes');
    // The checkout is named as the repository and on its branch, as a normal run would be.
    expect(commit.stdout + commit.stderr).toContain('content=A name=project branch=main');
    expect(await commitCount(repo)).toBe(2);
    // The hook left the user's index and working tree as they were.
    expect((await repo.git(['show', 'HEAD:file.txt'])).stdout).toBe('A');
    expect((await repo.git(['status', '--porcelain', '--', 'file.txt'])).stdout).toBe(' M file.txt');
  });

  it('blocks the commit when a job fails', async () => {
    repo = await installedRepo();
    repo.write('file.txt', 'B\n');
    await repo.git(['add', 'file.txt']);
    repo.write('file.txt', 'A\n'); // the working tree would pass; the staged content does not
    const commit = await repo.git(['commit', '-m', 'staged B']);
    expect(commit.exitCode).not.toBe(0);
    expect(commit.stderr).toContain('job check failed; commit blocked');
    expect(await commitCount(repo)).toBe(1);
    expect((await repo.git(['diff', '--cached', '--name-only'])).stdout).toBe('file.txt');
  });

  it('returns at once with one line when no selected job would run, exporting nothing', async () => {
    repo = await installedRepo();
    repo.write('notes.txt', 'changed\n');
    await repo.git(['add', 'notes.txt']);
    const res = await repo.glci(['hook', 'run', '--cwd', repo.dir]);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stderr).toBe('glci hook pre-commit: no job of stage "test" would run for the 1 changed file');
    expect(res.stdout).toBe('');
    expect(existsSync(join(repo.dir, '.glci'))).toBe(false);
    const commit = await repo.git(['commit', '-q', '-m', 'notes']);
    expect(commit.exitCode, commit.stderr).toBe(0);
    expect(await commitCount(repo)).toBe(2);
  });

  it('plans with the staged configuration when the working tree\'s differs', async () => {
    repo = await installedRepo();
    // Staged: a job that fails for any change. Working tree: the old configuration, where nothing runs for notes.txt.
    repo.write('.gitlab-ci.yml', `${CONFIG}strict:\n  stage: test\n  script: [exit 1]\n`);
    repo.write('notes.txt', 'changed\n');
    await repo.git(['add', '.gitlab-ci.yml', 'notes.txt']);
    repo.write('.gitlab-ci.yml', CONFIG);
    const commit = await repo.git(['commit', '-m', 'strict']);
    expect(commit.exitCode).not.toBe(0);
    expect(commit.stderr).toContain('job strict failed; commit blocked');
    expect(await commitCount(repo)).toBe(1);
  });

  it('says so when nothing is staged, and rejects an unknown job name', async () => {
    repo = await installedRepo();
    const idle = await repo.glci(['hook', 'run', '--cwd', repo.dir]);
    expect(idle.exitCode).toBe(0);
    expect(idle.stderr).toBe('glci hook pre-commit: nothing staged, no job to run');
    repo.write('file.txt', 'A\n');
    await repo.git(['add', 'file.txt']);
    const unknown = await repo.glci(['hook', 'run', '--cwd', repo.dir, '--jobs', 'nope']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no job named "nope"');
  });
});

describe('glci hook run --hook pre-push', () => {
  it('checks the pushed commit with the files changed since the remote\'s commit', async () => {
    repo = await createHookRepo({ '.gitlab-ci.yml': CONFIG, 'file.txt': 'initial\n' });
    const before = (await repo.git(['rev-parse', 'HEAD'])).stdout.trim();
    repo.write('file.txt', 'B\n');
    await repo.git(['commit', '-q', '-am', 'B']);
    const after = (await repo.git(['rev-parse', 'HEAD'])).stdout.trim();
    repo.write('file.txt', 'A\n'); // not committed: the push does not carry it
    const line = `refs/heads/main ${after} refs/heads/main ${before}\n`;
    const res = await repo.glci(['hook', 'run', '--cwd', repo.dir, '--hook', 'pre-push', 'origin', 'url'], line);
    expect(res.exitCode).toBe(1);
    expect(res.stdout).toContain('content=B name=project branch=main');
    expect(res.stderr).toContain('push blocked');

    const unrelated = `refs/heads/main ${after} refs/heads/main ${after}\n`;
    const idle = await repo.glci(['hook', 'run', '--cwd', repo.dir, '--hook', 'pre-push'], unrelated);
    expect(idle.exitCode, idle.stderr).toBe(0);
    expect(idle.stderr).toContain('no job of stage "test" would run for the 0 changed files');
  });

  it('blocks a real git push whose commit fails a job', async () => {
    repo = await createHookRepo({ '.gitlab-ci.yml': CONFIG, 'file.txt': 'initial\n' });
    const remote = join(repo.dir, '..', 'remote.git');
    expect((await repo.git(['init', '-q', '--bare', remote])).exitCode).toBe(0);
    await repo.git(['remote', 'add', 'origin', remote]);
    expect((await repo.git(['push', '-q', 'origin', 'main'])).exitCode).toBe(0);
    expect((await repo.glci(['hook', 'install', '--cwd', repo.dir, '--hook', 'pre-push'])).exitCode).toBe(0);
    const pushed = (await repo.git(['rev-parse', 'HEAD'])).stdout.trim();
    repo.write('file.txt', 'B\n');
    await repo.git(['commit', '-q', '-am', 'B']);
    const push = await repo.git(['push', 'origin', 'main']);
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain('job check failed; push blocked');
    expect((await repo.git(['ls-remote', 'origin', 'refs/heads/main'])).stdout).toContain(pushed);
  });
});
