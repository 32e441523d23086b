// Which concrete jobs `glci explain NAME` is about: the job of that exact name (`test 1/3`,
// `deploy: [aws, app1]`), else every instance of the parallel/matrix job defined under that name.
// An unknown name is a usage error that lists the closest names, so a typo is one look away.
import type { JobDefinition } from '../model/config.js';
import { editDistance } from '../config/compose/keys.js';
import { UsageError } from '../errors.js';

export interface ConcreteJob {
  name: string;
  definition: JobDefinition;
  matrix: Record<string, string> | null;
}

const MAX_SUGGESTIONS = 5;
const MAX_LISTED = 10;

export function resolveTargets(query: string, jobs: readonly ConcreteJob[]): ConcreteJob[] {
  const exact = jobs.filter((j) => j.name === query);
  if (exact.length > 0) return exact;
  const instances = jobs.filter((j) => j.definition.name === query);
  if (instances.length > 0) return instances;
  throw unknownJob(query, jobs);
}

function unknownJob(query: string, jobs: readonly ConcreteJob[]): UsageError {
  const names = [...new Set([...jobs.map((j) => j.definition.name), ...jobs.map((j) => j.name)])];
  if (names.length === 0) return new UsageError(`unknown job "${query}"`, 'the pipeline configuration defines no jobs');
  const close = closeNames(query, names);
  if (close.length > 0) return new UsageError(`unknown job "${query}"`, `did you mean ${close.map((n) => JSON.stringify(n)).join(', ')}?`);
  const listed = names.slice(0, MAX_LISTED).map((n) => JSON.stringify(n)).join(', ');
  const more = names.length > MAX_LISTED ? ` and ${names.length - MAX_LISTED} more (glci list --all)` : '';
  return new UsageError(`unknown job "${query}"`, `the jobs are ${listed}${more}`);
}

/**
 * Names within a typo's distance (about a third of the name's length, at least 2), and names that
 * contain the query or that it contains (case aside): `test` finds `unit-test`, `deploy-prod` finds `deploy`.
 */
export function closeNames(query: string, names: readonly string[]): string[] {
  const wanted = query.toLowerCase();
  const limit = Math.max(2, Math.floor(query.length / 3));
  const scored = names
    .map((name) => {
      const lower = name.toLowerCase();
      const contained = lower.includes(wanted) || (lower.length >= 3 && wanted.includes(lower));
      return { name, distance: contained ? 0 : editDistance(wanted, lower) };
    })
    .filter((s) => s.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.slice(0, MAX_SUGGESTIONS).map((s) => s.name);
}
