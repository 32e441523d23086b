// Every variable a job receives, for `glci explain`, with the layer it came from and the lower layers
// it shadows. The layers are the planner's own (recorded while it merged them, planner/trace.ts); this
// module only names their sources: the runner's config.toml entries below them, and the user layer
// split back into the files and flags app/user-variables.ts merged.
import type { DotenvSourceExplanation, VariableDefinition, VariableExplanation, VariableOrigin } from '../model/explanation.js';
import type { JobVariable, PipelineContext } from '../model/plan.js';
import { MASKED } from '../variables/index.js';
import { userVariables, type LabelledLayer } from '../planner/index.js';
import type { UserVariableLayer } from './user-variables.js';

/** A layer of definitions with where it came from, lowest precedence first. */
export interface SourcedLayer {
  origin: VariableOrigin;
  variables: readonly JobVariable[];
}

export interface VariableSources {
  /** The planner's layers of this job's variables, lowest first. */
  planner: readonly LabelledLayer[];
  /** `[[runners]] environment` (and CI_RUNNER_*) of the runner that takes the job, when config.toml has one. */
  runner: SourcedLayer | null;
  /** The user's variables as loaded, lowest first, and as the planner received them merged. */
  user: readonly UserVariableLayer[];
  merged: PipelineContext['userVariables'];
}

/** The planner's layers with the runner's below and the user layer split by source. */
export function sourcedLayers(sources: VariableSources): SourcedLayer[] {
  const layers: SourcedLayer[] = sources.runner === null ? [] : [sources.runner];
  for (const layer of sources.planner) {
    if (layer.layer === 'user') layers.push(...userLayers(sources.user, sources.merged, layer.variables));
    else layers.push({ origin: { layer: layer.layer }, variables: layer.variables });
  }
  return layers;
}

/**
 * The user layer per source, when the sources merge to exactly what the planner got; otherwise (a
 * source this module does not know about) the planner's layer as one unnamed user layer.
 */
function userLayers(
  loaded: readonly UserVariableLayer[],
  merged: PipelineContext['userVariables'],
  planner: readonly JobVariable[],
): SourcedLayer[] {
  const combined: PipelineContext['userVariables'] = Object.assign({}, ...loaded.map((l) => l.variables));
  const keys = Object.keys(combined);
  const same = keys.length === Object.keys(merged).length && keys.every((k) => merged[k]?.value === combined[k]?.value);
  if (!same) return [{ origin: { layer: 'user' }, variables: planner }];
  return loaded
    .filter((l) => Object.keys(l.variables).length > 0)
    .map((l) => ({
      origin: { layer: 'user', source: l.origin },
      variables: userVariables(l.variables),
    }));
}

/**
 * One entry per key, in the order the runner receives them (`received`: the runner's entries, then
 * the planned job's), the value the job gets (expanded as GitLab expands it) and every losing
 * definition. Masked values are shown as [MASKED] here; app/explain-mask.ts masks what else holds them.
 */
export function explainVariables(
  received: readonly JobVariable[],
  layers: readonly SourcedLayer[],
  dotenv: readonly DotenvSourceExplanation[],
): VariableExplanation[] {
  const finals = new Map<string, JobVariable>();
  for (const v of received) finals.set(v.key, v);
  const definitions = new Map<string, { origin: VariableOrigin; variable: JobVariable }[]>();
  for (const layer of layers) {
    for (const variable of layer.variables) {
      const list = definitions.get(variable.key) ?? [];
      list.push({ origin: layer.origin, variable });
      definitions.set(variable.key, list);
    }
  }
  const out = [...finals.values()].map((final) => explainOne(final, definitions.get(final.key) ?? [], dotenv));
  return [...out, ...dotenvOnly(finals, dotenv)];
}

function explainOne(
  final: JobVariable,
  defs: readonly { origin: VariableOrigin; variable: JobVariable }[],
  dotenv: readonly DotenvSourceExplanation[],
): VariableExplanation {
  const winner = defs.at(-1);
  const origin = winner?.origin ?? { layer: 'predefined' };
  const shadowed: VariableDefinition[] = defs
    .slice(0, -1)
    .reverse()
    .map(({ origin: o, variable }) => ({ ...o, value: variable.masked ? MASKED : variable.value }));
  const out: VariableExplanation = {
    key: final.key,
    value: final.masked ? MASKED : final.value,
    origin,
    masked: final.masked,
    file: final.file,
    raw: final.raw,
    shadowed,
  };
  if (winner !== undefined && !final.masked && winner.variable.value !== final.value) out.written = winner.variable.value;
  // A dotenv report overrides everything but the user's variables (engine/job-variables.ts).
  const from = origin.layer === 'user' ? [] : dotenv.filter((d) => d.keys?.includes(final.key)).map((d) => d.job);
  if (from.length > 0) out.dotenvFrom = from;
  return out;
}

/** Keys only a dotenv report of the last local run defined: their value is only known once it runs. */
function dotenvOnly(finals: ReadonlyMap<string, JobVariable>, dotenv: readonly DotenvSourceExplanation[]): VariableExplanation[] {
  const byKey = new Map<string, string[]>();
  for (const source of dotenv) {
    for (const key of source.keys ?? []) {
      if (finals.has(key)) continue;
      byKey.set(key, [...(byKey.get(key) ?? []), source.job]);
    }
  }
  return [...byKey].map(([key, jobs]) => ({
    key,
    value: null,
    origin: { layer: 'dotenv', source: jobs.at(-1) as string },
    masked: false,
    file: false,
    raw: false,
    shadowed: [],
    dotenvFrom: jobs,
  }));
}
