// Use case behind `glci explain JOB`: why a job is (or is not) in the pipeline, and what it will see.
// The planner plans as for `glci list`, with a PlanTrace recording how the workflow and the asked-for
// jobs evaluated; everything shown comes from that trace and the plan, never from a second evaluation.
import { homedir } from 'node:os';
import { sep } from 'node:path';
import type { ConfigDiagnostic, PipelineConfig } from '../model/config.js';
import type { Explanation, JobExplanation, PipelineExplanation } from '../model/explanation.js';
import type { Plan, PipelineContext, PlannedJob } from '../model/plan.js';
import { ConfigError } from '../errors.js';
import { PlanTrace, concreteJobs, planPipeline } from '../planner/index.js';
import { renderExplanation } from '../reporters/explain/index.js';
import { planWithComparisons } from './compare-diffs.js';
import { dotenvSources } from './explain-dotenv.js';
import { explainJob } from './explain-job.js';
import { maskExplanation } from './explain-mask.js';
import { rulesExplanation } from './explain-selection.js';
import { resolveTargets, type ConcreteJob } from './explain-target.js';
import { explainVariables, sourcedLayers, type SourcedLayer } from './explain-variables.js';
import { loadProjectConfig } from './load-config.js';
import { loadRunnerConfig, type Env } from './load-runner-config.js';
import { maskingErrors } from './mask-errors.js';
import { buildPipelineContext, type ContextOptions } from './pipeline-context.js';
import { routeJob, withRunnerVariables } from './runner-routing.js';
import { resolveStateDir } from './state-dir.js';
import { loadUserVariableLayers, type UserVariableLayer } from './user-variables.js';

export interface ExplainOptions extends ContextOptions {
  file: string;
  /** A concrete job name, or the name of a parallel/matrix job (then every instance is explained). */
  job: string;
  /** Where each of `projectVariables` came from (app/project-settings.ts `variableLayerOrigins`). */
  projectVariableOrigins?: readonly string[];
  /** `--config`: the runner config.toml whose `environment` entries the job receives. */
  configPath?: string;
  /** Where the last local run left its artifacts (dotenv reports); default `<project>/.glci`. */
  stateDir?: string;
  /** `--offline`: includes only from the include cache. */
  offline?: boolean;
  env?: Env;
}

export interface ExplainResult {
  /** Masked: what `--json` prints. */
  explanation: Explanation;
  /** The same as text (reporters/explain). */
  text: string;
  warnings: ConfigDiagnostic[];
}

export async function explainJobs(options: ExplainOptions): Promise<ExplainResult> {
  const ctx = await buildPipelineContext(options);
  return maskingErrors(ctx, async () => {
    const config = await loadProjectConfig(ctx, options.file, { offline: options.offline === true });
    const targets = resolveTargets(options.job, concreteJobs(config.jobs));
    // A fresh trace per attempt: planWithComparisons plans again when a compare_to diff was missing.
    const { result } = await planWithComparisons(config, ctx, (c) => planTraced(config, c, targets));
    const { plan, trace, error } = result;
    const notCreatedReason = error ?? plan?.notCreatedReason ?? null;
    const loaded = await loadUserVariableLayers(ctx.projectDir, options.variables ?? [], undefined, options.projectVariables, options.projectVariableOrigins);
    const userLayers = loaded.map((l) => ({ ...l, origin: shortenPaths(l.origin, ctx.projectDir) }));
    const stateDir = resolveStateDir({ cwd: ctx.projectDir, ...(options.stateDir ? { stateDir: options.stateDir } : {}) }).stateDir;
    const runnerLayer = await runnerLayerFor(options, ctx.projectDir);
    const facts: TargetFacts = { ctx, plan, trace, notCreatedReason, userLayers, runnerLayer, stateDir };
    const jobs: JobExplanation[] = [];
    for (const target of targets) jobs.push(await explainTarget(target, facts));
    const explanation: Explanation = { query: options.job, pipeline: pipelineOf(config, plan, trace, notCreatedReason), jobs };
    const shown = masked(explanation, ctx, config, userLayers);
    return { explanation: shown, text: renderExplanation(shown), warnings: config.warnings };
  });
}

