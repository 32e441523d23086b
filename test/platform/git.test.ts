// readGitFacts & co against real temporary repositories: branch, detached tag, no commits, not a repo.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProjectFiles, projectPathFromRemote, readGitFacts } from '../../src/platform/git.js';
import { changedSinceFork } from '../../src/platform/git-diff.js';

const ZERO_SHA = '0'.repeat(40);
// 2022-01-31T16:47:55Z, written with a +01:00 offset: the timestamp is reported in UTC.
const COMMIT_DATE = '@1643647675 +0100';

let root: string;
const saved: Record<string, string | undefined> = {};

function sh(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Ada Lovelace',
      GIT_AUTHOR_EMAIL: 'ada@example.com',
      GIT_COMMITTER_NAME: 'Charles Babbage',
      GIT_COMMITTER_EMAIL: 'charles@example.com',
      GIT_AUTHOR_DATE: COMMIT_DATE,
      GIT_COMMITTER_DATE: COMMIT_DATE,
    },
  });
}

function repo(name: string, branch = 'main'): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  sh(dir, 'init', '-q', '-b', branch);
  return dir;
}

function commit(dir: string, file: string, content: string, message: string): string {
  writeFileSync(join(dir, file), content);
  sh(dir, 'add', '-A');
  sh(dir, 'commit', '-q', '-m', message);
  return sh(dir, 'rev-parse', 'HEAD').trim();
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'glci-git-'));
  // Isolate from the machine's git configuration: a known global config, no system config.
  for (const key of ['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM']) saved[key] = process.env[key];
  const globalConfig = join(root, 'gitconfig');
  writeFileSync(globalConfig, '[init]\n\tdefaultBranch = trunk\n[user]\n\tname = Global User\n\temail = global@example.com\n');
  process.env.GIT_CONFIG_GLOBAL = globalConfig;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
});

afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(root, { recursive: true, force: true });
});

