// Use case behind `glci list`: the jobs a pipeline for the current checkout would run, in stage order.
import type { AllowFailure, ConfigDiagnostic } from '../model/config.js';
import type { ExcludedJob, Plan } from '../model/plan.js';
import { planPipeline } from '../planner/index.js';
import { buildPipelineContext, type ContextOptions } from './pipeline-context.js';
import { loadProjectConfig } from './load-config.js';
import { maskingErrors } from './mask-errors.js';

export interface ListedJob {
  name: string;
  stage: string;
  when: string;
  allowFailure: AllowFailure;
  /** Concrete job names, or null when the job has no `needs:` (stage order). */
  needs: string[] | null;
  tags: string[];
  image: string | null;
  services: string[];
  resourceGroup: string | null;
  environment: string | null;
  trigger: boolean;
}

export interface ListResult {
  jobs: ListedJob[];
  excluded: ExcludedJob[];
  notCreatedReason: string | null;
  warnings: ConfigDiagnostic[];
}

export interface ListOptions extends ContextOptions {
  file: string;
}

export function toListedJobs(plan: Plan): ListedJob[] {
  return plan.jobs.map((job) => ({
    name: job.name,
    stage: job.stage,
    when: job.when,
    allowFailure: job.allowFailure,
    needs: job.needs === null ? null : job.needs.map((n) => n.job),
    tags: job.tags,
    image: job.image?.name ?? null,
    services: job.services.map((s) => s.name),
    resourceGroup: job.resourceGroup ?? null,
    environment: job.environment?.name ?? null,
    trigger: job.trigger !== undefined,
  }));
}

export async function listJobs(options: ListOptions): Promise<ListResult> {
  const ctx = await buildPipelineContext(options);
  return maskingErrors(ctx, async () => {
    const config = await loadProjectConfig(ctx, options.file);
    const plan = planPipeline(config, ctx);
    return {
      jobs: toListedJobs(plan),
      excluded: plan.excluded,
      notCreatedReason: plan.notCreatedReason ?? null,
      warnings: config.warnings,
    };
  });
}
