// What a hook checks. pre-commit: the index (what `git commit` records) on the current branch, the
// staged files as the changed files. pre-push: each pushed ref's local commit, the files changed since
// the remote's commit (none known for a new branch: then `rules:changes` is true, as on GitLab).
import type { GitFacts } from '../model/plan.js';
import { UsageError } from '../errors.js';
import { indexPaths, rangePaths, stagedPaths, treePaths, worktreeChanges, writeIndexTree } from '../platform/hook-git.js';
import type { HookName } from './git-hook-script.js';

export interface HookTarget {
  /** For messages: `staged changes`, `push to main`. */
  label: string;
  /** Changed files for rules:changes; null = unknown (changes always match). */
  changedFiles: string[] | null;
  /** Files the checked content holds, for rules:exists. */
  files: string[];
  /** The commit the content builds on (HEAD of the check's repository). */
  head: string | null;
  ref: { kind: 'branch' | 'tag'; name: string } | null;
  /** Tracked files whose working-tree content differs from the checked content. */
  worktreeChanges: () => Promise<string[]>;
  /** The tree or commit to check out; may write the index's tree into the object store. */
  treeish: () => Promise<string>;
}

export interface PushedRef {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

/** The lines git writes on pre-push's stdin; deletions (local sha of zeros) push no content. */
export function parsePushLines(text: string): PushedRef[] {
  const refs: PushedRef[] = [];
  for (const line of text.split('\n')) {
    const [localRef, localSha, remoteRef, remoteSha] = line.trim().split(/\s+/);
    if (!localRef || !localSha || !remoteRef || !remoteSha) continue;
    if (/^0+$/.test(localSha)) continue;
    refs.push({ localRef, localSha, remoteRef, remoteSha });
  }
  return refs;
}

function refOf(remoteRef: string): HookTarget['ref'] {
  if (remoteRef.startsWith('refs/heads/')) return { kind: 'branch', name: remoteRef.slice('refs/heads/'.length) };
  if (remoteRef.startsWith('refs/tags/')) return { kind: 'tag', name: remoteRef.slice('refs/tags/'.length) };
  return null;
}

/** `facts` is a promise so the index is read while the checkout's facts are still being gathered. */
export async function commitTarget(dir: string, factsOf: Promise<GitFacts>, env: NodeJS.ProcessEnv): Promise<HookTarget> {
  // Started with the others rather than on demand: the fast path always needs it, and git processes
  // in parallel cost one round trip instead of two.
  const worktree = worktreeChanges(dir, env);
  const [changed, files, facts] = await Promise.all([stagedPaths(dir, env), indexPaths(dir, env), factsOf]);
  const noCommit = /^0+$/.test(facts.sha);
  return {
    label: 'staged changes',
    changedFiles: changed,
    files,
    head: noCommit ? null : facts.sha,
    ref: facts.branch ? { kind: 'branch', name: facts.branch } : null,
    worktreeChanges: () => worktree,
    treeish: () => writeIndexTree(dir, env),
  };
}

export async function pushTargets(dir: string, stdinText: string, env: NodeJS.ProcessEnv): Promise<HookTarget[]> {
  return Promise.all(parsePushLines(stdinText).map(async (pushed) => {
    const [changed, files] = await Promise.all([rangePaths(dir, pushed.remoteSha, pushed.localSha), treePaths(dir, pushed.localSha)]);
    const ref = refOf(pushed.remoteRef);
    return {
      label: `push to ${ref?.name ?? pushed.remoteRef}`,
      changedFiles: changed,
      files,
      head: pushed.localSha,
      ref,
      worktreeChanges: () => worktreeChanges(dir, env, pushed.localSha),
      treeish: () => Promise.resolve(pushed.localSha),
    };
  }));
}

export async function hookTargets(hook: HookName, dir: string, facts: Promise<GitFacts>, env: NodeJS.ProcessEnv, stdin: () => Promise<string | null>): Promise<HookTarget[]> {
  if (hook === 'pre-commit') return [await commitTarget(dir, facts, env)];
  const text = await stdin();
  if (text === null) throw new UsageError('pre-push reads the pushed refs from stdin, as git gives them');
  return pushTargets(dir, text, env);
}
