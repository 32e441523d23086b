// Which pipeline the user asks for, decided from the options and the checkout before any further git
// work: source, ref, merge request or pull request, and where its diff comes from. Pure, so every
// combination of flags is table-tested; contradictory ones are UsageErrors naming the flags.
import { UsageError } from '../errors.js';
import type { GitFacts, MergeRequestEventType, PipelineSource } from '../model/plan.js';
import { commitTitle } from '../variables/index.js';
import type { ContextOptions } from './context-options.js';

/** Every CI_PIPELINE_SOURCE GitLab has (gitlab-ci-yaml.md §7.4). */
export const PIPELINE_SOURCES: readonly PipelineSource[] = [
  'push', 'web', 'schedule', 'api', 'trigger', 'pipeline', 'parent_pipeline', 'merge_request_event',
  'external_pull_request_event', 'external', 'chat', 'webide', 'security_orchestration_policy',
  'ondemand_dast_scan', 'ondemand_dast_validation',
];

export const MR_EVENTS: readonly MergeRequestEventType[] = ['detached', 'merged_result', 'merge_train'];

/** Where the pipeline's diff comes from when the user says (else: the push or merge request itself). */
export type ChangesRequest =
  | { kind: 'files'; files: string[] }
  | { kind: 'staged' }
  | { kind: 'worktree' }
  | { kind: 'rev'; rev: string };

export interface PipelineKind {
  source: PipelineSource;
  refKind: 'branch' | 'tag';
  /** Branch or tag name; a merge request's or pull request's source branch. */
  ref: string;
  defaultBranch: string;
  protected?: boolean;
  before?: string;
  mergeRequest?: {
    iid: number;
    sourceBranch: string;
    targetBranch: string;
    title: string;
    labels: string[];
    draft: boolean;
    eventType: MergeRequestEventType;
  };
  externalPullRequest?: { iid: number; sourceBranch: string; targetBranch: string };
  changes?: ChangesRequest;
  scheduleDescription?: string;
}

/** GitLab's draft prefixes (`Draft:`, `[Draft]`, `(Draft)`, any case); marking a merge request draft adds `Draft: `. */
const DRAFT_TITLE = /^(\[draft\]|\(draft\)|draft:)/i;

/** A local schedule has no record; GitLab requires a description, so there always is one. */
export const DEFAULT_SCHEDULE_DESCRIPTION = 'glci local schedule';

function parseSource(value: string, flag: string): PipelineSource {
  if ((PIPELINE_SOURCES as readonly string[]).includes(value)) return value as PipelineSource;
  throw new UsageError(`unknown pipeline source "${value}" (${flag})`, `use one of: ${PIPELINE_SOURCES.join(', ')}`);
}

function chooseSource(options: ContextOptions): PipelineSource {
  const explicit = options.source === undefined ? undefined : parseSource(options.source, '--source');
  if (options.mergeRequest) {
    if (explicit !== undefined && explicit !== 'merge_request_event') {
      throw new UsageError(`--merge-request is a merge_request_event pipeline, not --source ${explicit}`, 'leave out one of the two');
    }
    return 'merge_request_event';
  }
  if (explicit !== undefined) return explicit;
  return options.pipelineSource === undefined ? 'push' : parseSource(options.pipelineSource, '--pipeline-source');
}

