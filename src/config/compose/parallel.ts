// `parallel: N` and `parallel:matrix` (also the `matrix` of `needs:parallel`).
// https://docs.gitlab.com/ci/yaml/#parallel — spec §5.11 (entry/product/{parallel,matrix,variables}.rb).
import type { MatrixSelector, ParallelDefinition } from '../../model/config.js';
import { checkAllowedKeys } from './keys.js';
import { isInteger, isMapping } from './shapes.js';
import { scalarString } from './scalars.js';
import type { Site } from './site.js';

export const MAX_PARALLEL = 200;
const PARALLEL_KEYS: ReadonlySet<string> = new Set(['matrix']);

/** `parallel:` of a job (`allowNumber` false for trigger jobs, which only accept a matrix). */
export function parseParallel(site: Site, allowNumber: boolean): ParallelDefinition | null {
  const raw = site.value;
  if (isInteger(raw)) {
    if (!allowNumber) {
      site.config('cannot use "parallel: <number>".', 'trigger jobs accept only parallel:matrix');
      return null;
    }
    if (raw < 1) site.config('must be greater than or equal to 1');
    else if (raw > MAX_PARALLEL) site.config(`must be less than or equal to ${MAX_PARALLEL}`);
    else return { kind: 'count', total: raw };
    return null;
  }
  if (!isMapping(raw)) {
    site.problems.error(`${site.path} should be an integer or a hash`.toLowerCase(), site.location());
    return null;
  }
  if (!checkAllowedKeys(site, raw, PARALLEL_KEYS)) return null;
  const matrix = parseMatrix(site.at('matrix'));
  if (matrix === null) return null;
  if (matrixSize(matrix) > MAX_PARALLEL) {
    site.at('matrix').config(`generates too many jobs (maximum is ${MAX_PARALLEL})`);
    return null;
  }
  return { kind: 'matrix', matrix };
}

/** A list of `{VAR: value | [values]}` mappings; null (reported) when malformed. */
export function parseMatrix(site: Site): MatrixSelector[] | null {
  if (!Array.isArray(site.value) || !site.value.every(isMapping)) {
    site.config('should be an array of hashes', Array.isArray(site.value) ? 'a nested list (from !reference) is not flattened here' : undefined);
    return null;
  }
  const out: MatrixSelector[] = [];
  let ok = true;
  site.value.forEach((raw, index) => {
    const selector = parseSelector(site.item(index, raw, 'variables'), raw as Record<string, unknown>);
    if (selector) out.push(selector);
    else ok = false;
  });
  return ok ? out : null;
}

function parseSelector(site: Site, raw: Record<string, unknown>): MatrixSelector | null {
  const names = Object.keys(raw);
  if (names.length === 0) {
    site.config("can't be blank");
    return null;
  }
  const selector: MatrixSelector = {};
  for (const name of names) {
    const value = raw[name];
    const values = Array.isArray(value)
      ? value.map((_, i) => scalarString(site, value, i))
      : [scalarString(site, raw, name)];
    if (values.length === 0 || values.some((v) => v === null)) {
      site.config('should be a hash of key value pairs, value can be an array');
      return null;
    }
    selector[name] = values as string[];
  }
  return selector;
}

/** Number of jobs a matrix generates: the sum over its mappings of the product of value counts. */
export function matrixSize(matrix: readonly MatrixSelector[]): number {
  let total = 0;
  for (const selector of matrix) {
    let product = 1;
    for (const values of Object.values(selector)) product *= values.length;
    total += product;
  }
  return total;
}

/**
 * Names GitLab gives the jobs generated from `name`: `name i/N` for `parallel: N`, and
 * `name: [v1, v2]` (values in key order) for a matrix. Spec §5.11.
 */
export function parallelJobNames(name: string, parallel: ParallelDefinition): string[] {
  if (parallel.kind === 'count') {
    return Array.from({ length: parallel.total }, (_, i) => `${name} ${i + 1}/${parallel.total}`);
  }
  const names: string[] = [];
  for (const selector of parallel.matrix) {
    for (const combination of cartesian(Object.values(selector))) names.push(`${name}: [${combination.join(', ')}]`);
  }
  return names;
}

function cartesian(lists: readonly string[][]): string[][] {
  let out: string[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((value) => [...prefix, value]));
  return out;
}
