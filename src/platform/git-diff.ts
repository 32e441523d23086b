// The git questions behind a pipeline's diff (`rules:changes`) and its refs: which commit a name means,
// merge bases, and the files changed between commits, in the index or in the working tree. Paths are
// relative to `dir` and limited to it (`--relative`), like the project's file list, since the project may
// be a folder of a larger repository; renames count as delete plus add (both listed), as in GitLab.
import { UsageError } from '../errors.js';
import { runGit as git, type GitResult } from './run-git.js';

function firstLine(result: GitResult): string {
  return result.stderr.split('\n')[0]?.replace(/^(fatal|error): /, '') ?? '';
}

function names(result: GitResult): string[] {
  return result.stdout.split('\0').filter((p) => p !== '');
}

/** The full commit id `rev` names (branch, tag, remote branch, sha, `HEAD~2`), or null. */
export async function resolveCommit(dir: string, rev: string): Promise<string | null> {
  // `--end-of-options` keeps a name starting with `-` from being read as an option.
  const result = await git(dir, ['rev-parse', '--verify', '-q', '--end-of-options', `${rev}^{commit}`]);
  const sha = result.stdout.trim();
  return result.ok && sha !== '' ? sha : null;
}

/** The commit a branch name means locally: its remote-tracking branch (what GitLab has) first, else the local branch. */
export async function resolveBranch(dir: string, branch: string): Promise<string | null> {
  return (await resolveCommit(dir, `refs/remotes/origin/${branch}`)) ?? (await resolveCommit(dir, `refs/heads/${branch}`));
}

export async function mergeBase(dir: string, a: string, b: string): Promise<string | null> {
  const result = await git(dir, ['merge-base', a, b]);
  const sha = result.stdout.trim();
  return result.ok && sha !== '' ? sha : null;
}

/** What `head` changed since it forked from `rev` (`git diff rev...head`, as a merge request shows it). */
export type ForkDiff = { status: 'ok'; files: string[] } | { status: 'unknown-rev' } | { status: 'unrelated' };

export async function changedSinceFork(dir: string, rev: string, head: string): Promise<ForkDiff> {
  const sha = await resolveCommit(dir, rev);
  if (sha === null) return { status: 'unknown-rev' };
  const base = await mergeBase(dir, sha, head);
  if (base === null) return { status: 'unrelated' };
  return { status: 'ok', files: await diffNames(dir, base, head) };
}

/** Files that differ between two commits (`git diff from to`: a tree comparison, no merge base). */
export async function diffNames(dir: string, from: string, to: string): Promise<string[]> {
  const result = await git(dir, ['diff', '--relative', '--name-only', '-z', '--no-renames', from, to, '--']);
  if (!result.ok) throw new UsageError(`cannot compare ${from} with ${to}: ${firstLine(result)}`);
  return [...new Set(names(result))];
}

/** Files whose staged content differs from HEAD (`git diff --cached`). */
export async function stagedFiles(dir: string): Promise<string[]> {
  const result = await git(dir, ['diff', '--cached', '--relative', '--name-only', '-z', '--no-renames', '--']);
  if (!result.ok) throw new UsageError(`cannot read the staged changes: ${firstLine(result)}`, 'run glci inside a git repository');
  return [...new Set(names(result))];
}

/** Files of the working tree that differ from HEAD, staged or not, plus untracked files git does not ignore. */
export async function worktreeFiles(dir: string): Promise<string[]> {
  const hasHead = (await resolveCommit(dir, 'HEAD')) !== null;
  const [changed, untracked] = await Promise.all([
    // Before the first commit every tracked file is new: the index lists them.
    hasHead ? git(dir, ['diff', 'HEAD', '--relative', '--name-only', '-z', '--no-renames', '--']) : git(dir, ['ls-files', '-z']),
    git(dir, ['ls-files', '--others', '--exclude-standard', '-z']),
  ]);
  if (!changed.ok) throw new UsageError(`cannot read the working tree's changes: ${firstLine(changed)}`, 'run glci inside a git repository');
  return [...new Set([...names(changed), ...(untracked.ok ? names(untracked) : [])])];
}

/** A local tag: the commit it points at and, for an annotated tag, its message (null when lightweight). */
export async function readLocalTag(dir: string, tag: string): Promise<{ commit: string; message: string | null } | null> {
  const format = '%(objecttype)%00%(objectname)%00%(*objectname)%00%(contents)';
  const result = await git(dir, ['for-each-ref', `--format=${format}`, `refs/tags/${tag}`]);
  if (!result.ok || result.stdout === '') return null;
  const [type, object = '', peeled = '', ...message] = result.stdout.replace(/\n$/, '').split('\0');
  if (type === 'tag') return { commit: peeled, message: message.join('\0') };
  return { commit: object, message: null };
}
