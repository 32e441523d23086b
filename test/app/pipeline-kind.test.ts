// Which pipeline a set of context options asks for (app/pipeline-kind.ts), and which combinations are
// refused: the expectations follow GitLab's pipeline types (predefined variables reference, job rules).
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { ContextOptions } from '../../src/app/context-options.js';
import type { GitFacts } from '../../src/model/plan.js';
import { DEFAULT_SCHEDULE_DESCRIPTION, PIPELINE_SOURCES, resolvePipelineKind } from '../../src/app/pipeline-kind.js';

type Checkout = Pick<GitFacts, 'branch' | 'tag' | 'defaultBranch' | 'message'>;

const onFeature: Checkout = { branch: 'feature/x', tag: null, defaultBranch: 'main', message: 'Add x\n\nbody\n' };
const detachedOnTag: Checkout = { branch: null, tag: 'v1.0.0', defaultBranch: 'main', message: 'Release\n' };
const detached: Checkout = { branch: null, tag: null, defaultBranch: 'main', message: 'x\n' };

const kind = (options: ContextOptions, git = onFeature) => resolvePipelineKind(options, git);

function usageError(options: ContextOptions, pattern: RegExp, git = onFeature): void {
  let caught: unknown;
  try {
    kind(options, git);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UsageError);
  expect((caught as Error).message).toMatch(pattern);
}

describe('resolvePipelineKind: push pipelines', () => {
  it('defaults to a push of the checked-out branch', () => {
    expect(kind({})).toEqual({ source: 'push', defaultBranch: 'main', refKind: 'branch', ref: 'feature/x' });
  });

  it('is a tag pipeline when HEAD is detached at a tag, and for the default branch when detached elsewhere', () => {
    expect(kind({}, detachedOnTag)).toMatchObject({ refKind: 'tag', ref: 'v1.0.0' });
    expect(kind({}, detached)).toMatchObject({ refKind: 'branch', ref: 'main' });
  });

  it('--branch and --tag name the ref whatever is checked out', () => {
    expect(kind({ branch: 'release' })).toMatchObject({ refKind: 'branch', ref: 'release' });
    expect(kind({ tag: 'v2' })).toMatchObject({ refKind: 'tag', ref: 'v2' });
    expect(kind({ branch: 'main' }, detachedOnTag)).toMatchObject({ refKind: 'branch', ref: 'main' });
  });

  it('takes --default-branch, --protected and --before', () => {
    expect(kind({ defaultBranch: 'trunk', protected: false, before: 'HEAD~1' })).toMatchObject({ defaultBranch: 'trunk', protected: false, before: 'HEAD~1' });
  });

  it('accepts every pipeline source GitLab has, and the former --pipeline-source below --source', () => {
    expect(PIPELINE_SOURCES).toHaveLength(15);
    for (const source of PIPELINE_SOURCES.filter((s) => s !== 'merge_request_event' && s !== 'external_pull_request_event')) {
      expect(kind({ source }).source).toBe(source);
    }
    expect(kind({ pipelineSource: 'web' }).source).toBe('web');
    expect(kind({ pipelineSource: 'web', source: 'api' }).source).toBe('api');
    usageError({ source: 'cron' }, /unknown pipeline source "cron" \(--source\)/);
    usageError({ pipelineSource: 'cron' }, /--pipeline-source/);
  });

  it('gives a schedule its description (GitLab requires one)', () => {
    expect(kind({ source: 'schedule' }).scheduleDescription).toBe(DEFAULT_SCHEDULE_DESCRIPTION);
    expect(kind({ source: 'schedule', scheduleDescription: 'Nightly' }).scheduleDescription).toBe('Nightly');
    usageError({ scheduleDescription: 'Nightly' }, /needs --source schedule/);
  });
});

describe('resolvePipelineKind: diffs', () => {
  it('parses --changes and --changed-files', () => {
    expect(kind({ changes: 'staged' }).changes).toEqual({ kind: 'staged' });
    expect(kind({ changes: 'worktree' }).changes).toEqual({ kind: 'worktree' });
    expect(kind({ changes: 'origin/main' }).changes).toEqual({ kind: 'rev', rev: 'origin/main' });
    expect(kind({ changedFiles: ' a.txt, b/c.js ,' }).changes).toEqual({ kind: 'files', files: ['a.txt', 'b/c.js'] });
    expect(kind({ changedFiles: ['x'] }).changes).toEqual({ kind: 'files', files: ['x'] });
  });

  it('refuses a diff where GitLab has none: tags, schedules, web, API and trigger pipelines', () => {
    usageError({ tag: 'v1', changes: 'staged' }, /--changes with a tag pipeline/);
    usageError({ source: 'schedule', changedFiles: 'a' }, /--changed-files with a schedule pipeline/);
    for (const source of ['web', 'api', 'trigger']) usageError({ source, changes: 'worktree' }, new RegExp(`a ${source} pipeline`));
  });

  it('refuses --changes with --changed-files, and --before outside pushes', () => {
    usageError({ changes: 'staged', changedFiles: 'a' }, /use one/);
    usageError({ source: 'web', before: 'HEAD~1' }, /only for pushes/);
    usageError({ mergeRequest: true, before: 'HEAD~1' }, /only for pushes/);
    expect(kind({ tag: 'v1', before: 'abc' })).toMatchObject({ refKind: 'tag', before: 'abc' });
  });
});

