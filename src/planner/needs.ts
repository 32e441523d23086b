// `needs` resolution at pipeline creation (spec §5.9, §8.1 step 5) and artifact sources (spec §9.2).
import type { NeedDefinition, SourceLocation } from '../model/config.js';
import type { PlannedNeed } from '../model/plan.js';
import { ConfigError } from '../errors.js';
import { matrixCombinations, matrixJobName } from './parallel.js';
import type { JobTrace } from './trace.js';

/** Which concrete jobs exist: in the configuration, and in this pipeline after job selection. */
export interface JobIndex {
  /** Definition name → its instance names, for parallel jobs. */
  instancesOf: ReadonlyMap<string, readonly string[]>;
  /** Concrete names of the jobs selected for this pipeline. */
  present: ReadonlySet<string>;
}

/**
 * Concrete needs of a selected job: a need on a parallel job becomes all of its instances (or the
 * `parallel:matrix` subset); an optional need on an absent job is dropped; a non-optional one is
 * GitLab's pipeline-creation error. Cross-pipeline needs cannot be scheduled locally and are left out.
 * null (no `needs:`) stays null: stage order applies. `trace`: glci explain's record of each need, noted
 * before a missing one throws.
 */
export function resolveNeeds(
  job: { name: string; baseName: string; matrix: Readonly<Record<string, string>> | null },
  needs: readonly NeedDefinition[] | null,
  index: JobIndex,
  location: SourceLocation | null,
  trace?: JobTrace,
): PlannedNeed[] | null {
  if (needs === null) return null;
  if (trace !== undefined) trace.needs = [];
  const jobName = job.name;
  const resolved = new Map<string, PlannedNeed>();
  for (const written of needs) {
    if (written.pipeline !== undefined || written.project !== undefined) {
      trace?.need(written, [], index.present);
      continue;
    }
    const need = job.matrix === null ? written : interpolateMatrix(written, job.matrix, job.baseName, location);
    const targets = needTargets(need, index);
    trace?.need(need, targets, index.present);
    for (const name of targets) {
      if (!index.present.has(name)) {
        if (need.optional) continue;
        throw ConfigError.at(location, missingNeedMessage(jobName, name));
      }
      if (!resolved.has(name)) resolved.set(name, { job: name, artifacts: need.artifacts });
    }
  }
  return [...resolved.values()];
}

function needTargets(need: NeedDefinition, index: JobIndex): readonly string[] {
  if (need.matrix !== undefined) {
    return matrixCombinations(need.matrix).map((combination) => matrixJobName(need.job, combination));
  }
  return index.instancesOf.get(need.job) ?? [need.job];
}

// `$[[ matrix.NAME ]]` in the needs of a matrix job: that instance's own value (GitLab 18.6, beta).
const MATRIX_EXPRESSION = /\$\[\[\s*matrix\.([a-zA-Z0-9_-]+)\s*\]\]/g;

function interpolateMatrix(
  need: NeedDefinition,
  matrix: Readonly<Record<string, string>>,
  baseName: string,
  location: SourceLocation | null,
): NeedDefinition {
  const interpolate = (text: string): string =>
    text.replace(MATRIX_EXPRESSION, (_whole, name: string) => {
      const value = matrix[name];
      if (value !== undefined) return value;
      throw ConfigError.at(location, `${baseName} job: '${name}' does not exist in matrix configuration`);
    });
  const result: NeedDefinition = { ...need, job: interpolate(need.job) };
  if (need.matrix !== undefined) {
    result.matrix = need.matrix.map((selector) =>
      Object.fromEntries(Object.entries(selector).map(([key, values]) => [key, values.map(interpolate)])),
    );
  }
  return result;
}

export function missingNeedMessage(jobName: string, needName: string): string {
  return (
    `'${jobName}' job needs '${needName}' job, but '${needName}' does not exist in the pipeline. ` +
    'This might be because of the only, except, or rules keywords. ' +
    'To need a job that sometimes does not exist in the pipeline, use needs:optional.'
  );
}

/**
 * Jobs whose artifacts (and dotenv variables) the job receives: `dependencies` when given (all instances
 * of parallel jobs; jobs absent from the pipeline contribute nothing), else the `needs` with
 * `artifacts: true`, else every job of the earlier stages (`earlierStages`, shared, not to be mutated).
 */
export function artifactSources(
  dependencies: readonly string[] | null,
  needs: readonly PlannedNeed[] | null,
  earlierStages: readonly string[],
  index: JobIndex,
  trace?: JobTrace,
): string[] {
  if (dependencies !== null) {
    const expanded = dependencies.map((dep) => index.instancesOf.get(dep) ?? [dep]);
    trace?.dependenciesResolved(dependencies, expanded, index.present);
    return [...new Set(expanded.flat())].filter((name) => index.present.has(name));
  }
  if (needs !== null) return needs.filter((need) => need.artifacts).map((need) => need.job);
  return earlierStages as string[];
}
