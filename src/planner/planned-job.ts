// A selected job's final attributes (spec §8.1 step 4): the matching rule's overrides, `allow_failure`
// defaults, `start_in`, GitLab-side expansion of tags/environment/resource_group, and the job's
// variables after precedence and GitLab's nested expansion (§7.3).
import type { AllowFailure, EnvironmentDefinition, JobDefinition, RuleDefinition } from '../model/config.js';
import type { JobVariable, PlannedJob, PlannedNeed } from '../model/plan.js';
import { ConfigError } from '../errors.js';
import { expandKeyword, mergeVariableLayers } from '../variables/index.js';
import type { Lookup } from './conditions.js';
import { parseDuration } from '../duration/chronic.js';
import { draftJob, jobPredefined, type SelectedJob } from './job-selection.js';
import type { PipelineFacts } from './pipeline-facts.js';
import type { LabelledLayer } from './trace.js';
import { inheritGlobals, plainVariables, valueMap } from './variable-layers.js';

export interface JobLinks {
  needs: PlannedNeed[] | null;
  artifactSources: string[];
}

export function buildPlannedJob(sel: SelectedJob, links: JobLinks, facts: PipelineFacts, played: boolean): PlannedJob {
  const { instance, rule } = sel;
  const def = instance.definition;
  const upper: JobVariable[][] = [rule?.variables !== undefined ? plainVariables(rule.variables) : [], facts.user];
  const startInText = sel.when === 'delayed' ? (rule?.startIn ?? def.startIn) : undefined;
  const keywords = [def.environment?.name, def.environment?.url, def.resourceGroup, startInText];
  // GitLab-side keyword expansion sees fully expanded values; only pay for them when a keyword refers to one.
  const lookup = keywords.some(hasReference) ? keywordLookup(sel, upper, facts) : () => undefined;
  const environment = expandEnvironment(def.environment, lookup);
  const job: PlannedJob = {
    ...draftJob(instance, facts),
    stageIndex: sel.stageIndex,
    when: sel.when,
    allowFailure: allowFailure(def, rule),
    needs: links.needs,
    artifactSources: links.artifactSources,
    interruptible: rule?.interruptible ?? def.interruptible ?? false,
    tags: def.tags.map((tag) => expandKeyword(tag, sel.lookup, 'keep')),
    environment,
    ...optionalAttributes(def),
  };
  if (def.resourceGroup !== undefined) job.resourceGroup = expandKeyword(def.resourceGroup, lookup, 'keep');
  if (startInText !== undefined) job.startInSeconds = startInSeconds(def, startInText, lookup);
  if (played) job.played = true;
  job.variables = finalVariables(job, sel, upper, facts);
  return job;
}

/**
 * `allow_failure` defaults to true only for a job whose job-level `when` is `manual` (so a job made
 * manual by `rules:when` alone is blocking); a matching rule's `allow_failure` replaces the job's,
 * discarding `exit_codes` (§5.8).
 */
function allowFailure(def: JobDefinition, rule: RuleDefinition | null): AllowFailure {
  if (rule?.allowFailure !== undefined) return rule.allowFailure;
  return def.allowFailure ?? def.when === 'manual';
}

/**
 * Variables after precedence and nested expansion: the pipeline predefined layer now with the persisted
 * variables GitLab-side evaluation did not see, and the job predefined layer recomputed when the final
 * job differs from the draft rules saw (environment variables, a played manual job).
 */
function finalVariables(
  job: PlannedJob,
  sel: SelectedJob,
  upper: JobVariable[][],
  facts: PipelineFacts,
): JobVariable[] {
  const [draftJobPredefined = [], , ...rest] = sel.layers;
  const jobPredefinedLayer = job.environment !== null || job.played === true ? jobPredefined(job) : draftJobPredefined;
  const layers = [jobPredefinedLayer, facts.predefined, ...rest, ...upper];
  if (sel.trace !== undefined) sel.trace.layers = labelledLayers(layers, facts, sel.instance.definition.inheritVariables);
  const merged = mergeVariableLayers(layers);
  return facts.sharedExpansion('final', sel.instance.definition.inheritVariables).expandJob(merged, job.name);
}

/**
 * The layers finalVariables merges, named for glci explain, with the inherited globals split back
 * into YAML globals and workflow:rules:variables (merged, they are that layer). Positional: a layer
 * added to finalVariables must be named here too, which the length check makes loud.
 */
function labelledLayers(layers: JobVariable[][], facts: PipelineFacts, inherit: boolean | string[]): LabelledLayer[] {
  if (layers.length !== 7) throw new Error(`explain: expected 7 variable layers, the planner merged ${layers.length}`);
  const [jobPredefinedLayer = [], pipelinePredefined = [], , jobYaml = [], matrix = [], rules = [], user = []] = layers;
  return [
    { layer: 'predefined', variables: jobPredefinedLayer },
    { layer: 'predefined', variables: pipelinePredefined },
    { layer: 'global', variables: inheritGlobals(facts.yamlGlobals, inherit) },
    { layer: 'workflow', variables: inheritGlobals(facts.workflowVariables, inherit) },
    { layer: 'job', variables: jobYaml },
    { layer: 'matrix', variables: matrix },
    { layer: 'rules', variables: rules },
    { layer: 'user', variables: user },
  ];
}

/** `environment:name`, `url`, `auto_stop_in`, `deployment_tier` are expanded by GitLab (unknown kept). */
function expandEnvironment(env: EnvironmentDefinition | null, lookup: Lookup): EnvironmentDefinition | null {
  if (env === null) return null;
  const expand = (text: string): string => (hasReference(text) ? expandKeyword(text, lookup, 'keep') : text);
  const result: EnvironmentDefinition = { ...env, name: expand(env.name) };
  if (env.url !== undefined) result.url = expand(env.url);
  if (env.autoStopIn !== undefined) result.autoStopIn = expand(env.autoStopIn);
  if (env.deploymentTier !== undefined) result.deploymentTier = expand(env.deploymentTier);
  return result;
}

function startInSeconds(def: JobDefinition, text: string, lookup: Lookup): number {
  const seconds = parseDuration(hasReference(text) ? expandKeyword(text, lookup, 'keep') : text);
  if (seconds === null) throw ConfigError.at(def.location, `jobs:${def.name} start_in should be a duration`);
  return seconds;
}

function optionalAttributes(def: JobDefinition): Partial<PlannedJob> {
  const out: Partial<PlannedJob> = {};
  if (def.hooks !== undefined) out.hooks = def.hooks;
  if (def.coverage !== undefined) out.coverage = def.coverage;
  if (def.trigger !== undefined) out.trigger = def.trigger;
  if (def.manualConfirmation !== undefined) out.manualConfirmation = def.manualConfirmation;
  return out;
}

/** Fully expanded values as GitLab-side keyword expansion sees them (no persisted variables). */
function keywordLookup(sel: SelectedJob, upper: JobVariable[][], facts: PipelineFacts): Lookup {
  const merged = mergeVariableLayers([...sel.layers, ...upper]);
  const shared = facts.sharedExpansion('rules', sel.instance.definition.inheritVariables);
  const map = valueMap(shared.expandJob(merged, sel.instance.name));
  return (name) => map.get(name);
}

function hasReference(text: string | undefined): boolean {
  return text !== undefined && /[$%]/.test(text);
}
