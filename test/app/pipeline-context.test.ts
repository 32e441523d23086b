// buildPipelineContext against real repositories: the commit, refs and diff of each kind of pipeline
// (GitLab: merge request diffs from the merge base with the target, merged results on a merge commit,
// push diffs before..after, no diff for tags and other sources).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { buildPipelineContext } from '../../src/app/pipeline-context.js';
import type { ContextOptions } from '../../src/app/context-options.js';
import { commit, createRepository, git, write, type Repository } from './git-repo-support.js';

let repo: Repository;
let conflicting: Repository;

beforeAll(() => {
  repo = createRepository();
  conflicting = createRepository({ conflict: true });
});

afterAll(() => {
  repo.remove();
  conflicting.remove();
});

const build = (options: ContextOptions, dir = repo.dir) => buildPipelineContext({ cwd: dir, ...options });
const sorted = (files: readonly string[] | null) => (files === null ? null : [...files].sort());

describe('push pipelines', () => {
  it('have no diff without --before, and before..HEAD with it', async () => {
    const plain = await build({});
    expect(plain).toMatchObject({ source: 'push', refKind: 'branch', ref: 'feature', changedFiles: null });
    expect(plain.beforeSha).toBeUndefined();
    const pushed = await build({ before: repo.base });
    expect(pushed.beforeSha).toBe(repo.base);
    expect(pushed.changedFiles).toEqual(['src/feature.js']);
    const newBranch = await build({ before: '0'.repeat(40) });
    expect(newBranch).toMatchObject({ beforeSha: '0'.repeat(40), changedFiles: null });
    await expect(build({ before: 'no-such-rev' })).rejects.toThrow(UsageError);
  });

  it('--tag: HEAD with the tag, its message when it exists, a warning when it points elsewhere', async () => {
    const missing = await build({ tag: 'v9.9.9' });
    expect(missing).toMatchObject({ refKind: 'tag', ref: 'v9.9.9', changedFiles: null, git: { sha: repo.feature, tag: 'v9.9.9', tagMessage: null } });
    git(repo.dir, 'tag', '-a', 'v1.0.0', '-m', 'Release one', repo.main);
    const warnings: string[] = [];
    const elsewhere = await build({ tag: 'v1.0.0', warn: (m) => warnings.push(m) });
    expect(elsewhere.git).toMatchObject({ sha: repo.feature, tag: 'v1.0.0', tagMessage: 'Release one\n' });
    expect(warnings).toEqual([expect.stringContaining('tag v1.0.0 points at')]);
  });

  it('--default-branch and --protected reach the context', async () => {
    const ctx = await build({ defaultBranch: 'feature', protected: false, source: 'web' });
    expect(ctx).toMatchObject({ source: 'web', refProtected: false, git: { defaultBranch: 'feature' } });
  });
});

describe('merge request pipelines', () => {
  it('detached: the source head, the merge base, the diff from it', async () => {
    const ctx = await build({ mergeRequest: true, mrIid: 4 });
    expect(ctx).toMatchObject({
      source: 'merge_request_event',
      ref: 'feature',
      git: { sha: repo.feature },
      mergeRequest: { iid: 4, sourceBranch: 'feature', targetBranch: 'main', eventType: 'detached', diffBaseSha: repo.base, title: 'Add the feature' },
    });
    expect(ctx.mergeRequest?.sourceSha).toBeUndefined();
    expect(ctx.changedFiles).toEqual(['src/feature.js']);
  });

  it('merged results: a merge commit of source into target, the same on every run, nothing else touched', async () => {
    const refsBefore = git(repo.dir, 'for-each-ref');
    const ctx = await build({ mergeRequest: true, mrEvent: 'merged_result' });
    const again = await build({ mergeRequest: true, mrEvent: 'merged_result' });
    expect(again.git.sha).toBe(ctx.git.sha);
    expect(git(repo.dir, 'rev-list', '--parents', '-n', '1', ctx.git.sha).split(' ').slice(1)).toEqual([repo.main, repo.feature]);
    expect(ctx.git.message).toBe("Merge branch 'feature' into 'main'\n\nAdd the feature\n\nSee merge request group/project!1\n");
    expect(ctx.mergeRequest).toMatchObject({ eventType: 'merged_result', sourceSha: repo.feature, targetSha: repo.main, diffBaseSha: repo.base });
    // The merge request's diff stays the source branch's own change.
    expect(ctx.changedFiles).toEqual(['src/feature.js']);
    expect(git(repo.dir, 'for-each-ref')).toBe(refsBefore);
    expect(git(repo.dir, 'status', '--porcelain')).toBe('');
    expect(git(repo.dir, 'rev-parse', 'HEAD')).toBe(repo.feature);
  });

  it('a conflicting merge falls back to a detached pipeline, as GitLab does, with a warning', async () => {
    const warnings: string[] = [];
    const ctx = await build({ mergeRequest: true, mrEvent: 'merge_train', warn: (m) => warnings.push(m) }, conflicting.dir);
    expect(ctx).toMatchObject({ git: { sha: conflicting.feature }, mergeRequest: { eventType: 'detached' } });
    expect(warnings).toEqual([expect.stringContaining('does not merge cleanly')]);
  });

  it('needs the target branch in the repository', async () => {
    await expect(build({ mergeRequest: true, mrTargetBranch: 'nowhere' })).rejects.toThrow(/target branch nowhere is not in this repository/);
  });

  it('--changed-files and --changes replace the merge request diff', async () => {
    expect((await build({ mergeRequest: true, changedFiles: 'a,b' })).changedFiles).toEqual(['a', 'b']);
  });
});

describe('external pull request pipelines', () => {
  it('compare the two heads directly (GitHub pull request diff stats)', async () => {
    const ctx = await build({ source: 'external_pull_request_event', mrIid: 8 });
    expect(ctx.externalPullRequest).toEqual({
      iid: 8,
      sourceBranch: 'feature',
      targetBranch: 'main',
      sourceSha: repo.feature,
      targetSha: repo.main,
      sourceRepository: 'group/project',
      targetRepository: 'group/project',
    });
    expect(sorted(ctx.changedFiles)).toEqual(['docs/target.md', 'shared.txt', 'src/feature.js']);
  });
});

describe('--changes', () => {
  it('staged, worktree and REV...HEAD, relative to a project folder inside a larger repository', async () => {
    const local = createRepository();
    try {
      commit(local.dir, { 'app/.gitlab-ci.yml': 'job:\n  script: [echo]\n' }, 'App');
      write(local.dir, 'app/staged.txt');
      write(local.dir, 'app/untracked.txt');
      write(local.dir, 'outside.txt');
      git(local.dir, 'add', 'app/staged.txt', 'outside.txt');
      write(local.dir, 'app/.gitlab-ci.yml', 'job:\n  script: [echo changed]\n');
      const app = `${local.dir}/app`;
      expect(sorted((await build({ changes: 'staged' }, app)).changedFiles)).toEqual(['staged.txt']);
      expect(sorted((await build({ changes: 'worktree' }, app)).changedFiles)).toEqual(['.gitlab-ci.yml', 'staged.txt', 'untracked.txt']);
      expect(sorted((await build({ changes: 'main' }, local.dir)).changedFiles)).toEqual(['app/.gitlab-ci.yml', 'src/feature.js']);
      await expect(build({ changes: 'no-such-rev' }, local.dir)).rejects.toThrow(/not a revision/);
    } finally {
      local.remove();
    }
  });
});
