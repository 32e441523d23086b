// Predefined variables of merge request and external pull request pipelines (GitLab's "Predefined
// variables for merge request pipelines" and "... for external pull request pipelines"). They exist
// only in those pipelines, so a rule such as `if: $CI_MERGE_REQUEST_IID` tells the pipeline types apart.
import type { PipelineContext } from '../model/plan.js';

type Vars = Record<string, string>;

/** GitLab's placeholder for diff versions: a local run has exactly one. */
const DIFF_ID = '1';

export function mergeRequestVariables(ctx: PipelineContext, projectUrl: string, projectId: string): Vars {
  const mr = ctx.mergeRequest;
  if (!mr || ctx.source !== 'merge_request_event') return {};
  const eventType = mr.eventType ?? 'detached';
  const vars: Vars = {
    CI_MERGE_REQUEST_EVENT_TYPE: eventType,
    // GitLab sets both always, empty unless the pipeline runs on a merge of source into target.
    CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: eventType === 'detached' ? '' : (mr.sourceSha ?? ''),
    CI_MERGE_REQUEST_TARGET_BRANCH_SHA: eventType === 'detached' ? '' : (mr.targetSha ?? ''),
  };
  if (mr.diffBaseSha !== undefined) {
    vars.CI_MERGE_REQUEST_DIFF_ID = DIFF_ID;
    vars.CI_MERGE_REQUEST_DIFF_BASE_SHA = mr.diffBaseSha;
  }
  Object.assign(vars, {
    CI_MERGE_REQUEST_ID: String(mr.iid),
    CI_MERGE_REQUEST_IID: String(mr.iid),
    CI_MERGE_REQUEST_REF_PATH: `refs/merge-requests/${mr.iid}/head`,
    CI_MERGE_REQUEST_PROJECT_ID: projectId,
    CI_MERGE_REQUEST_PROJECT_PATH: ctx.projectPath,
    CI_MERGE_REQUEST_PROJECT_URL: projectUrl,
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: mr.targetBranch,
    // GitLab protects the default branch of a new project and nothing else.
    CI_MERGE_REQUEST_TARGET_BRANCH_PROTECTED: String(mr.targetBranch === ctx.git.defaultBranch),
    CI_MERGE_REQUEST_TITLE: mr.title ?? '',
    CI_MERGE_REQUEST_DRAFT: String(mr.draft ?? false),
    CI_MERGE_REQUEST_DESCRIPTION: '',
    CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED: 'false',
  });
  // Assignees and milestone are only set when the merge request has them; a local one has neither.
  if (mr.labels && mr.labels.length > 0) vars.CI_MERGE_REQUEST_LABELS = mr.labels.join(',');
  vars.CI_MERGE_REQUEST_SQUASH_ON_MERGE = 'false';
  vars.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME = mr.sourceBranch;
  vars.CI_MERGE_REQUEST_SOURCE_BRANCH_PROTECTED = String(mr.sourceProtected ?? mr.sourceBranch === ctx.git.defaultBranch);
  vars.CI_MERGE_REQUEST_SOURCE_PROJECT_ID = projectId;
  vars.CI_MERGE_REQUEST_SOURCE_PROJECT_PATH = ctx.projectPath;
  vars.CI_MERGE_REQUEST_SOURCE_PROJECT_URL = projectUrl;
  return vars;
}

export function externalPullRequestVariables(ctx: PipelineContext): Vars {
  const pr = ctx.externalPullRequest;
  if (!pr || ctx.source !== 'external_pull_request_event') return {};
  return {
    CI_EXTERNAL_PULL_REQUEST_IID: String(pr.iid),
    CI_EXTERNAL_PULL_REQUEST_SOURCE_REPOSITORY: pr.sourceRepository,
    CI_EXTERNAL_PULL_REQUEST_TARGET_REPOSITORY: pr.targetRepository,
    CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_SHA: pr.sourceSha,
    CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_SHA: pr.targetSha,
    CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME: pr.sourceBranch,
    CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME: pr.targetBranch,
  };
}
