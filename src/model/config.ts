// Types of the resolved GitLab CI configuration: what `config/` produces from YAML text
// (includes, extends, !reference, default: and inherit: already applied). Types only.
// GitLab semantics: ../shared/specs/gitlab-ci-yaml.md, https://docs.gitlab.com/ci/yaml/

/** A place in a source file; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export type Severity = 'error' | 'warning';

/** One problem found in the configuration, with where it is when that is known. */
export interface ConfigDiagnostic {
  severity: Severity;
  message: string;
  location: SourceLocation | null;
}

export type JobWhen = 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed';
export type RuleWhen = JobWhen | 'never';
export type ArtifactWhen = 'on_success' | 'on_failure' | 'always';
export type PullPolicy = 'always' | 'if-not-present' | 'never';

/** A variable as written in YAML (global or job level) or given by the user. */
export interface VariableDefinition {
  value: string;
  /** false for `expand: false` (raw): never expanded by GitLab nor the runner. */
  expand: boolean;
  description?: string;
  options?: string[];
  /** File-type variable: the runner writes the value to a file and the variable holds its path. */
  file?: boolean;
  /** Masked: the value is shown as [MASKED] in every output. */
  masked?: boolean;
}

export type VariableMap = Record<string, VariableDefinition>;

export interface ImageDefinition {
  name: string;
  entrypoint?: string[];
  pullPolicy?: PullPolicy[];
  docker?: { platform?: string; user?: string };
  kubernetes?: { user?: string };
}

export interface ServiceDefinition extends ImageDefinition {
  /** Extra host names from `alias` (space or comma separated in YAML), in order. */
  aliases: string[];
  command?: string[];
  variables?: Record<string, string>;
}

export interface ChangesClause {
  paths: string[];
  compareTo?: string;
}

export interface ExistsClause {
  paths: string[];
  project?: string;
  ref?: string;
}

export interface MatrixSelector {
  /** Variable name → allowed values (each matrix mapping expands to the Cartesian product). */
  [variable: string]: string[];
}

export interface NeedDefinition {
  job: string;
  artifacts: boolean;
  optional: boolean;
  /** `needs:parallel:matrix`: only these instances of a matrix job. */
  matrix?: MatrixSelector[];
  /** Cross-pipeline needs (`pipeline:` / `project:`); kept for display, not schedulable locally. */
  pipeline?: string;
  project?: string;
  ref?: string;
}

export interface RuleDefinition {
  if?: string;
  changes?: ChangesClause;
  exists?: ExistsClause;
  when?: RuleWhen;
  allowFailure?: boolean;
  startIn?: string;
  variables?: Record<string, string>;
  needs?: NeedDefinition[];
  interruptible?: boolean;
}

export interface WorkflowRuleDefinition {
  if?: string;
  changes?: ChangesClause;
  exists?: ExistsClause;
  when?: 'always' | 'never';
  variables?: Record<string, string>;
  autoCancel?: AutoCancelDefinition;
}

export interface AutoCancelDefinition {
  onNewCommit?: 'conservative' | 'interruptible' | 'none';
  onJobFailure?: 'none' | 'all';
}

export interface WorkflowDefinition {
  name?: string;
  rules: WorkflowRuleDefinition[] | null;
  autoCancel?: AutoCancelDefinition;
}

/** Deprecated `only:` / `except:` conditions. */
export interface PolicyDefinition {
  refs?: string[];
  variables?: string[];
  changes?: string[];
  kubernetes?: 'active';
}

export type CacheKey =
  | { kind: 'literal'; value: string }
  | { kind: 'files'; files: string[]; prefix?: string }
  | { kind: 'files_commits'; files: string[]; prefix?: string };

export interface CacheDefinition {
  key: CacheKey;
  paths: string[];
  untracked: boolean;
  unprotect: boolean;
  when: ArtifactWhen;
  /** `pull`, `push`, `pull-push`, or a `$VARIABLE` the runner expands. */
  policy: string;
  fallbackKeys: string[];
}