describe('readGitFacts', () => {
  it('reads a branch checkout with a remote whose HEAD names the default branch', async () => {
    const upstream = join(root, 'upstream.git');
    execFileSync('git', ['init', '-q', '--bare', upstream]);
    const dir = repo('branch', 'develop');
    const sha = commit(dir, 'a.txt', 'a', 'Add a\n\nWith a body.');
    sh(dir, 'remote', 'add', 'origin', 'git@gitlab.example.com:group/sub/project.git');
    sh(dir, 'update-ref', 'refs/remotes/origin/stable', sha);
    sh(dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/stable');
    sh(dir, 'checkout', '-q', '-b', 'feature/x');
    mkdirSync(join(dir, 'sub'));

    const { topLevel, facts } = await readGitFacts(join(dir, 'sub'));
    expect(topLevel).toBe(sh(dir, 'rev-parse', '--show-toplevel').trim());
    expect(facts).toEqual({
      sha,
      branch: 'feature/x',
      tag: null,
      tagMessage: null,
      message: 'Add a\n\nWith a body.\n',
      authorName: 'Ada Lovelace',
      authorEmail: 'ada@example.com',
      timestamp: '2022-01-31T16:47:55Z',
      remoteUrl: 'git@gitlab.example.com:group/sub/project.git',
      defaultBranch: 'stable',
    });
  });

  it('falls back to init.defaultBranch without origin/HEAD, and ignores tags when on a branch', async () => {
    const dir = repo('no-origin-head');
    commit(dir, 'a.txt', 'a', 'one');
    sh(dir, 'tag', 'v0');
    const { facts } = await readGitFacts(dir);
    expect(facts).toMatchObject({ branch: 'main', tag: null, defaultBranch: 'trunk', remoteUrl: null });
  });

  it('reads a HEAD detached on a tag, preferring an annotated tag and its message', async () => {
    const dir = repo('tagged');
    commit(dir, 'a.txt', 'a', 'one');
    const sha = commit(dir, 'b.txt', 'b', 'two');
    sh(dir, 'tag', 'light');
    sh(dir, 'tag', '-a', 'v1.0', '-m', 'Release 1.0\n\nNotes.');
    sh(dir, 'checkout', '-q', 'v1.0');
    const { facts } = await readGitFacts(dir);
    expect(facts).toMatchObject({ sha, branch: null, tag: 'v1.0', tagMessage: 'Release 1.0\n\nNotes.\n' });
  });

  it('reports a lightweight tag without a message, and a plain detached HEAD without a tag', async () => {
    const dir = repo('lightweight');
    const first = commit(dir, 'a.txt', 'a', 'one');
    commit(dir, 'b.txt', 'b', 'two');
    sh(dir, 'tag', 'v2');
    sh(dir, 'checkout', '-q', 'v2');
    expect((await readGitFacts(dir)).facts).toMatchObject({ branch: null, tag: 'v2', tagMessage: null });
    sh(dir, 'checkout', '-q', first);
    expect((await readGitFacts(dir)).facts).toMatchObject({ sha: first, branch: null, tag: null, tagMessage: null });
  });

  it('handles a repository without commits', async () => {
    const dir = repo('empty', 'work');
    sh(dir, 'config', 'user.name', 'Local User');
    const now = new Date('2024-05-01T10:00:00.123Z');
    const { topLevel, facts } = await readGitFacts(dir, { now: () => now });
    expect(topLevel).not.toBeNull();
    expect(facts).toEqual({
      sha: ZERO_SHA,
      branch: 'work',
      tag: null,
      tagMessage: null,
      message: '',
      authorName: 'Local User',
      authorEmail: 'global@example.com',
      timestamp: '2024-05-01T10:00:00Z',
      remoteUrl: null,
      defaultBranch: 'trunk',
    });
  });

  it('works outside a git repository', async () => {
    const dir = join(root, 'plain');
    mkdirSync(dir);
    const { topLevel, facts } = await readGitFacts(dir, { now: () => new Date('2024-05-01T10:00:00Z') });
    expect(topLevel).toBeNull();
    expect(facts).toMatchObject({ sha: ZERO_SHA, branch: 'trunk', tag: null, message: '', defaultBranch: 'trunk' });
  });
});

describe('changedSinceFork', () => {
  it('lists files changed since the merge base, both paths of a rename', async () => {
    const dir = repo('diff');
    commit(dir, 'keep.txt', 'keep', 'base');
    commit(dir, 'old.txt', 'content that is long enough to be detected as a rename\n', 'old');
    sh(dir, 'checkout', '-q', '-b', 'feature');
    sh(dir, 'mv', 'old.txt', 'new.txt');
    mkdirSync(join(dir, 'src'));
    commit(dir, 'src/app.ts', 'x', 'feature work');
    sh(dir, 'checkout', '-q', 'main');
    commit(dir, 'main-only.txt', 'm', 'main moves on');
    sh(dir, 'checkout', '-q', 'feature');
    const diff = await changedSinceFork(dir, 'main', 'HEAD');
    expect(diff.status === 'ok' ? diff.files.sort() : diff).toEqual(['new.txt', 'old.txt', 'src/app.ts']);
  });

  it('says when the base is unknown (glci run --changes turns that into a UsageError)', async () => {
    const dir = repo('diff-unknown');
    commit(dir, 'a.txt', 'a', 'one');
    expect(await changedSinceFork(dir, 'no-such-ref', 'HEAD')).toEqual({ status: 'unknown-rev' });
  });
});

describe('listProjectFiles', () => {
  it('lists tracked and untracked files that are not ignored', async () => {
    const dir = repo('files');
    writeFileSync(join(dir, '.gitignore'), 'dist/\n*.log\n');
    commit(dir, 'tracked.txt', 't', 'one');
    writeFileSync(join(dir, 'untracked.txt'), 'u');
    writeFileSync(join(dir, 'debug.log'), 'ignored');
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'out.js'), 'ignored');
    expect((await listProjectFiles(dir)).sort()).toEqual(['.gitignore', 'tracked.txt', 'untracked.txt']);
  });

  it('walks the directory outside git', async () => {
    const dir = join(root, 'walk');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'top.txt'), '');
    writeFileSync(join(dir, 'a', 'b', 'deep.txt'), '');
    expect(await listProjectFiles(dir)).toEqual(['a/b/deep.txt', 'top.txt']);
  });
});

describe('projectPathFromRemote', () => {
  it.each<[string | null, string]>([
    ['git@gitlab.com:group/sub/project.git', 'group/sub/project'],
    ['git@gitlab.com:group/project', 'group/project'],
    ['gitlab.example.com:group/project.git', 'group/project'],
    ['ssh://git@gitlab.example.com:2222/group/project.git', 'group/project'],
    ['ssh://gitlab.example.com/group/project.git/', 'group/project'],
    ['https://gitlab.com/group/sub/project.git', 'group/sub/project'],
    ['https://oauth2:token@gitlab.com/group/project', 'group/project'],
    ['http://localhost:8080/my%20group/project.git', 'my group/project'],
    ['  https://gitlab.com/group/project.git\n', 'group/project'],
    ['/srv/git/project.git', 'folder'],
    ['../upstream.git', 'folder'],
    ['file:///srv/git/project.git', 'folder'],
    ['C:\\repos\\project.git', 'folder'],
    ['https://gitlab.com', 'folder'],
    [null, 'folder'],
  ])('%j → %j', (url, expected) => {
    expect(projectPathFromRemote(url, 'folder')).toBe(expected);
  });
});
