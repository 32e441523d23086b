// The picture of a planned pipeline shared by every graph format: stages in order with their jobs, and
// one edge per `needs:` entry. Jobs without `needs:` wait for every job of the earlier stages
// (https://docs.gitlab.com/ci/yaml/#stages); that is drawn once as stage order, never as N×M edges.
import type { Plan } from '../../model/plan.js';

export interface GraphJob {
  name: string;
  /** How the job waits: stage order (no `needs:`), its needs, or nothing (`needs: []`). */
  waits: 'stage' | 'needs' | 'nothing';
  when: string;
}

export interface GraphStage {
  name: string;
  jobs: GraphJob[];
}

export interface PipelineGraph {
  stages: GraphStage[];
  /** `from` must finish (or be skipped) before `to` starts. */
  edges: { from: string; to: string }[];
}

export function graphOf(plan: Plan): PipelineGraph {
  const stages = plan.stages.map((name) => ({ name, jobs: [] as GraphJob[] }));
  const byName = new Map(stages.map((s) => [s.name, s]));
  const edges: PipelineGraph['edges'] = [];
  for (const job of plan.jobs) {
    const waits = job.needs === null ? 'stage' : job.needs.length === 0 ? 'nothing' : 'needs';
    byName.get(job.stage)?.jobs.push({ name: job.name, waits, when: job.when });
    for (const need of job.needs ?? []) edges.push({ from: need.job, to: job.name });
  }
  return { stages: stages.filter((s) => s.jobs.length > 0), edges };
}