export interface ArtifactsDefinition {
  paths: string[];
  exclude: string[];
  untracked: boolean;
  when: ArtifactWhen;
  expireIn?: string;
  name?: string;
  exposeAs?: string;
  public?: boolean;
  access?: string;
  /** Report type → paths (globs). `dotenv` and `junit` are the ones a local run acts on. */
  reports: Record<string, string[]>;
}

export interface RetryDefinition {
  max: number;
  /** Failure reasons that cause a retry (`always` = any). */
  when: string[];
  exitCodes: number[];
}

export interface EnvironmentDefinition {
  name: string;
  url?: string;
  action?: 'start' | 'prepare' | 'stop' | 'verify' | 'access';
  onStop?: string;
  autoStopIn?: string;
  deploymentTier?: string;
}

export interface TriggerDefinition {
  project?: string;
  branch?: string;
  /** Child pipeline includes, as written (string or include entries). */
  include?: unknown;
  strategy?: 'depend' | 'mirror';
  forward?: { yamlVariables: boolean; pipelineVariables: boolean };
}

export type AllowFailure = boolean | { exitCodes: number[] };

export type ParallelDefinition = { kind: 'count'; total: number } | { kind: 'matrix'; matrix: MatrixSelector[] };

/** One visible job after includes, extends, !reference, default: and inherit: are applied. */
export interface JobDefinition {
  name: string;
  /** Where the job's key is written (the last definition, when includes merged several). */
  location: SourceLocation | null;
  stage: string;
  image: ImageDefinition | null;
  services: ServiceDefinition[];
  beforeScript: string[];
  script: string[];
  afterScript: string[];
  /** Job-level `variables:` only; global variables are applied by the planner (see `inheritVariables`). */
  variables: VariableMap;
  /** `inherit:variables`: true, false, or the global variable names to receive. */
  inheritVariables: boolean | string[];
  tags: string[];
  /** Job-level `when` as written, or undefined when absent (rules then default to on_success). */
  when: JobWhen | undefined;
  startIn?: string;
  /** Job-level `allow_failure` as written, or undefined (default depends on the final `when`). */
  allowFailure: AllowFailure | undefined;
  retry: RetryDefinition;
  /** `timeout` in seconds, when set. */
  timeoutSeconds?: number;
  /** null when the job has no `needs:` (stage order applies); [] for `needs: []`. */
  needs: NeedDefinition[] | null;
  /** null when the job has no `dependencies:`. */
  dependencies: string[] | null;
  parallel: ParallelDefinition | null;
  rules: RuleDefinition[] | null;
  only: PolicyDefinition | null;
  except: PolicyDefinition | null;
  cache: CacheDefinition[];
  artifacts: ArtifactsDefinition | null;
  environment: EnvironmentDefinition | null;
  resourceGroup?: string;
  interruptible?: boolean;
  coverage?: string;
  trigger?: TriggerDefinition;
  manualConfirmation?: string;
  hooks?: { preGetSourcesScript: string[] };
  idTokens?: Record<string, { aud: string | string[] }>;
  /** The resolved job mapping with GitLab's key names (what `lint --merged` shows). */
  raw: Record<string, unknown>;
}

/** The whole resolved configuration. */
export interface PipelineConfig {
  /** Stages in order, `.pre` first and `.post` last. */
  stages: string[];
  /** Top-level `variables:`. */
  variables: VariableMap;
  workflow: WorkflowDefinition | null;
  /** Visible jobs, in the order GitLab lists them (order of first appearance in the merged config). */
  jobs: JobDefinition[];
  /** Every file read while resolving includes, the root first. */
  files: string[];
  /** Problems that do not make the configuration invalid (duplicate keys, ignored default:timeout...). */
  warnings: ConfigDiagnostic[];
  /** The merged configuration as GitLab spells it: {stages, variables, workflow, jobs: {name: mapping}}. */
  merged: MergedConfig;
}

export interface MergedConfig {
  stages: string[];
  variables: Record<string, unknown>;
  workflow: Record<string, unknown> | null;
  jobs: Record<string, Record<string, unknown>>;
}