interface TargetFacts {
  ctx: PipelineContext;
  plan: Plan | null;
  trace: PlanTrace;
  notCreatedReason: string | null;
  userLayers: readonly UserVariableLayer[];
  runnerLayer: RunnerLayerOf;
  stateDir: string;
}

async function explainTarget(target: ConcreteJob, facts: TargetFacts): Promise<JobExplanation> {
  const { ctx, plan, notCreatedReason } = facts;
  const trace = facts.trace.job(target.name);
  const planned = notCreatedReason === null ? (plan?.jobs.find((j) => j.name === target.name) ?? null) : null;
  if (planned === null || plan === null || trace?.layers === undefined) {
    return explainJob({ target, trace, plan, notCreatedReason, variables: null, dotenv: [] });
  }
  const dotenv = await dotenvSources(planned, plan, facts.stateDir);
  const runner = facts.runnerLayer(planned);
  const layers = sourcedLayers({ planner: trace.layers, runner, user: facts.userLayers, merged: ctx.userVariables });
  const variables = explainVariables([...(runner?.variables ?? []), ...planned.variables], layers, dotenv);
  return explainJob({ target, trace, plan, notCreatedReason, variables, dotenv });
}

/**
 * Plans with a trace of the asked-for jobs. A pipeline-creation error (a need on an excluded job, an
 * invalid compare_to ref) is part of the answer, so it is returned rather than thrown.
 */
function planTraced(config: PipelineConfig, ctx: PipelineContext, targets: readonly ConcreteJob[]) {
  const trace = new PlanTrace(targets.map((t) => t.name));
  try {
    return { plan: planPipeline(config, ctx, trace) as Plan | null, trace, error: null };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { plan: null, trace, error: err.message };
  }
}

function pipelineOf(config: PipelineConfig, plan: Plan | null, trace: PlanTrace, notCreatedReason: string | null): PipelineExplanation {
  const rules = config.workflow?.rules ?? null;
  return {
    created: notCreatedReason === null,
    notCreatedReason,
    workflow: rules === null ? null : rulesExplanation(rules, trace.workflow),
    name: plan?.name ?? null,
  };
}

type RunnerLayerOf = (job: PlannedJob) => SourcedLayer | null;

/**
 * The `[[runners]] environment` entries (and CI_RUNNER_*) of the runner that would take the job, as
 * `glci run` adds them; nothing without a config.toml (the built-in runner has no environment).
 */
async function runnerLayerFor(options: ExplainOptions, projectDir: string): Promise<RunnerLayerOf> {
  const env = options.env ?? process.env;
  const config = await loadRunnerConfig({ ...(options.configPath ? { path: options.configPath } : {}), env });
  if (config.file === null) return () => null;
  return (job) => {
    const route = routeJob(job, config.runners, { ignoreTags: false });
    if (!('runner' in route)) return null;
    const received = withRunnerVariables(job, route.runner).variables;
    const added = received.slice(0, received.length - job.variables.length);
    const source = `runner "${route.runner.name}" of ${shortenPaths(config.file ?? '', projectDir)}`;
    return { origin: { layer: 'runner', source }, variables: added };
  };
}

/** Secrets are every masked value of every layer, shadowed ones included; their names, for the reads of rules. */
function masked(explanation: Explanation, ctx: PipelineContext, config: PipelineConfig, userLayers: readonly UserVariableLayer[]): Explanation {
  const definitions: { key: string; value: string; masked?: boolean | undefined }[] = [
    ...userLayers.flatMap((l) => Object.entries(l.variables).map(([key, v]) => ({ key, ...v }))),
    ...Object.entries(ctx.userVariables).map(([key, v]) => ({ key, ...v })),
    ...Object.entries(config.variables).map(([key, v]) => ({ key, value: v.value, masked: v.masked })),
    ...config.jobs.flatMap((j) => Object.entries(j.variables).map(([key, v]) => ({ key, value: v.value, masked: v.masked }))),
  ];
  const secret = definitions.filter((d) => d.masked === true);
  return maskExplanation(explanation, secret.map((d) => d.value), new Set(secret.map((d) => d.key)));
}

/** Paths in origins, shortened: relative inside the project, `~/…` under the home directory. */
function shortenPaths(text: string, projectDir: string): string {
  return text.split(`${projectDir}${sep}`).join('').split(`${homedir()}${sep}`).join('~/');
}
