// Which predefined variables each kind of pipeline has, and which it has not (GitLab's predefined
// variables reference: "Availability", the merge request and external pull request tables).
import { describe, expect, it } from 'vitest';
import type { PipelineContext } from '../../src/model/plan.js';
import { predefinedVariables } from '../../src/variables/index.js';

const HEAD = '1111111111111111111111111111111111111111';
const TARGET = '2222222222222222222222222222222222222222';
const BASE = '3333333333333333333333333333333333333333';
const MERGE = '4444444444444444444444444444444444444444';
const ZERO = '0'.repeat(40);

function context(overrides: Partial<PipelineContext> = {}): PipelineContext {
  return {
    projectDir: '/p',
    git: {
      sha: HEAD,
      branch: 'feature',
      tag: null,
      tagMessage: null,
      message: 'Add feature\n',
      authorName: 'A',
      authorEmail: 'a@example.com',
      timestamp: '2024-01-01T00:00:00Z',
      remoteUrl: null,
      defaultBranch: 'main',
    },
    source: 'push',
    refKind: 'branch',
    ref: 'feature',
    changedFiles: null,
    files: [],
    userVariables: {},
    pipelineId: 5,
    pipelineIid: 1,
    projectPath: 'group/project',
    serverUrl: 'https://gitlab.example.com',
    createdAt: '2024-01-01T00:00:00Z',
    playedManualJobs: [],
    ...overrides,
  };
}

const mergeRequest = (overrides: Partial<NonNullable<PipelineContext['mergeRequest']>> = {}): Partial<PipelineContext> => ({
  source: 'merge_request_event',
  mergeRequest: { iid: 3, sourceBranch: 'feature', targetBranch: 'main', title: 'Add feature', diffBaseSha: BASE, ...overrides },
});

const keysWith = (vars: Record<string, string>, prefix: string) => Object.keys(vars).filter((k) => k.startsWith(prefix));

describe('predefined variables of a branch push', () => {
  const vars = predefinedVariables(context());

  it('have CI_COMMIT_BRANCH, zeros before, no tag, merge request, schedule, trigger or pull request variables', () => {
    expect(vars).toMatchObject({ CI_COMMIT_BRANCH: 'feature', CI_COMMIT_REF_NAME: 'feature', CI_COMMIT_BEFORE_SHA: ZERO, CI_PIPELINE_SOURCE: 'push' });
    for (const name of ['CI_COMMIT_TAG', 'CI_COMMIT_TAG_MESSAGE', 'CI_PIPELINE_SCHEDULE_DESCRIPTION', 'CI_PIPELINE_TRIGGERED', 'CI_OPEN_MERGE_REQUESTS', 'CHAT_INPUT']) {
      expect(vars).not.toHaveProperty(name);
    }
    expect(keysWith(vars, 'CI_MERGE_REQUEST_')).toEqual([]);
    expect(keysWith(vars, 'CI_EXTERNAL_PULL_REQUEST_')).toEqual([]);
  });

  it('protect the default branch only, unless the context says', () => {
    expect(vars.CI_COMMIT_REF_PROTECTED).toBe('false');
    expect(predefinedVariables(context({ ref: 'main' })).CI_COMMIT_REF_PROTECTED).toBe('true');
    expect(predefinedVariables(context({ ref: 'main', refProtected: false })).CI_COMMIT_REF_PROTECTED).toBe('false');
    expect(predefinedVariables(context({ refProtected: true })).CI_COMMIT_REF_PROTECTED).toBe('true');
  });

  it('take CI_COMMIT_BEFORE_SHA and CI_DEFAULT_BRANCH from the context', () => {
    const other = predefinedVariables(context({ beforeSha: BASE, git: { ...context().git, defaultBranch: 'trunk' } }));
    expect(other).toMatchObject({ CI_COMMIT_BEFORE_SHA: BASE, CI_DEFAULT_BRANCH: 'trunk' });
  });
});

describe('predefined variables of a tag pipeline', () => {
  const vars = predefinedVariables(context({ refKind: 'tag', ref: 'v1.0', git: { ...context().git, branch: null, tag: 'v1.0', tagMessage: 'Release 1.0\n' } }));

  it('have CI_COMMIT_TAG and its message, not CI_COMMIT_BRANCH; tags are unprotected by default', () => {
    expect(vars).toMatchObject({ CI_COMMIT_TAG: 'v1.0', CI_COMMIT_TAG_MESSAGE: 'Release 1.0\n', CI_COMMIT_REF_NAME: 'v1.0', CI_COMMIT_REF_SLUG: 'v1-0', CI_COMMIT_REF_PROTECTED: 'false' });
    expect(vars).not.toHaveProperty('CI_COMMIT_BRANCH');
  });

  it('give a tag that is not checked out an empty message', () => {
    expect(predefinedVariables(context({ refKind: 'tag', ref: 'v2' })).CI_COMMIT_TAG_MESSAGE).toBe('');
  });
});

