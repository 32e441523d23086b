// The git questions `glci hook` asks about the user's repository: where hooks live, what a commit or a
// push would change, and the tree it would record. Paths are relative to `dir` (`--relative`), the
// project, which may be a sub-folder of the repository.
import { UsageError } from '../errors.js';
import { runGit } from './run-git.js';

const ZERO_SHA = /^0+$/;

function splitNul(output: string): string[] {
  return [...new Set(output.split('\0').filter((p) => p !== ''))];
}

/** The folder git runs hooks from: core.hooksPath when set, else the (common) git dir's `hooks`, also in worktrees. */
export async function hooksDirectory(dir: string): Promise<string> {
  const result = await runGit(dir, ['rev-parse', '--path-format=absolute', '--git-path', 'hooks']);
  if (!result.ok) throw new UsageError(`${dir} is not in a git repository`, 'run glci hook install inside the repository (or pass --cwd)');
  return result.stdout.trim();
}

/** Files the index changes against HEAD (all staged files before the first commit): what `git commit` would record. */
export async function stagedPaths(dir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const result = await runGit(dir, ['diff', '--cached', '--name-only', '-z', '--no-renames', '--relative'], env);
  if (!result.ok) throw new UsageError(`cannot list the staged files: ${firstLine(result.stderr)}`);
  return splitNul(result.stdout);
}

/** Files of the index (what the commit will hold), for `rules:exists`. */
export async function indexPaths(dir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const result = await runGit(dir, ['ls-files', '-z', '--cached'], env);
  return result.ok ? splitNul(result.stdout) : [];
}

/** Files of a commit (what a push delivers), for `rules:exists`. */
export async function treePaths(dir: string, treeish: string): Promise<string[]> {
  const result = await runGit(dir, ['ls-tree', '-r', '-z', '--name-only', treeish]);
  return result.ok ? splitNul(result.stdout) : [];
}

/** Tracked files whose working-tree content differs from `treeish` (default: the index). */
export async function worktreeChanges(dir: string, env: NodeJS.ProcessEnv, treeish?: string): Promise<string[]> {
  const result = await runGit(dir, ['diff', '--name-only', '-z', '--no-renames', '--relative', ...(treeish ? [treeish] : []), '--'], env);
  return result.ok ? splitNul(result.stdout) : [];
}

/** Files changed from `before` to `after` (a push's range); null when `before` is unknown here (new branch). */
export async function rangePaths(dir: string, before: string, after: string): Promise<string[] | null> {
  if (ZERO_SHA.test(before)) return null;
  const known = await runGit(dir, ['cat-file', '-e', `${before}^{commit}`]);
  if (!known.ok) return null;
  const result = await runGit(dir, ['diff', '--name-only', '-z', '--no-renames', '--relative', before, after, '--']);
  return result.ok ? splitNul(result.stdout) : null;
}

/** Writes the index's tree into the object store (as `git commit` is about to) and returns its id. */
export async function writeIndexTree(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runGit(dir, ['write-tree'], env);
  if (!result.ok) throw new UsageError(`cannot read the staged tree: ${firstLine(result.stderr)}`, 'resolve conflicts in the index first');
  return result.stdout.trim();
}

export interface RepositoryLayout {
  /** The repository's top level (absolute). */
  topLevel: string;
  /** The project's path below the top level (`''` or `sub/dir/`). */
  prefix: string;
  /** The object store, absolute (the common one in a worktree). */
  objectsDir: string;
  /** HEAD's commit, or null before the first commit. */
  head: string | null;
}

export async function repositoryLayout(dir: string): Promise<RepositoryLayout> {
  const [paths, head] = await Promise.all([
    runGit(dir, ['rev-parse', '--show-toplevel', '--show-prefix', '--path-format=absolute', '--git-path', 'objects']),
    runGit(dir, ['rev-parse', '--verify', '-q', 'HEAD']),
  ]);
  if (!paths.ok) throw new UsageError(`${dir} is not in a git repository`);
  const [topLevel, prefix, objectsDir] = paths.stdout.split('\n');
  return { topLevel: topLevel ?? dir, prefix: prefix ?? '', objectsDir: objectsDir ?? '', head: head.ok ? head.stdout.trim() : null };
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.replace(/^fatal: /, '') ?? '';
}
