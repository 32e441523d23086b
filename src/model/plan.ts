// Types of the planner's input (PipelineContext: facts about the checkout and the run, as plain data)
// and output (Plan: the concrete jobs of one pipeline with their order). Types only.
import type {
  AllowFailure,
  ArtifactsDefinition,
  CacheDefinition,
  EnvironmentDefinition,
  ImageDefinition,
  JobWhen,
  RetryDefinition,
  ServiceDefinition,
  TriggerDefinition,
} from './config.js';

/** Facts read from the local git checkout (gathered by platform/, used as data everywhere else). */
export interface GitFacts {
  /** Full 40-hex commit, or 40 zeros outside a git repository / before the first commit. */
  sha: string;
  /** Current branch name, or null when HEAD is detached. */
  branch: string | null;
  /** Tag pointing at HEAD, when HEAD is detached on a tag. */
  tag: string | null;
  tagMessage: string | null;
  message: string;
  authorName: string;
  authorEmail: string;
  /** Committer date, ISO 8601. */
  timestamp: string;
  /** `origin` remote URL, when there is one. */
  remoteUrl: string | null;
  /** Default branch (origin/HEAD, else init.defaultBranch, else main). */
  defaultBranch: string;
}

export type PipelineSource =
  | 'push'
  | 'web'
  | 'api'
  | 'schedule'
  | 'trigger'
  | 'pipeline'
  | 'parent_pipeline'
  | 'merge_request_event'
  | 'external_pull_request_event'
  | 'chat'
  | 'webide'
  | 'external'
  | 'security_orchestration_policy'
  | 'ondemand_dast_scan'
  | 'ondemand_dast_validation';

/** `CI_MERGE_REQUEST_EVENT_TYPE`: a detached MR pipeline, a merged results pipeline, or a merge train's. */
export type MergeRequestEventType = 'detached' | 'merged_result' | 'merge_train';

/** The merge request of a `merge_request_event` pipeline. */
export interface MergeRequestFacts {
  iid: number;
  sourceBranch: string;
  targetBranch: string;
  title?: string;
  labels?: string[];
  draft?: boolean;
  /** Default `detached`. */
  eventType?: MergeRequestEventType;
  /** Source and target branch heads: set in merged results and merge train pipelines only. */
  sourceSha?: string;
  targetSha?: string;
  /** Merge base of target and source (`CI_MERGE_REQUEST_DIFF_BASE_SHA`). */
  diffBaseSha?: string;
  /** Whether the source branch is protected (default: it is the default branch). */
  sourceProtected?: boolean;
}

/** The pull request of an `external_pull_request_event` pipeline (GitHub projects). */
export interface ExternalPullRequestFacts {
  iid: number;
  sourceBranch: string;
  targetBranch: string;
  sourceSha: string;
  targetSha: string;
  sourceRepository: string;
  targetRepository: string;
}

/** Everything the planner needs about one pipeline run, as plain data (no I/O in the planner). */
export interface PipelineContext {
  /** Absolute path of the project (the git top level or --cwd). */
  projectDir: string;
  git: GitFacts;
  source: PipelineSource;
  /** `branch` or `tag`: what CI_COMMIT_REF_NAME names. Merge-request pipelines use `branch`. */
  refKind: 'branch' | 'tag';
  ref: string;
  /** Merge-request facts when source is merge_request_event. */
  mergeRequest?: MergeRequestFacts;
  /** Pull-request facts when source is external_pull_request_event. */
  externalPullRequest?: ExternalPullRequestFacts;
  /** `CI_COMMIT_BEFORE_SHA` (default 40 zeros: new branches, tags, MR, web, API and scheduled pipelines). */
  beforeSha?: string;
  /** `CI_COMMIT_REF_PROTECTED` (default: true for the default branch only, GitLab's default protection). */
  refProtected?: boolean;
  /** `CI_PIPELINE_SCHEDULE_DESCRIPTION` of a scheduled pipeline. */
  scheduleDescription?: string;
  /** Files changed by the push/MR; null when no diff is available (then `changes` is always true). */
  changedFiles: string[] | null;
  /**
   * `rules:changes:compare_to` diffs computed before planning (the planner does no git): ref as written
   * after variable expansion → files changed between its merge base with the pipeline commit and that
   * commit; null when the ref does not resolve. The planner asks for a ref missing here (app/ then
   * computes it and plans again).
   */
  compareDiffs?: Readonly<Record<string, readonly string[] | null>>;
  /** Repository files (tracked and untracked-not-ignored), relative, `/`-separated; for `rules:exists`. */
  files: string[];
  /** Variables given by the user (--variable, variables files): GitLab's "project variables" slot. */
  userVariables: Record<string, { value: string; masked?: boolean; file?: boolean }>;
  /** Pipeline identifiers; local runs make them up. */
  pipelineId: number;
  pipelineIid: number;
  /** Project path `group/sub/project` (from the remote URL, else the folder name). */
  projectPath: string;
  /** Server facts for CI_SERVER_* (local runs use a placeholder server). */
  serverUrl: string;
  /** ISO 8601 creation time of the pipeline. */
  createdAt: string;
  /** Jobs selected with `--manual`: manual jobs that should run as if played. */
  playedManualJobs: string[];
}

