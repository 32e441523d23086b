// Pipeline-wide facts computed once per plan and shared by every job: predefined and user variables,
// global variables per `inherit:variables` choice, the file index, and the ref facts for only/except.
import type { PipelineConfig } from '../model/config.js';
import type { JobVariable, PipelineContext, PipelineSource } from '../model/plan.js';
import { PERSISTED_VARIABLES, mergeVariableLayers, predefinedVariables } from '../variables/index.js';
import { comparedFiles } from './compare-to.js';
import { lazyLookup, type ConditionScope, type Lookup } from './conditions.js';
import { expandMergedVariables } from './expansion.js';
import type { RefFacts } from './only-except.js';
import { RepositoryFiles } from './path-conditions.js';
import { SharedExpansion } from './shared-expansion.js';
import { inheritGlobals, plainVariables, userVariables, valueMap, yamlVariables } from './variable-layers.js';

/** Pipeline sources that come with a diff; every other pipeline has none, so `changes` is always true. */
const SOURCES_WITH_DIFF: ReadonlySet<PipelineSource> = new Set([
  'push',
  'merge_request_event',
  'external_pull_request_event',
]);

export interface InheritedGlobals {
  list: JobVariable[];
  map: Map<string, string>;
}

export class PipelineFacts {
  /** Pipeline predefined variables as the job receives them (persisted ones such as CI_PIPELINE_ID included). */
  readonly predefined: JobVariable[];
  /**
   * The ones GitLab-side evaluation sees (rules, workflow, keyword expansion): without the persisted
   * variables, which only exist once a job record does (spec §7.3).
   */
  readonly rulesPredefined: JobVariable[];
  readonly rulesPredefinedMap: Map<string, string>;
  readonly user: JobVariable[];
  readonly userMap: Map<string, string>;
  readonly repository: RepositoryFiles;
  readonly changedFiles: readonly string[] | null;
  readonly refs: RefFacts;
  readonly hasWorkflowRules: boolean;
  readonly stageIndex: Map<string, number>;
  /** Global YAML variables as written, and the matching workflow rule's `variables` (glci explain's layers). */
  readonly yamlGlobals: JobVariable[];
  workflowVariables: JobVariable[] = [];
  /** Global YAML variables, after workflow:rules:variables once the workflow was evaluated. */
  private globalList: JobVariable[];
  private readonly inheritedCache = new Map<string, InheritedGlobals>();
  private readonly expansionCache = new Map<string, SharedExpansion>();

  constructor(
    readonly config: PipelineConfig,
    readonly ctx: PipelineContext,
  ) {
    this.predefined = plainVariables(predefinedVariables(ctx));
    this.rulesPredefined = this.predefined.filter((v) => !PERSISTED_VARIABLES.has(v.key));
    this.rulesPredefinedMap = valueMap(this.rulesPredefined);
    this.user = userVariables(ctx.userVariables);
    this.userMap = valueMap(this.user);
    this.yamlGlobals = yamlVariables(config.variables);
    this.globalList = this.yamlGlobals;
    this.repository = new RepositoryFiles(ctx.files);
    this.changedFiles = pipelineChangedFiles(ctx);
    this.refs = refFacts(ctx);
    this.hasWorkflowRules = config.workflow !== null && config.workflow.rules !== null;
    this.stageIndex = new Map(config.stages.map((stage, i) => [stage, i]));
  }

  get globals(): JobVariable[] {
    return this.globalList;
  }

  /** The matching workflow rule's `variables` join the global variables, overriding same-named ones. */
  applyWorkflowVariables(variables: Readonly<Record<string, string>>): void {
    this.workflowVariables = plainVariables(variables);
    this.globalList = mergeVariableLayers([this.globalList, this.workflowVariables]);
    this.inheritedCache.clear();
    this.expansionCache.clear();
  }

  /** Adds a pipeline-level predefined variable (CI_PIPELINE_NAME) unless the context already set it. */
  addPredefined(key: string, value: string): void {
    if (this.rulesPredefinedMap.has(key)) return;
    const variables = plainVariables({ [key]: value });
    this.predefined.push(...variables);
    this.rulesPredefined.push(...variables);
    this.rulesPredefinedMap.set(key, value);
  }

  /** Global variables a job receives under its `inherit:variables` (memoised per distinct choice). */
  inherited(inherit: boolean | string[]): InheritedGlobals {
    const key = inheritKey(inherit);
    let entry = this.inheritedCache.get(key);
    if (entry === undefined) {
      const list = inheritGlobals(this.globalList, inherit);
      entry = { list, map: valueMap(list) };
      this.inheritedCache.set(key, entry);
    }
    return entry;
  }

  /**
   * The shared layers of a job's variables, expanded once: pipeline predefined (`final`: with the
   * persisted ones, `rules`: as GitLab-side evaluation sees them), inherited globals, user variables.
   */
  sharedExpansion(kind: 'final' | 'rules', inherit: boolean | string[]): SharedExpansion {
    const key = `${kind}:${inheritKey(inherit)}`;
    let entry = this.expansionCache.get(key);
    if (entry === undefined) {
      const predefined = kind === 'final' ? this.predefined : this.rulesPredefined;
      entry = new SharedExpansion(mergeVariableLayers([predefined, this.inherited(inherit).list, this.user]));
      this.expansionCache.set(key, entry);
    }
    return entry;
  }

  /**
   * Scope of `workflow:rules` and `workflow:name`: predefined, global YAML and user variables, no job
   * variables (spec §2.6).
   */
  pipelineScope(): ConditionScope {
    const globalMap = valueMap(this.globals);
    const lookup: Lookup = (name) => this.userMap.get(name) ?? globalMap.get(name) ?? this.rulesPredefinedMap.get(name);
    return this.scope(lookup, () => mergeVariableLayers([this.rulesPredefined, this.globals, this.user]), 'workflow');
  }

  /** A condition scope over `lookup`, with expanded values computed from `layers` on first use. */
  scope(lookup: Lookup, variables: () => JobVariable[], name: string): ConditionScope {
    return {
      lookup,
      expandedLookup: lazyLookup(() => {
        const expanded = valueMap(expandMergedVariables(variables(), name));
        return (key) => expanded.get(key);
      }),
      changedFiles: this.changedFiles,
      comparedFiles: comparedFiles(this.ctx, name, this.changedFiles),
      repository: this.repository,
      projectPath: this.ctx.projectPath,
    };
  }
}

function inheritKey(inherit: boolean | string[]): string {
  return inherit === true ? 'true' : inherit === false ? 'false' : JSON.stringify(inherit);
}

/**
 * The pipeline's diff for `changes` without `compare_to`: only branch pushes, merge requests and external
 * pull requests have one; tags, schedules, web, API and trigger pipelines never do (§5.14).
 */
export function pipelineChangedFiles(ctx: PipelineContext): readonly string[] | null {
  return ctx.refKind !== 'tag' && SOURCES_WITH_DIFF.has(ctx.source) ? ctx.changedFiles : null;
}

/** Merge request pipelines run on `refs/merge-requests/<iid>/head`: neither a branch nor a tag. */
function refFacts(ctx: PipelineContext): RefFacts {
  const mergeRequest = ctx.source === 'merge_request_event';
  return {
    isBranch: ctx.refKind === 'branch' && !mergeRequest,
    isTag: ctx.refKind === 'tag',
    source: ctx.source,
    ref: ctx.ref,
    projectPath: ctx.projectPath,
  };
}
