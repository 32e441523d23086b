// The commit a merged results (or merge train) pipeline runs on: GitLab merges the source branch into
// the target branch on refs/merge-requests/<iid>/merge and runs that merge commit. Locally the same
// commit object is written without touching the work tree, the index or any ref: `git merge-tree
// --write-tree` (git ≥ 2.38) builds the merged tree, `git commit-tree` the commit. The object stays
// unreferenced in the user's repository (jobs reach it through alternates; `git gc` drops it later).
import { UsageError } from '../errors.js';
import { runGit as git } from './run-git.js';

export interface MergeCommitRequest {
  /** Target branch head (first parent, as in GitLab's merge commits). */
  targetSha: string;
  /** Source branch head (second parent). */
  sourceSha: string;
  message: string;
  /** Author and committer; the same identity and date make the same commit id on every run. */
  identity: { name: string; email: string; date: string };
}

/** `message` as git stored it (what CI_COMMIT_MESSAGE shows). */
export type MergeCommitResult = { ok: true; sha: string; message: string } | { ok: false; reason: 'conflict' };

function gitEnv(identity: MergeCommitRequest['identity']): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_AUTHOR_DATE: identity.date,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    GIT_COMMITTER_DATE: identity.date,
  };
}

/** Writes the merge commit of source into target; `conflict` when git cannot merge them cleanly. */
export async function createMergeCommit(dir: string, request: MergeCommitRequest): Promise<MergeCommitResult> {
  const tree = await git(dir, ['merge-tree', '--write-tree', '--no-messages', request.targetSha, request.sourceSha]);
  // Exit status 1 with a tree id on the first line means conflicts; anything else is git failing.
  if (!tree.ok) {
    if (/^[0-9a-f]{40,64}\n/.test(tree.stdout)) return { ok: false, reason: 'conflict' };
    const reason = tree.stderr.split('\n')[0]?.replace(/^fatal: /, '') ?? '';
    throw new UsageError(`cannot merge the source branch into the target branch: ${reason}`, 'merged results pipelines need git 2.38 or newer');
  }
  const treeId = tree.stdout.split('\n')[0]!.trim();
  const commit = await git(
    dir,
    ['commit-tree', treeId, '-p', request.targetSha, '-p', request.sourceSha, '-m', request.message],
    gitEnv(request.identity),
  );
  if (!commit.ok) throw new UsageError(`cannot write the merge commit: ${commit.stderr.split('\n')[0] ?? ''}`);
  const sha = commit.stdout.trim();
  const stored = await git(dir, ['-c', 'log.showSignature=false', 'log', '-1', '--no-color', '--format=%B', sha]);
  // %B ends with the message's newline plus one of log's own.
  return { ok: true, sha, message: stored.ok ? stored.stdout.replace(/\n$/, '') : `${request.message}\n` };
}
