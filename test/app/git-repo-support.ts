// Small real git repositories for the context builder's tests: a `main` with origin/HEAD, a feature
// branch with its own commit, and the target branch moving on afterwards.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: devNull,
  GIT_AUTHOR_NAME: 'Ada Lovelace',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada Lovelace',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
  GIT_AUTHOR_DATE: '@1700000000 +0000',
  GIT_COMMITTER_DATE: '@1700000000 +0000',
};

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: ENV, encoding: 'utf8' }).trim();
}

export function write(dir: string, file: string, content = `${file}\n`): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), content);
}

export function commit(dir: string, files: Record<string, string>, message: string): string {
  for (const [file, content] of Object.entries(files)) write(dir, file, content);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

export interface Repository {
  dir: string;
  /** The first commit, where `feature` left `main`. */
  base: string;
  /** `feature`'s head (checked out). */
  feature: string;
  /** `main`'s head after it moved on (also origin/main). */
  main: string;
  remove(): void;
}

/**
 * main: base (.gitlab-ci.yml, shared.txt) → main commit (docs/target.md, shared.txt changed);
 * feature: base → feature commit (src/feature.js, and shared.txt when `conflict`). HEAD on feature.
 */
export function createRepository(options: { conflict?: boolean; ci?: string } = {}): Repository {
  const root = mkdtempSync(join(tmpdir(), 'glci-context-'));
  const dir = join(root, 'project');
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  const base = commit(dir, { '.gitlab-ci.yml': options.ci ?? 'job:\n  script: [echo]\n', 'shared.txt': 'one\n' }, 'Base');
  git(dir, 'remote', 'add', 'origin', 'https://gitlab.example.com/group/project.git');
  git(dir, 'checkout', '-q', '-b', 'feature');
  const feature = commit(dir, { 'src/feature.js': 'feature\n', ...(options.conflict ? { 'shared.txt': 'feature\n' } : {}) }, 'Add the feature\n\nLonger text.');
  git(dir, 'checkout', '-q', 'main');
  const main = commit(dir, { 'docs/target.md': 'target\n', 'shared.txt': 'main\n' }, 'Move main on');
  git(dir, 'update-ref', 'refs/remotes/origin/main', main);
  git(dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  git(dir, 'checkout', '-q', 'feature');
  return { dir, base, feature, main, remove: () => rmSync(root, { recursive: true, force: true }) };
}
