// What `glci explain JOB` tells: why a job is (or is not) in the pipeline and what it will see. Built by
// app/explain*.ts from the planner's own trace (planner/trace.ts), rendered by reporters/explain/, and
// the `--json` output as it is (documented in the README). Types only.

/** One variable an expression read, with the value it saw (null: not defined). */
export interface VariableRead {
  name: string;
  value: string | null;
}

/** A clause of a rule. `result` is null when the clause was not evaluated (an earlier one was false, or an earlier rule decided). */
export type ClauseExplanation =
  | { clause: 'if'; expression: string; reads: VariableRead[]; result: boolean | null }
  | { clause: 'changes'; paths: string[]; compareTo?: string; result: boolean | null }
  | { clause: 'exists'; paths: string[]; project?: string; ref?: string; result: boolean | null };

export type RuleStatus = 'matched' | 'not matched' | 'not evaluated';

/** One entry of `rules` or `workflow:rules`, as written, with how it evaluated. */
export interface RuleExplanation {
  /** 1-based position in the list, as people count rules. */
  number: number;
  status: RuleStatus;
  clauses: ClauseExplanation[];
  when?: string;
  allowFailure?: boolean;
  startIn?: string;
  variables?: Record<string, string>;
  /** `rules:needs` job names as written. */
  needs?: string[];
}

export interface RulesExplanation {
  rules: RuleExplanation[];
  /** Number of the rule that decided, or null when no rule matched. */
  decidedBy: number | null;
}

export type PolicyKind = 'refs' | 'variables' | 'changes' | 'kubernetes';

/** One `refs` entry, `variables` expression, the `changes` globs or `kubernetes: active`. */
export interface PolicyEntryExplanation {
  entry: string;
  /** null: not evaluated (an earlier entry already satisfied the condition, or the condition was skipped). */
  result: boolean | null;
  /** Variables an expression read (`variables` entries and `kubernetes`). */
  reads?: VariableRead[];
}

export interface PolicyConditionExplanation {
  kind: PolicyKind;
  /** null: not evaluated (an earlier condition already decided). */
  satisfied: boolean | null;
  entries: PolicyEntryExplanation[];
}

export interface OnlyExceptExplanation {
  /** The effective `only` (GitLab's implicit `only: [branches, tags]` included), null when none applies. */
  only: PolicyConditionExplanation[] | null;
  /** True when `only` (or its refs) is GitLab's implicit default rather than written. */
  implicitOnly: boolean;
  except: PolicyConditionExplanation[] | null;
  /** `only: refs`, `except: variables`, ...; null when the job is included. */
  excludedBy: string | null;
}

export type SelectionExplanation =
  | { kind: 'rules'; rules: RulesExplanation }
  | { kind: 'only/except'; onlyExcept: OnlyExceptExplanation };

/** A concrete job a need names, and what became of it. */
export interface NeedTargetExplanation {
  job: string;
  inPipeline: boolean;
  /** needed; dropped: optional and not in the pipeline; error: not optional and not in the pipeline (GitLab refuses the pipeline). */
  outcome: 'needed' | 'dropped' | 'error';
}

export interface NeedExplanation {
  /** The job name as written (after `$[[ matrix.X ]]` interpolation). */
  job: string;
  artifacts: boolean;
  optional: boolean;
  /** `needs:parallel:matrix` selectors as written. */
  matrix?: Record<string, string[]>[];
  /** Set for `needs:pipeline` / `needs:project`, which a local run cannot schedule. */
  crossPipeline?: string;
  targets: NeedTargetExplanation[];
}

export interface NeedsExplanation {
  /** `job`: the job's `needs:`; `rule`: the matching rule's `needs:`, which replaces it. */
  from: 'job' | 'rule';
  /** null when no need was resolved (the pipeline stopped before, or the job was excluded). */
  entries: NeedExplanation[] | null;
}

export interface DependencyExplanation {
  job: string;
  /** Its concrete jobs (all instances of a parallel job), each in the pipeline or not. */
  jobs: { job: string; inPipeline: boolean }[];
}

export interface ArtifactsExplanation {
  /** What decided the artifact sources: `dependencies:`, the needs with `artifacts: true`, or all earlier stages. */
  basis: 'dependencies' | 'needs' | 'earlier stages';
  dependencies: DependencyExplanation[] | null;
  /** Concrete jobs whose artifacts (and dotenv variables) the job receives, in download order. */
  sources: string[];
}

/** Where a variable definition came from, lowest precedence first. */
export type VariableLayer =
  | 'runner'
  | 'predefined'
  | 'global'
  | 'workflow'
  | 'job'
  | 'matrix'
  | 'rules'
  | 'dotenv'
  | 'user';

export interface VariableOrigin {
  layer: VariableLayer;
  /** Which one: a file path, `--variable`, `.glci.yml`, a runner name, a dotenv source job. */
  source?: string;
}

export interface VariableDefinition extends VariableOrigin {
  /** The value as that layer wrote it ([MASKED] for masked variables). */
  value: string;
}

export interface VariableExplanation {
  key: string;
  /** The value the job receives ([MASKED] for masked variables; null when only a dotenv report can set it). */
  value: string | null;
  origin: VariableOrigin;
  /** The winning definition as written, when GitLab's expansion changed it (`out/$MODULE` → `out/m1`). */
  written?: string;
  masked: boolean;
  file: boolean;
  raw: boolean;
  /** Lower layers that defined the same key and lost, highest first. */
  shadowed: VariableDefinition[];
  /** Dotenv source jobs whose report held this key in the last local run: they override it at run time. */
  dotenvFrom?: string[];
}

export interface DotenvSourceExplanation {
  job: string;
  /** Keys its dotenv report held in the last local run, or null when no such report was found. */
  keys: string[] | null;
  /** The local pipeline id the keys were read from. */
  pipelineId: number | null;
}

export interface JobAttributesExplanation {
  when: string;
  allowFailure: boolean | { exitCodes: number[] };
  /** `start_in` as written (delayed jobs), and in seconds. */
  startIn: string | null;
  startInSeconds: number | null;
  interruptible: boolean;
}

export type JobStatus = 'included' | 'excluded' | 'pipeline not created';

export interface JobExplanation {
  name: string;
  /** The job definition's name (differs for parallel/matrix instances). */
  baseName: string;
  stage: string;
  status: JobStatus;
  /** Why it is excluded or why there is no pipeline; null when included. */
  reason: string | null;
  matrix: Record<string, string> | null;
  /** null when selection never ran (the pipeline was filtered out by workflow:rules first). */
  selection: SelectionExplanation | null;
  /** null when the job has no `needs:` (stage order applies). */
  needs: NeedsExplanation | null;
  /** null unless the job is included. */
  artifacts: ArtifactsExplanation | null;
  attributes: JobAttributesExplanation | null;
  /** Every variable the job receives, in the order the runner gets them; null unless the job is included. */
  variables: VariableExplanation[] | null;
  dotenv: DotenvSourceExplanation[];
}

export interface PipelineExplanation {
  created: boolean;
  notCreatedReason: string | null;
  /** null without `workflow:rules` (then every pipeline is created). */
  workflow: RulesExplanation | null;
  name: string | null;
}

export interface Explanation {
  /** The name asked for: a concrete job, or a parallel/matrix base name (then `jobs` holds every instance). */
  query: string;
  pipeline: PipelineExplanation;
  jobs: JobExplanation[];
}
