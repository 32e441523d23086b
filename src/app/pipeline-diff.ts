// The pipeline's diff for `rules:changes` / `only:changes` without `compare_to` (spec §5.14): what the
// user gave (a file list, the index, the working tree, a revision), else what GitLab compares — a merge
// request's target branch (from the merge base), a pull request's target head, a push's before..after.
// null means GitLab has no diff for this pipeline, so `changes` is always true.
import { UsageError } from '../errors.js';
import { changedSinceFork, diffNames, stagedFiles, worktreeFiles } from '../platform/git-diff.js';
import { ZERO_SHA } from '../variables/index.js';
import type { PipelineCommit } from './pipeline-commit.js';
import type { ChangesRequest, PipelineKind } from './pipeline-kind.js';

/** `--changes REV`: what the checkout changed since it forked from REV (`git diff REV...HEAD`), as an MR would show. */
async function sinceRevision(dir: string, rev: string, head: string): Promise<string[]> {
  const diff = await changedSinceFork(dir, rev, head);
  if (diff.status === 'unknown-rev') throw new UsageError(`--changes ${rev}: not a revision of this repository`, 'give staged, worktree, or a branch, tag or commit');
  if (diff.status === 'unrelated') throw new UsageError(`--changes ${rev}: it has no common commit with HEAD`);
  return diff.files;
}

async function requested(dir: string, request: ChangesRequest, head: string): Promise<string[]> {
  switch (request.kind) {
    case 'files':
      return request.files;
    case 'staged':
      return stagedFiles(dir);
    case 'worktree':
      return worktreeFiles(dir);
    case 'rev':
      return sinceRevision(dir, request.rev, head);
  }
}

export async function pipelineDiff(dir: string, kind: PipelineKind, commit: PipelineCommit): Promise<string[] | null> {
  if (kind.changes !== undefined) return requested(dir, kind.changes, commit.headSha);
  // GitLab's merge request diff: the merge base with the target branch against the source head.
  if (commit.mergeRequest?.diffBaseSha !== undefined) return diffNames(dir, commit.mergeRequest.diffBaseSha, commit.headSha);
  // An external pull request compares the two branch heads directly.
  if (commit.externalPullRequest) return diffNames(dir, commit.externalPullRequest.targetSha, commit.externalPullRequest.sourceSha);
  if (kind.source === 'push' && kind.refKind === 'branch' && commit.beforeSha !== undefined && commit.beforeSha !== ZERO_SHA) {
    return diffNames(dir, commit.beforeSha, commit.headSha);
  }
  return null;
}
