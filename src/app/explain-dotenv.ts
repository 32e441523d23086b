// The dotenv sources of a job, for `glci explain`: the jobs it receives artifacts from that declare
// `artifacts:reports:dotenv`. Their values only exist once they run; what the last local run's
// reports held (keys only) is read from the artifact store, to say which keys could come from there.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DotenvSourceExplanation } from '../model/explanation.js';
import type { Plan, PlannedJob } from '../model/plan.js';
import { readArtifactsMetadata } from '../artifacts/artifact-store.js';

export async function dotenvSources(job: PlannedJob, plan: Plan, stateDir: string): Promise<DotenvSourceExplanation[]> {
  const declaring = job.artifactSources.filter((name) => plan.jobs.find((j) => j.name === name)?.artifacts?.reports.dotenv !== undefined);
  if (declaring.length === 0) return [];
  const runs = await localRuns(stateDir);
  return Promise.all(declaring.map((name) => lastReport(name, runs, stateDir)));
}

/** Local pipeline ids are the run's start time in seconds: newest first. */
async function localRuns(stateDir: string): Promise<number[]> {
  const ids = await readdir(join(stateDir, 'pipelines')).catch(() => [] as string[]);
  return ids.filter((id) => /^\d+$/.test(id)).map(Number).sort((a, b) => b - a);
}

async function lastReport(job: string, runs: readonly number[], stateDir: string): Promise<DotenvSourceExplanation> {
  for (const pipelineId of runs) {
    const metadata = await readArtifactsMetadata({ stateDir, pipelineId }, job);
    if (metadata === null || metadata.reports.dotenv === undefined) continue;
    return { job, keys: metadata.dotenv.variables.map((v) => v.key), pipelineId };
  }
  return { job, keys: null, pipelineId: null };
}