function list(value: string | readonly string[] | undefined): string[] {
  const items = typeof value === 'string' ? value.split(',') : [...(value ?? [])];
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** Flags that only mean something for some pipelines, and what they need. */
function checkScopedFlags(options: ContextOptions, source: PipelineSource): void {
  const mr = source === 'merge_request_event';
  const pullRequest = mr || source === 'external_pull_request_event';
  const given = (names: [string, unknown][]) => names.filter(([, v]) => v !== undefined && v !== false).map(([n]) => n);
  const mrOnly = given([['--mr-title', options.mrTitle], ['--mr-labels', options.mrLabels], ['--mr-draft', options.mrDraft], ['--mr-event', options.mrEvent]]);
  const apply = (flags: string[]) => `${flags.join(', ')} ${flags.length === 1 ? 'applies' : 'apply'} only to`;
  if (!mr && mrOnly.length > 0) throw new UsageError(`${apply(mrOnly)} merge request pipelines: add --merge-request`);
  const prFlags = given([['--mr-source', options.mrSourceBranch], ['--mr-target', options.mrTargetBranch], ['--mr-iid', options.mrIid]]);
  if (!pullRequest && prFlags.length > 0) {
    throw new UsageError(`${apply(prFlags)} merge request and external pull request pipelines: add --merge-request (or --source external_pull_request_event)`);
  }
  if (options.tag !== undefined && options.branch !== undefined) throw new UsageError('--tag and --branch: a pipeline runs for a branch or for a tag, not both');
  if (options.tag !== undefined && pullRequest) {
    throw new UsageError(`--tag with a ${source} pipeline: merge request and pull request pipelines run for their source branch`);
  }
  if (options.before !== undefined && source !== 'push') {
    throw new UsageError(`--before with a ${source} pipeline: GitLab sets CI_COMMIT_BEFORE_SHA only for pushes (always zeros in merge request, web, API and scheduled pipelines)`);
  }
  if (options.changes !== undefined && options.changedFiles !== undefined) throw new UsageError('--changes and --changed-files both give the diff: use one');
  if (options.scheduleDescription !== undefined && source !== 'schedule') throw new UsageError('--schedule-description needs --source schedule');
}

function changesRequest(options: ContextOptions): ChangesRequest | undefined {
  if (options.changedFiles !== undefined) return { kind: 'files', files: list(options.changedFiles) };
  if (options.changes === undefined) return undefined;
  const spec = options.changes.trim();
  if (spec === '') throw new UsageError('--changes needs staged, worktree or a revision');
  if (spec === 'staged' || spec === 'worktree') return { kind: spec };
  return { kind: 'rev', rev: spec };
}

function mrEvent(value: string | undefined): MergeRequestEventType {
  if (value === undefined) return 'detached';
  if ((MR_EVENTS as readonly string[]).includes(value)) return value as MergeRequestEventType;
  throw new UsageError(`unknown merge request event "${value}" (--mr-event)`, `use one of: ${MR_EVENTS.join(', ')}`);
}

function mrIid(value: number | undefined): number {
  if (value === undefined) return 1;
  if (Number.isInteger(value) && value > 0) return value;
  throw new UsageError(`--mr-iid must be a positive whole number, not ${value}`);
}

function pullRequestBranches(options: ContextOptions, git: Pick<GitFacts, 'branch'>, defaultBranch: string) {
  if (options.branch !== undefined && options.mrSourceBranch !== undefined && options.branch !== options.mrSourceBranch) {
    throw new UsageError(`--branch ${options.branch} and --mr-source ${options.mrSourceBranch} disagree: give one`);
  }
  const sourceBranch = options.mrSourceBranch ?? options.branch ?? git.branch;
  if (sourceBranch === null || sourceBranch === '') {
    throw new UsageError('HEAD is detached, so the merge request has no source branch', 'check out the branch or give --mr-source NAME');
  }
  const targetBranch = options.mrTargetBranch ?? defaultBranch;
  if (targetBranch === sourceBranch) {
    throw new UsageError(`the merge request's source and target branch are both ${sourceBranch}`, 'give the target with --mr-target, or check out the feature branch');
  }
  return { sourceBranch, targetBranch };
}

/** A push's ref: --tag, --branch, else the checkout (a tag when HEAD is detached at one). */
function pushRef(options: ContextOptions, git: Pick<GitFacts, 'branch' | 'tag'>, defaultBranch: string) {
  if (options.tag !== undefined) return { refKind: 'tag' as const, ref: options.tag };
  if (options.branch !== undefined) return { refKind: 'branch' as const, ref: options.branch };
  if (git.tag && !git.branch) return { refKind: 'tag' as const, ref: git.tag };
  return { refKind: 'branch' as const, ref: git.branch ?? defaultBranch };
}

export function resolvePipelineKind(options: ContextOptions, git: Pick<GitFacts, 'branch' | 'tag' | 'defaultBranch' | 'message'>): PipelineKind {
  const source = chooseSource(options);
  checkScopedFlags(options, source);
  const defaultBranch = options.defaultBranch ?? git.defaultBranch;
  const changes = changesRequest(options);
  const common = {
    source,
    defaultBranch,
    ...(options.protected !== undefined ? { protected: options.protected } : {}),
    ...(changes ? { changes } : {}),
  };
  if (source === 'merge_request_event' || source === 'external_pull_request_event') {
    const branches = pullRequestBranches(options, git, defaultBranch);
    const iid = mrIid(options.mrIid);
    const ref = { refKind: 'branch' as const, ref: branches.sourceBranch };
    if (source === 'external_pull_request_event') return { ...common, ...ref, externalPullRequest: { iid, ...branches } };
    const draft = options.mrDraft === true || DRAFT_TITLE.test(options.mrTitle ?? '');
    // GitLab's default title for a new merge request is its commit's title; marking it draft prefixes it.
    const written = options.mrTitle ?? commitTitle(git.message);
    const title = draft && !DRAFT_TITLE.test(written) ? `Draft: ${written}` : written;
    const eventType = mrEvent(options.mrEvent);
    return { ...common, ...ref, mergeRequest: { iid, ...branches, title, labels: list(options.mrLabels), draft, eventType } };
  }
  const ref = pushRef(options, git, defaultBranch);
  if (changes !== undefined && !(source === 'push' && ref.refKind === 'branch')) {
    const what = ref.refKind === 'tag' ? 'a tag pipeline' : `a ${source} pipeline`;
    throw new UsageError(
      `${options.changes !== undefined ? '--changes' : '--changed-files'} with ${what}: GitLab has no diff there, so rules:changes is always true (unless it sets compare_to)`,
      'diffs exist for branch pushes, merge requests and external pull requests',
    );
  }
  return {
    ...common,
    ...ref,
    ...(options.before !== undefined ? { before: options.before } : {}),
    ...(source === 'schedule' ? { scheduleDescription: options.scheduleDescription ?? DEFAULT_SCHEDULE_DESCRIPTION } : {}),
  };
}
