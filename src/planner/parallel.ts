// `parallel: N` and `parallel:matrix` expansion into concrete jobs (spec §5.11), GitLab's normalizer step.
import type { JobDefinition, MatrixSelector } from '../model/config.js';

/** One concrete job of the configuration, before job selection. */
export interface JobInstance {
  /** Concrete name: `build`, `test 2/3`, `deploy: [aws, app1]`. */
  name: string;
  definition: JobDefinition;
  /** 1-based position in the expansion; undefined when the job is not parallel. */
  nodeIndex: number | undefined;
  nodeTotal: number;
  /** This instance's `parallel:matrix` values (job variables overriding the job's own), or null. */
  matrix: Record<string, string> | null;
  /** Position in configuration order, for a stable plan order. */
  order: number;
}

export interface ExpandedJobs {
  /** Instances in configuration order; a later duplicate name replaces an earlier one in its place. */
  instances: JobInstance[];
  /** Definition name → names of its instances, for `needs` and `dependencies` on parallel jobs. */
  instancesOf: Map<string, string[]>;
}

export function expandJobs(jobs: readonly JobDefinition[]): ExpandedJobs {
  const byName = new Map<string, JobInstance>();
  const instancesOf = new Map<string, string[]>();
  for (const definition of jobs) {
    const instances = expandJob(definition);
    // Ruby hash semantics: re-assigning a key keeps its first position and takes the new value.
    for (const instance of instances) byName.set(instance.name, instance);
    if (definition.parallel !== null) instancesOf.set(definition.name, unique(instances.map((i) => i.name)));
  }
  const instances = [...byName.values()];
  instances.forEach((instance, order) => (instance.order = order));
  return { instances, instancesOf };
}

/** The concrete jobs of a configuration before selection, for glci explain to resolve a name asked for. */
export function concreteJobs(jobs: readonly JobDefinition[]): { name: string; definition: JobDefinition; matrix: Record<string, string> | null }[] {
  return expandJobs(jobs).instances.map(({ name, definition, matrix }) => ({ name, definition, matrix }));
}

function expandJob(definition: JobDefinition): JobInstance[] {
  const parallel = definition.parallel;
  if (parallel === null) {
    return [{ name: definition.name, definition, nodeIndex: undefined, nodeTotal: 1, matrix: null, order: 0 }];
  }
  if (parallel.kind === 'count') {
    const total = parallel.total;
    return Array.from({ length: total }, (_, i) => ({
      name: `${definition.name} ${i + 1}/${total}`,
      definition,
      nodeIndex: i + 1,
      nodeTotal: total,
      matrix: null,
      order: 0,
    }));
  }
  const combinations = matrixCombinations(parallel.matrix);
  return combinations.map((matrix, i) => ({
    name: matrixJobName(definition.name, matrix),
    definition,
    nodeIndex: i + 1,
    nodeTotal: combinations.length,
    matrix,
    order: 0,
  }));
}

/**
 * Each mapping expands to the Cartesian product of its value lists in key order (the first key varies
 * slowest); mappings are expanded in list order and concatenated.
 */
export function matrixCombinations(matrix: readonly MatrixSelector[]): Record<string, string>[] {
  const result: Record<string, string>[] = [];
  for (const mapping of matrix) {
    let combos: [string, string][][] = [[]];
    for (const [key, values] of Object.entries(mapping)) {
      combos = combos.flatMap((combo) => values.map((value): [string, string][] => [...combo, [key, value]]));
    }
    for (const combo of combos) if (combo.length > 0) result.push(Object.fromEntries(combo));
  }
  return result;
}

/** `<name>: [<v1>, <v2>, ...]`: the combination's values in key order, variable names left out. */
export function matrixJobName(baseName: string, combination: Record<string, string>): string {
  return `${baseName}: [${Object.values(combination).join(', ')}]`;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
