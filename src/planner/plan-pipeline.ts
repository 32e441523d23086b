// GitLab's pipeline creation for a local run (spec §8.1): workflow:rules → parallel/matrix expansion →
// job selection → needs check → empty-pipeline check → stages that still have jobs.
// Pure: no I/O, everything comes from the PipelineConfig and the PipelineContext.
import type { PipelineConfig } from '../model/config.js';
import type { ExcludedJob, Plan, PipelineContext, PlannedJob, PlannedNeed } from '../model/plan.js';
import { expandKeyword } from '../variables/index.js';
import { selectJob, type SelectedJob } from './job-selection.js';
import { artifactSources, resolveNeeds, type JobIndex } from './needs.js';
import { expandJobs } from './parallel.js';
import { PipelineFacts } from './pipeline-facts.js';
import { buildPlannedJob } from './planned-job.js';
import { evaluateWorkflowRules } from './rules.js';
import type { PlanTrace } from './trace.js';

export const WORKFLOW_FILTERED_REASON = 'Pipeline filtered out by workflow rules.';
export const NO_JOBS_REASON = 'No stages / jobs for this pipeline.';

const EDGE_STAGES: ReadonlySet<string> = new Set(['.pre', '.post']);

/**
 * The concrete jobs GitLab would create for this configuration and context, in stage order. `trace`
 * (glci explain) records how the workflow and the jobs it names evaluated; planning never reads it.
 */
export function planPipeline(config: PipelineConfig, ctx: PipelineContext, trace?: PlanTrace): Plan {
  const facts = new PipelineFacts(config, ctx);
  const workflow = evaluateWorkflowRules(config.workflow?.rules ?? null, facts.pipelineScope(), trace?.workflow);
  if (!workflow.created) return notCreated(facts, WORKFLOW_FILTERED_REASON, [], undefined);
  facts.applyWorkflowVariables(workflow.variables);
  const name = pipelineName(config.workflow?.name, facts);
  if (name !== undefined) facts.addPredefined('CI_PIPELINE_NAME', name);

  const { instances, instancesOf } = expandJobs(config.jobs);
  const selected: SelectedJob[] = [];
  const excluded: ExcludedJob[] = [];
  for (const instance of instances) {
    const selection = selectJob(instance, facts, trace?.job(instance.name));
    if ('selected' in selection) selected.push(selection.selected);
    else excluded.push(selection.excluded);
  }
  // Plan order: stage order, then configuration order inside a stage (as GitLab lists them).
  selected.sort((a, b) => a.stageIndex - b.stageIndex || a.instance.order - b.instance.order);
  const index: JobIndex = { instancesOf, present: new Set(selected.map((s) => s.instance.name)) };
  const needs = selected.map(({ instance, rule, trace: jobTrace }) =>
    resolveNeeds(
      { name: instance.name, baseName: instance.definition.name, matrix: instance.matrix },
      rule?.needs ?? instance.definition.needs,
      index,
      instance.definition.location,
      jobTrace,
    ),
  );
  if (selected.every((s) => EDGE_STAGES.has(s.instance.definition.stage))) {
    const dropped = selected.map(({ instance }) => ({
      name: instance.name,
      stage: instance.definition.stage,
      reason: NO_JOBS_REASON,
    }));
    return notCreated(facts, NO_JOBS_REASON, [...excluded, ...dropped], name);
  }
  const jobs = buildJobs(selected, needs, index, facts);
  const used = new Set(jobs.map((job) => job.stage));
  const stages = config.stages.filter((stage) => used.has(stage));
  return withName({ stages, jobs, excluded, globalVariables: facts.globals }, name);
}

function buildJobs(
  selected: SelectedJob[],
  needs: (PlannedNeed[] | null)[],
  index: JobIndex,
  facts: PipelineFacts,
): PlannedJob[] {
  const earlier = earlierStageJobs(selected);
  const played = new Set(facts.ctx.playedManualJobs);
  return selected.map((sel, i) => {
    const def = sel.instance.definition;
    const jobNeeds = needs[i] ?? null;
    const sources = artifactSources(def.dependencies, jobNeeds, earlier.get(sel.stageIndex) ?? [], index, sel.trace);
    const isPlayed = sel.when === 'manual' && (played.has(sel.instance.name) || played.has(def.name));
    return buildPlannedJob(sel, { needs: jobNeeds, artifactSources: sources }, facts, isPlayed);
  });
}

/**
 * Stage index → names of the selected jobs of all earlier stages, in plan order. One frozen array per
 * stage, shared by the jobs of that stage, so a 1,000-job plan does not copy it per job.
 */
function earlierStageJobs(sorted: readonly SelectedJob[]): Map<number, readonly string[]> {
  const result = new Map<number, readonly string[]>();
  const names: string[] = [];
  for (const sel of sorted) {
    if (!result.has(sel.stageIndex)) result.set(sel.stageIndex, Object.freeze([...names]));
    names.push(sel.instance.name);
  }
  return result;
}

/** `workflow:name`: expanded (unknown variables → empty), trimmed; empty means no name (§2.6). */
function pipelineName(template: string | undefined, facts: PipelineFacts): string | undefined {
  if (template === undefined) return undefined;
  const lookup = /[$%]/.test(template) ? facts.pipelineScope().expandedLookup() : undefined;
  const name = (lookup === undefined ? template : expandKeyword(template, lookup, 'empty')).trim();
  return name === '' ? undefined : name;
}

function notCreated(facts: PipelineFacts, reason: string, excluded: ExcludedJob[], name: string | undefined): Plan {
  return withName({ stages: [], jobs: [], excluded, notCreatedReason: reason, globalVariables: facts.globals }, name);
}

function withName(plan: Plan, name: string | undefined): Plan {
  return name === undefined ? plan : { ...plan, name };
}