describe('predefined variables of a merge request pipeline', () => {
  it('detached: the MR variables, empty branch SHAs, no CI_COMMIT_BRANCH, zeros before, unprotected ref', () => {
    const vars = predefinedVariables(context({ ...mergeRequest({ labels: ['a', 'b'] }), beforeSha: BASE }));
    expect(vars).toMatchObject({
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_COMMIT_SHA: HEAD,
      CI_COMMIT_REF_NAME: 'feature',
      CI_COMMIT_BEFORE_SHA: ZERO,
      CI_COMMIT_REF_PROTECTED: 'false',
      CI_OPEN_MERGE_REQUESTS: 'group/project!3',
      CI_MERGE_REQUEST_EVENT_TYPE: 'detached',
      CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: '',
      CI_MERGE_REQUEST_TARGET_BRANCH_SHA: '',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: BASE,
      CI_MERGE_REQUEST_DIFF_ID: '1',
      CI_MERGE_REQUEST_IID: '3',
      CI_MERGE_REQUEST_REF_PATH: 'refs/merge-requests/3/head',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature',
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_MERGE_REQUEST_SOURCE_BRANCH_PROTECTED: 'false',
      CI_MERGE_REQUEST_TARGET_BRANCH_PROTECTED: 'true',
      CI_MERGE_REQUEST_TITLE: 'Add feature',
      CI_MERGE_REQUEST_DRAFT: 'false',
      CI_MERGE_REQUEST_LABELS: 'a,b',
      CI_MERGE_REQUEST_DESCRIPTION: '',
      CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED: 'false',
      CI_MERGE_REQUEST_SQUASH_ON_MERGE: 'false',
      CI_MERGE_REQUEST_PROJECT_PATH: 'group/project',
      CI_MERGE_REQUEST_SOURCE_PROJECT_URL: 'https://gitlab.example.com/group/project',
    });
    for (const name of ['CI_COMMIT_BRANCH', 'CI_COMMIT_TAG', 'CI_MERGE_REQUEST_MILESTONE', 'CI_MERGE_REQUEST_ASSIGNEES', 'CI_MERGE_REQUEST_APPROVED']) expect(vars).not.toHaveProperty(name);
  });

  it('has no CI_MERGE_REQUEST_LABELS without labels, and marks drafts', () => {
    const vars = predefinedVariables(context(mergeRequest({ draft: true })));
    expect(vars).not.toHaveProperty('CI_MERGE_REQUEST_LABELS');
    expect(vars.CI_MERGE_REQUEST_DRAFT).toBe('true');
  });

  it('merged results and merge trains: the merge commit, both branch heads', () => {
    for (const eventType of ['merged_result', 'merge_train'] as const) {
      const vars = predefinedVariables(context({ ...mergeRequest({ eventType, sourceSha: HEAD, targetSha: TARGET }), git: { ...context().git, sha: MERGE } }));
      expect(vars).toMatchObject({
        CI_COMMIT_SHA: MERGE,
        CI_MERGE_REQUEST_EVENT_TYPE: eventType,
        CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: HEAD,
        CI_MERGE_REQUEST_TARGET_BRANCH_SHA: TARGET,
      });
    }
  });

  it('--protected covers the ref and the source branch', () => {
    const vars = predefinedVariables(context({ ...mergeRequest({ sourceProtected: true }), refProtected: true }));
    expect(vars).toMatchObject({ CI_COMMIT_REF_PROTECTED: 'true', CI_MERGE_REQUEST_SOURCE_BRANCH_PROTECTED: 'true' });
  });
});

describe('predefined variables of other sources', () => {
  it('schedule: the schedule description', () => {
    expect(predefinedVariables(context({ source: 'schedule', scheduleDescription: 'Nightly' }))).toMatchObject({ CI_PIPELINE_SOURCE: 'schedule', CI_PIPELINE_SCHEDULE_DESCRIPTION: 'Nightly' });
  });

  it('trigger: CI_PIPELINE_TRIGGERED; pipeline (multi-project) and api: not', () => {
    expect(predefinedVariables(context({ source: 'trigger' })).CI_PIPELINE_TRIGGERED).toBe('true');
    expect(predefinedVariables(context({ source: 'pipeline' }))).not.toHaveProperty('CI_PIPELINE_TRIGGERED');
    expect(predefinedVariables(context({ source: 'api' }))).not.toHaveProperty('CI_PIPELINE_TRIGGERED');
  });

  it('chat: the ChatOps variables', () => {
    expect(predefinedVariables(context({ source: 'chat' }))).toMatchObject({ CHAT_INPUT: '', CHAT_CHANNEL: '', CHAT_USER_ID: '' });
  });

  it('external pull request: a branch pipeline with the pull request variables', () => {
    const vars = predefinedVariables(context({
      source: 'external_pull_request_event',
      externalPullRequest: { iid: 12, sourceBranch: 'feature', targetBranch: 'main', sourceSha: HEAD, targetSha: TARGET, sourceRepository: 'o/r', targetRepository: 'o/r' },
    }));
    expect(vars).toMatchObject({
      CI_COMMIT_BRANCH: 'feature',
      CI_EXTERNAL_PULL_REQUEST_IID: '12',
      CI_EXTERNAL_PULL_REQUEST_SOURCE_REPOSITORY: 'o/r',
      CI_EXTERNAL_PULL_REQUEST_TARGET_REPOSITORY: 'o/r',
      CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME: 'feature',
      CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_SHA: HEAD,
      CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_SHA: TARGET,
    });
    expect(keysWith(vars, 'CI_MERGE_REQUEST_')).toEqual([]);
  });

  it('web, api, webide, security policy and DAST sources: only CI_PIPELINE_SOURCE differs from a push', () => {
    const push = predefinedVariables(context());
    for (const source of ['web', 'api', 'webide', 'external', 'parent_pipeline', 'security_orchestration_policy', 'ondemand_dast_scan', 'ondemand_dast_validation'] as const) {
      expect({ ...predefinedVariables(context({ source })), CI_PIPELINE_SOURCE: 'push' }).toEqual(push);
    }
  });
});
