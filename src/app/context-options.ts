// What a command tells the context builder about the pipeline to simulate (cli/context-flags.ts maps
// flags onto it). Every field is optional: the default is a push of the checked-out branch.
import type { UserVariables } from './user-variables.js';

export interface ContextOptions {
  /** Project directory; default: the current directory. */
  cwd?: string;
  /** `--variable KEY=VALUE` flags. */
  variables?: readonly string[];
  /** `CI_PIPELINE_SOURCE` (`--source`). */
  source?: string;
  /** The former `--pipeline-source` (also `.glci.yml`'s `pipeline-source`): used when `source` is not given. */
  pipelineSource?: string;
  /** A branch pipeline for this branch instead of the checked-out one (the commit stays HEAD). */
  branch?: string;
  /** A tag pipeline for this tag (the commit is HEAD; the tag need not exist locally). */
  tag?: string;
  /** A merge request pipeline (`merge_request_event`). */
  mergeRequest?: boolean;
  /** Merge request (or external pull request) source branch; default: the pipeline's branch. */
  mrSourceBranch?: string;
  /** Merge request (or external pull request) target branch; default: the default branch. */
  mrTargetBranch?: string;
  mrIid?: number;
  mrTitle?: string;
  /** Comma-separated or a list. */
  mrLabels?: string | readonly string[];
  mrDraft?: boolean;
  /** `detached` (default), `merged_result` or `merge_train`. */
  mrEvent?: string;
  /** `CI_DEFAULT_BRANCH`; default: origin/HEAD, else init.defaultBranch, else main. */
  defaultBranch?: string;
  /** `CI_COMMIT_REF_PROTECTED`; default: only the default branch is protected. */
  protected?: boolean;
  /** `CI_COMMIT_BEFORE_SHA` of a push: the branch's previous tip; the push diff is before..HEAD. */
  before?: string;
  /** The pipeline's diff from the local checkout: `staged`, `worktree`, or a revision (REV...HEAD). */
  changes?: string;
  /** Changed files for rules:changes, comma-separated or as a list; absent = no diff available (changes always true). */
  changedFiles?: string | readonly string[];
  /** `CI_PIPELINE_SCHEDULE_DESCRIPTION` of a scheduled pipeline. */
  scheduleDescription?: string;
  /** Variables of .glci.yml and its preset, lowest first (app/project-settings.ts). */
  projectVariables?: readonly UserVariables[];
  /** Jobs to play although they are manual. */
  manual?: readonly string[];
  /** Placeholder server for CI_SERVER_* (no request is ever made to it). */
  serverUrl?: string;
  /** Told what GitLab would do differently from what was asked (e.g. a conflicting merged results pipeline). */
  warn?: (message: string) => void;
}
