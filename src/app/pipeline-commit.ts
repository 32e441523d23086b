// The git side of a pipeline kind: the commit it runs on and the facts that come with it. A tag
// pipeline reads the tag's message; a merge request needs its target branch's head and merge base,
// and a merged results or merge train pipeline runs on a real merge commit of source into target.
import { UsageError } from '../errors.js';
import type { ExternalPullRequestFacts, GitFacts, MergeRequestFacts } from '../model/plan.js';
import { mergeBase, readLocalTag, resolveBranch, resolveCommit } from '../platform/git-diff.js';
import { createMergeCommit } from '../platform/git-merge.js';
import { ZERO_SHA } from '../variables/index.js';
import type { PipelineKind } from './pipeline-kind.js';

export interface PipelineCommit {
  /** Facts of the commit the pipeline runs on (the merge commit in merged results pipelines). */
  git: GitFacts;
  /** The checkout's HEAD: the pushed commit, or a merge request's source branch head. */
  headSha: string;
  beforeSha?: string;
  mergeRequest?: MergeRequestFacts;
  externalPullRequest?: ExternalPullRequestFacts;
}

interface CommitInput {
  dir: string;
  kind: PipelineKind;
  facts: GitFacts;
  projectPath: string;
  warn: (message: string) => void;
}

async function targetHead(dir: string, branch: string): Promise<string> {
  const sha = await resolveBranch(dir, branch);
  if (sha === null) {
    throw new UsageError(`the target branch ${branch} is not in this repository (neither origin/${branch} nor ${branch})`, 'fetch it, or name another with --mr-target');
  }
  return sha;
}

function requireCommit(facts: GitFacts): void {
  if (facts.sha === ZERO_SHA) throw new UsageError('a merge request or pull request pipeline needs a commit: HEAD has none yet');
}

async function beforeSha(dir: string, before: string): Promise<string> {
  // Zeros is what GitLab records for a new branch: a push without a diff.
  if (/^0+$/.test(before)) return ZERO_SHA;
  const sha = await resolveCommit(dir, before);
  if (sha === null) throw new UsageError(`--before ${before} is not a commit of this repository`, 'give the branch tip before the push (a sha, tag or ref)');
  return sha;
}

async function tagFacts(input: CommitInput, tag: string): Promise<GitFacts> {
  const { facts } = input;
  if (facts.tag === tag) return facts;
  const local = await readLocalTag(input.dir, tag);
  if (local !== null && local.commit !== facts.sha) input.warn(`tag ${tag} points at ${local.commit.slice(0, 8)}, not at HEAD: the pipeline runs HEAD (${facts.sha.slice(0, 8)})`);
  return { ...facts, tag, tagMessage: local?.message ?? null };
}

/** GitLab's default merge commit message template, its empty `%{issues}` line dropped. */
function mergeMessage(mr: NonNullable<PipelineKind['mergeRequest']>, projectPath: string): string {
  return `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'\n\n${mr.title}\n\nSee merge request ${projectPath}!${mr.iid}`;
}

async function mergeRequestCommit(input: CommitInput, mr: NonNullable<PipelineKind['mergeRequest']>): Promise<PipelineCommit> {
  const { dir, facts, kind } = input;
  requireCommit(facts);
  const targetSha = await targetHead(dir, mr.targetBranch);
  const base = await mergeBase(dir, targetSha, facts.sha);
  if (base === null) throw new UsageError(`${mr.sourceBranch} and ${mr.targetBranch} have no common commit, so GitLab cannot show the merge request's diff`);
  const request: MergeRequestFacts = {
    iid: mr.iid,
    sourceBranch: mr.sourceBranch,
    targetBranch: mr.targetBranch,
    title: mr.title,
    labels: mr.labels,
    draft: mr.draft,
    eventType: mr.eventType,
    diffBaseSha: base,
    ...(kind.protected !== undefined ? { sourceProtected: kind.protected } : {}),
  };
  const git = { ...facts, defaultBranch: kind.defaultBranch };
  if (mr.eventType === 'detached') return { git, headSha: facts.sha, mergeRequest: request };
  const merged = await createMergeCommit(dir, {
    targetSha,
    sourceSha: facts.sha,
    message: mergeMessage(mr, input.projectPath),
    identity: { name: facts.authorName || 'glci', email: facts.authorEmail || 'glci@localhost', date: facts.timestamp },
  });
  if (!merged.ok) {
    // GitLab cannot build the merge ref then and runs a merge request pipeline on the source branch.
    input.warn(`${mr.sourceBranch} does not merge cleanly into ${mr.targetBranch}: GitLab runs a detached merge request pipeline instead of ${mr.eventType}`);
    return { git, headSha: facts.sha, mergeRequest: { ...request, eventType: 'detached' } };
  }
  return {
    git: { ...git, sha: merged.sha, message: merged.message },
    headSha: facts.sha,
    mergeRequest: { ...request, sourceSha: facts.sha, targetSha },
  };
}

export async function pipelineCommit(input: CommitInput): Promise<PipelineCommit> {
  const { dir, kind, facts } = input;
  if (kind.mergeRequest) return mergeRequestCommit(input, kind.mergeRequest);
  const git: GitFacts = kind.refKind === 'tag' ? await tagFacts(input, kind.ref) : facts;
  const commit: PipelineCommit = { git: { ...git, defaultBranch: kind.defaultBranch }, headSha: facts.sha };
  if (kind.before !== undefined) commit.beforeSha = await beforeSha(dir, kind.before);
  const pr = kind.externalPullRequest;
  if (pr) {
    requireCommit(facts);
    commit.externalPullRequest = {
      ...pr,
      sourceSha: facts.sha,
      targetSha: await targetHead(dir, pr.targetBranch),
      // A GitHub project mirrored into GitLab; forks are not supported there, so both are this project.
      sourceRepository: input.projectPath,
      targetRepository: input.projectPath,
    };
  }
  return commit;
}
