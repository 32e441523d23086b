// `glci run JOB...`: narrows a plan to the named jobs (and, with --needs, what they need, transitively).
// Names are GitLab's concrete names (`test 1/3`, `deploy: [aws, app1]`); a definition's base name
// selects all its parallel instances.
import type { Plan, PlannedJob } from '../model/plan.js';
import { UsageError } from '../errors.js';

export interface Selection {
  names: readonly string[];
  withNeeds: boolean;
}

function resolveNames(plan: Plan, names: readonly string[]): Set<string> {
  const selected = new Set<string>();
  for (const name of names) {
    const matches = plan.jobs.filter((j) => j.name === name || j.baseName === name);
    if (matches.length === 0) {
      const excluded = plan.excluded.find((e) => e.name === name);
      if (excluded) throw new UsageError(`job "${name}" is not in this pipeline: ${excluded.reason}`);
      const known = plan.jobs.map((j) => j.name).join(', ');
      throw new UsageError(`no job named "${name}"`, known ? `jobs in this pipeline: ${known}` : undefined);
    }
    for (const job of matches) selected.add(job.name);
  }
  return selected;
}

function addNeedsTransitively(plan: Plan, selected: Set<string>): void {
  const byName = new Map(plan.jobs.map((j) => [j.name, j]));
  const queue = [...selected];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    for (const need of byName.get(name)?.needs ?? []) {
      if (!selected.has(need.job)) {
        selected.add(need.job);
        queue.push(need.job);
      }
    }
  }
}

/**
 * Jobs not selected are dropped; so are needs and artifact sources pointing at them, so a selected job
 * starts at once instead of waiting for a job that will not run. Named manual jobs are played.
 */
export function selectJobs(plan: Plan, selection: Selection): { plan: Plan; played: string[] } {
  if (selection.names.length === 0) return { plan, played: [] };
  const named = resolveNames(plan, selection.names);
  const selected = new Set(named);
  if (selection.withNeeds) addNeedsTransitively(plan, selected);
  const keep = (job: PlannedJob): PlannedJob => ({
    ...job,
    needs: job.needs === null ? null : job.needs.filter((n) => selected.has(n.job)),
    artifactSources: job.artifactSources.filter((s) => selected.has(s)),
  });
  const jobs = plan.jobs.filter((j) => selected.has(j.name)).map(keep);
  const stages = plan.stages.filter((s) => jobs.some((j) => j.stage === s));
  return { plan: { ...plan, jobs, stages }, played: [...named] };
}
