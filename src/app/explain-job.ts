// One job's explanation from the plan and the planner's trace of it: status, selection, needs,
// artifact sources and final attributes. The variables and dotenv sources need I/O and are handed in.
import type { JobDefinition, NeedDefinition, RuleDefinition } from '../model/config.js';
import type {
  ArtifactsExplanation,
  DotenvSourceExplanation,
  JobAttributesExplanation,
  JobExplanation,
  NeedExplanation,
  NeedsExplanation,
  SelectionExplanation,
  VariableExplanation,
} from '../model/explanation.js';
import type { Plan, PlannedJob } from '../model/plan.js';
import type { JobTrace, NeedRecord } from '../planner/index.js';
import type { ConcreteJob } from './explain-target.js';
import { onlyExceptExplanation, rulesExplanation } from './explain-selection.js';

export interface JobFacts {
  target: ConcreteJob;
  trace: JobTrace | undefined;
  plan: Plan | null;
  /** Why there is no pipeline (workflow, no jobs, a pipeline-creation error), or null. */
  notCreatedReason: string | null;
  variables: VariableExplanation[] | null;
  dotenv: DotenvSourceExplanation[];
}

export function explainJob(facts: JobFacts): JobExplanation {
  const { target, trace, plan } = facts;
  const def = target.definition;
  const planned = plan?.jobs.find((j) => j.name === target.name) ?? null;
  const excluded = plan?.excluded.find((e) => e.name === target.name) ?? null;
  const selection = trace === undefined ? null : selectionOf(def, trace, excluded?.reason ?? null);
  const rule = decidingRule(def, selection);
  const status = facts.notCreatedReason !== null ? 'pipeline not created' : planned !== null ? 'included' : 'excluded';
  return {
    name: target.name,
    baseName: def.name,
    stage: def.stage,
    status,
    reason: facts.notCreatedReason ?? excluded?.reason ?? null,
    matrix: target.matrix,
    selection,
    needs: needsOf(def, rule, trace),
    artifacts: planned === null ? null : artifactsOf(def, planned, trace),
    attributes: planned === null ? null : attributesOf(def, rule, planned),
    variables: facts.variables,
    dotenv: facts.dotenv,
  };
}

function selectionOf(def: JobDefinition, trace: JobTrace, excludedBy: string | null): SelectionExplanation | null {
  if (def.rules !== null) return trace.rules === undefined ? null : { kind: 'rules', rules: rulesExplanation(def.rules, trace.rules) };
  const onlyExcept = onlyExceptExplanation(def, trace, excludedBy);
  return onlyExcept === null ? null : { kind: 'only/except', onlyExcept };
}

function decidingRule(def: JobDefinition, selection: SelectionExplanation | null): RuleDefinition | null {
  if (selection?.kind !== 'rules' || selection.rules.decidedBy === null || def.rules === null) return null;
  return def.rules[selection.rules.decidedBy - 1] ?? null;
}

/** A matching rule's `needs` replace the job's; null when neither has any (stage order applies). */
function needsOf(def: JobDefinition, rule: RuleDefinition | null, trace: JobTrace | undefined): NeedsExplanation | null {
  const fromRule = rule?.needs !== undefined;
  const written = fromRule ? rule.needs : def.needs;
  if (written === null || written === undefined) return null;
  return { from: fromRule ? 'rule' : 'job', entries: trace?.needs?.map(needOf) ?? null };
}

function needOf(record: NeedRecord): NeedExplanation {
  const { need, targets } = record;
  const out: NeedExplanation = {
    job: need.job,
    artifacts: need.artifacts,
    optional: need.optional,
    targets: targets.map(({ job, present }) => ({
      job,
      inPipeline: present,
      outcome: present ? 'needed' : need.optional ? 'dropped' : 'error',
    })),
  };
  if (need.matrix !== undefined) out.matrix = need.matrix;
  const cross = crossPipeline(need);
  if (cross !== null) out.crossPipeline = cross;
  return out;
}

function crossPipeline(need: NeedDefinition): string | null {
  if (need.pipeline !== undefined) return `pipeline ${need.pipeline}`;
  if (need.project !== undefined) return `project ${need.project}${need.ref !== undefined ? ` ref ${need.ref}` : ''}`;
  return null;
}

/** The basis follows the planner's order: `dependencies:`, else the needs, else every earlier stage. */
function artifactsOf(def: JobDefinition, planned: PlannedJob, trace: JobTrace | undefined): ArtifactsExplanation {
  const basis = def.dependencies !== null ? 'dependencies' : planned.needs !== null ? 'needs' : 'earlier stages';
  const dependencies =
    trace?.dependencies?.map((d) => ({ job: d.job, jobs: d.jobs.map((j) => ({ job: j.job, inPipeline: j.present })) })) ?? null;
  return { basis, dependencies, sources: planned.artifactSources };
}

function attributesOf(def: JobDefinition, rule: RuleDefinition | null, planned: PlannedJob): JobAttributesExplanation {
  const startIn = planned.when === 'delayed' ? (rule?.startIn ?? def.startIn ?? null) : null;
  return {
    when: planned.when,
    allowFailure: planned.allowFailure,
    startIn,
    startInSeconds: planned.startInSeconds ?? null,
    interruptible: planned.interruptible,
  };
}
