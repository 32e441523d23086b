// What one cycle of `glci run --watch` runs, and the line that says so. The plan itself comes from the
// planner with the cycle's changed files, so `rules:changes` decides as on a GitLab push.
import type { Plan } from '../model/plan.js';
import { selectJobs } from './select-jobs.js';

const MAX_LISTED = 5;

/**
 * Like `selectJobs`, except that a named job this cycle's rules leave out (its `rules:changes` did not
 * match) is skipped instead of being an error; a name no job has is still one. Null: nothing to run.
 */
export function selectForCycle(planned: Plan, names: readonly string[], withNeeds: boolean): { plan: Plan; played: string[] } | null {
  if (names.length === 0) return planned.jobs.length === 0 ? null : { plan: planned, played: [] };
  const excluded = new Set(planned.excluded.map((e) => e.name));
  const inPlan = (name: string) => planned.jobs.some((j) => j.name === name || j.baseName === name);
  const kept = names.filter((name) => inPlan(name) || !excluded.has(name));
  if (kept.length === 0) return null;
  return selectJobs(planned, { names: kept, withNeeds });
}

function listed(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ');
  return items.length > MAX_LISTED ? `${shown} and ${items.length - MAX_LISTED} more` : shown;
}

/** `watch: changed a.txt, b.txt` (the first five paths and how many more). */
export function describeChanges(changed: readonly string[]): string {
  return `watch: changed ${listed(changed)}`;
}

/** One line per cycle: why it runs (`changed` undefined: the first run) and which jobs. */
export function describeCycle(changed: readonly string[] | undefined, jobs: readonly string[]): string {
  const why = changed === undefined ? 'watch: first run' : describeChanges(changed);
  const what = jobs.length === 0 ? 'no job to run' : `running ${listed(jobs)}`;
  return `${why}; ${what}`;
}