describe('resolvePipelineKind: merge requests', () => {
  it('--merge-request alone: the current branch into the default branch, detached, iid 1, titled after the commit', () => {
    expect(kind({ mergeRequest: true })).toEqual({
      source: 'merge_request_event',
      defaultBranch: 'main',
      refKind: 'branch',
      ref: 'feature/x',
      mergeRequest: { iid: 1, sourceBranch: 'feature/x', targetBranch: 'main', title: 'Add x', labels: [], draft: false, eventType: 'detached' },
    });
  });

  it('takes source, target, iid, labels, title, event type; --source merge_request_event means the same', () => {
    const mr = kind({ source: 'merge_request_event', mrSourceBranch: 'a', mrTargetBranch: 'b', mrIid: 9, mrLabels: 'x, y', mrTitle: 'T', mrEvent: 'merge_train' });
    expect(mr).toMatchObject({ ref: 'a', mergeRequest: { iid: 9, sourceBranch: 'a', targetBranch: 'b', labels: ['x', 'y'], title: 'T', eventType: 'merge_train' } });
    expect(kind({ mergeRequest: true, branch: 'b2' }).mergeRequest?.sourceBranch).toBe('b2');
    expect(kind({ mergeRequest: true, defaultBranch: 'develop' }).mergeRequest?.targetBranch).toBe('develop');
  });

  it('a draft has a Draft: title, and a Draft: title makes a draft (GitLab\'s draft prefixes)', () => {
    expect(kind({ mergeRequest: true, mrDraft: true }).mergeRequest).toMatchObject({ draft: true, title: 'Draft: Add x' });
    expect(kind({ mergeRequest: true, mrTitle: '[Draft] y' }).mergeRequest).toMatchObject({ draft: true, title: '[Draft] y' });
    expect(kind({ mergeRequest: true, mrTitle: 'draft: z', mrDraft: true }).mergeRequest?.title).toBe('draft: z');
    expect(kind({ mergeRequest: true, mrTitle: 'Drafting' }).mergeRequest?.draft).toBe(false);
  });

  it('refuses contradictions', () => {
    usageError({ mergeRequest: true, source: 'web' }, /not --source web/);
    usageError({ mergeRequest: true, tag: 'v1' }, /--tag with a merge_request_event pipeline/);
    usageError({ tag: 'v1', branch: 'b' }, /not both/);
    usageError({ mergeRequest: true, branch: 'a', mrSourceBranch: 'b' }, /disagree/);
    usageError({ mergeRequest: true, mrTargetBranch: 'feature/x' }, /both feature\/x/);
    usageError({ mergeRequest: true }, /HEAD is detached/, detached);
    usageError({ mergeRequest: true, mrEvent: 'merged' }, /unknown merge request event/);
    usageError({ mergeRequest: true, mrIid: 0 }, /positive whole number/);
  });

  it('refuses merge request details without a merge request', () => {
    usageError({ mrEvent: 'merged_result' }, /--mr-event applies only to merge request pipelines/);
    usageError({ mrDraft: true, mrLabels: 'a' }, /--mr-labels, --mr-draft apply only to/);
    usageError({ mrSourceBranch: 'a' }, /--mr-source applies only to merge request and external pull request/);
    usageError({ source: 'external_pull_request_event', mrTitle: 'x' }, /--mr-title/);
  });
});

describe('resolvePipelineKind: external pull requests', () => {
  it('runs on the source branch, into the default branch unless --mr-target says otherwise', () => {
    expect(kind({ source: 'external_pull_request_event', mrIid: 3 })).toEqual({
      source: 'external_pull_request_event',
      defaultBranch: 'main',
      refKind: 'branch',
      ref: 'feature/x',
      externalPullRequest: { iid: 3, sourceBranch: 'feature/x', targetBranch: 'main' },
    });
    expect(kind({ source: 'external_pull_request_event', mrTargetBranch: 'dev', changes: 'staged' })).toMatchObject({
      externalPullRequest: { targetBranch: 'dev' },
      changes: { kind: 'staged' },
    });
  });
});