/** A variable as the runner receives it (GitLab's job payload shape). */
export interface JobVariable {
  key: string;
  value: string;
  /** Public variables are passed to services too (YAML and predefined ones). */
  public: boolean;
  masked: boolean;
  /** File-type: the runner writes `value` to a file and sets the variable to that path. */
  file: boolean;
  /** Raw (`expand: false`): the runner does not expand `$` references in it. */
  raw: boolean;
}

export interface PlannedNeed {
  /** Concrete job name (after parallel/matrix expansion). */
  job: string;
  artifacts: boolean;
}

/** One concrete job of the pipeline, ready for the engine. Also what runner mode builds from a GitLab payload. */
export interface PlannedJob {
  /** Concrete name: `build`, `test 1/3`, `deploy: [aws, app1]`. */
  name: string;
  /** Name of the job definition it came from. */
  baseName: string;
  stage: string;
  stageIndex: number;
  /** Final `when` after rules (never `never`: excluded jobs are not in the plan). */
  when: JobWhen;
  startInSeconds?: number;
  allowFailure: AllowFailure;
  /** null: stage order applies; otherwise the concrete jobs this one waits for. */
  needs: PlannedNeed[] | null;
  /** Concrete jobs whose artifacts (and dotenv variables) this job receives, in download order. */
  artifactSources: string[];
  /** Variables after precedence: predefined, global, job, rules, matrix, user. Unexpanded except where GitLab expands. */
  variables: JobVariable[];
  image: ImageDefinition | null;
  services: ServiceDefinition[];
  beforeScript: string[];
  script: string[];
  afterScript: string[];
  /**
   * Runner mode: steps GitLab sends besides `script` and `after_script` (the `release` step it builds
   * from the `release:` keyword), run after the script in their order as `step_<name>` stages.
   */
  extraSteps?: { name: string; script: string[] }[];
  hooks?: { preGetSourcesScript: string[] };
  cache: CacheDefinition[];
  artifacts: ArtifactsDefinition | null;
  retry: RetryDefinition;
  /** Job timeout in seconds, when the job sets one. */
  timeoutSeconds?: number;
  /** Expanded resource group name. */
  resourceGroup?: string;
  interruptible: boolean;
  /** Expanded tags. */
  tags: string[];
  environment: EnvironmentDefinition | null;
  coverage?: string;
  trigger?: TriggerDefinition;
  manualConfirmation?: string;
  /** 1-based parallel index and total (total 1 when not parallel). */
  nodeIndex?: number;
  nodeTotal: number;
  /** A `when: manual` job the user chose to play (`PipelineContext.playedManualJobs`): it still waits for its prerequisites, then runs without waiting for a user action. */
  played?: boolean;
}

/** A job the pipeline does not run, and why (shown by `list --all` and `run`). */
export interface ExcludedJob {
  name: string;
  stage: string;
  reason: string;
}

export interface Plan {
  /** Stages that have jobs, in order. */
  stages: string[];
  jobs: PlannedJob[];
  excluded: ExcludedJob[];
  /** Set when workflow:rules filtered the pipeline out or nothing is left to run; then `jobs` is empty. */
  notCreatedReason?: string;
  /** `workflow:name`, expanded. */
  name?: string;
  /** Global variables after workflow:rules:variables (for display). */
  globalVariables: JobVariable[];
}
