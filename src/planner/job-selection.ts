// Job selection for one concrete job (spec §8.1 step 3): `rules` (§5.14), else `only`/`except` (§5.15)
// with the implicit `only: [branches, tags]` unless `workflow:rules` exists.
import type { JobWhen, RuleDefinition } from '../model/config.js';
import type { ExcludedJob, JobVariable, PlannedJob } from '../model/plan.js';
import { ConfigError } from '../errors.js';
import { jobPredefinedVariables, mergeVariableLayers } from '../variables/index.js';
import type { Lookup } from './conditions.js';
import { effectiveOnly, evaluateOnlyExcept } from './only-except.js';
import type { JobInstance } from './parallel.js';
import type { PipelineFacts } from './pipeline-facts.js';
import { evaluateJobRules } from './rules.js';
import type { JobTrace } from './trace.js';
import { plainVariables, valueMap, yamlVariables } from './variable-layers.js';

/** A job the pipeline keeps, with what selection decided and the variables rules saw. */
export interface SelectedJob {
  instance: JobInstance;
  stageIndex: number;
  /** The matching rule, or null for jobs without `rules`. */
  rule: RuleDefinition | null;
  when: JobWhen;
  /**
   * Layers below `rules:variables` as GitLab-side evaluation sees them: job predefined, pipeline
   * predefined without persisted variables, inherited globals, job YAML, matrix.
   */
  layers: JobVariable[][];
  /** Unexpanded values as `rules:if` saw them (no rules:variables); GitLab also expands `tags` with them. */
  lookup: Lookup;
  /** glci explain's record for this job, when it asked about it. */
  trace: JobTrace | undefined;
}

export type Selection = { selected: SelectedJob } | { excluded: ExcludedJob };

export function selectJob(instance: JobInstance, facts: PipelineFacts, trace?: JobTrace): Selection {
  const def = instance.definition;
  const stageIndex = facts.stageIndex.get(def.stage);
  if (stageIndex === undefined) {
    const available = facts.config.stages.join(', ');
    throw ConfigError.at(
      def.location,
      `${instance.name} job: chosen stage ${def.stage} does not exist; available stages are ${available}`,
    );
  }
  const layers = variableLayers(instance, facts);
  const lookup = rulesLookup(layers, facts.inherited(def.inheritVariables).map, facts);
  const scope = facts.scope(lookup, () => mergeVariableLayers([...layers, facts.user]), instance.name);
  const excluded = (reason: string): Selection => ({ excluded: { name: instance.name, stage: def.stage, reason } });

  if (def.rules !== null) {
    const outcome = evaluateJobRules(def.rules, def.when, scope, trace?.rulesLog());
    if (!outcome.included) return excluded(outcome.reason);
    return { selected: { instance, stageIndex, rule: outcome.rule, when: outcome.when, layers, lookup, trace } };
  }
  const only = effectiveOnly(def, facts.hasWorkflowRules);
  const reason = evaluateOnlyExcept(only, def.except, scope, facts.refs, trace?.policyLog(only, def.except));
  if (reason !== null) return excluded(reason);
  return { selected: { instance, stageIndex, rule: null, when: def.when ?? 'on_success', layers, lookup, trace } };
}

function variableLayers(instance: JobInstance, facts: PipelineFacts): JobVariable[][] {
  const def = instance.definition;
  return [
    jobPredefined(draftJob(instance, facts)),
    facts.rulesPredefined,
    facts.inherited(def.inheritVariables).list,
    yamlVariables(def.variables),
    instance.matrix === null ? [] : plainVariables(instance.matrix),
  ];
}

/** Precedence of the layers (later wins), then user variables above all; values unexpanded. */
function rulesLookup(layers: JobVariable[][], globals: Map<string, string>, facts: PipelineFacts): Lookup {
  const [jobPredefinedLayer = [], , , jobYaml = [], matrix = []] = layers;
  const jobMap = valueMap([...jobYaml, ...matrix]);
  const predefinedMap = valueMap(jobPredefinedLayer);
  return (name) =>
    facts.userMap.get(name) ??
    jobMap.get(name) ??
    globals.get(name) ??
    facts.rulesPredefinedMap.get(name) ??
    predefinedMap.get(name);
}

/** Job-level predefined variables (CI_JOB_NAME, CI_JOB_STAGE, CI_NODE_*, CI_JOB_MANUAL, CI_ENVIRONMENT_*). */
export function jobPredefined(job: PlannedJob): JobVariable[] {
  const { name, stage, nodeIndex, nodeTotal, environment, when } = job;
  return plainVariables(
    jobPredefinedVariables({ name, stage, nodeIndex, nodeTotal, environment, when, manual: job.played === true }),
  );
}

/** The job as known before selection, for its predefined variables (no environment yet: §5.14). */
export function draftJob(instance: JobInstance, facts: PipelineFacts): PlannedJob {
  const def = instance.definition;
  return {
    name: instance.name,
    baseName: def.name,
    stage: def.stage,
    stageIndex: facts.stageIndex.get(def.stage) ?? -1,
    when: def.when ?? 'on_success',
    allowFailure: def.allowFailure ?? def.when === 'manual',
    needs: null,
    artifactSources: [],
    variables: [],
    image: def.image,
    services: def.services,
    beforeScript: def.beforeScript,
    script: def.script,
    afterScript: def.afterScript,
    cache: def.cache,
    artifacts: def.artifacts,
    retry: def.retry,
    interruptible: def.interruptible ?? false,
    tags: def.tags,
    environment: null,
    nodeIndex: instance.nodeIndex,
    nodeTotal: instance.nodeTotal,
    ...(def.timeoutSeconds !== undefined ? { timeoutSeconds: def.timeoutSeconds } : {}),
  };
}
