// Use case behind `glci list`: the jobs a pipeline for the current checkout would run, in stage order.
import type { AllowFailure, ConfigDiagnostic } from '../model/config.js';
import type { ExcludedJob, Plan } from '../model/plan.js';
import { planPipeline } from '../planner/index.js';
import { MASKED } from '../variables/index.js';
import { planWithComparisons } from './compare-diffs.js';
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
  /** With `--show-variables`: the job's variables as planned (predefined, YAML, user; masked ones hidden), unexpanded. */
  variables?: Record<string, string>;
}

export interface ListResult {
  jobs: ListedJob[];
  excluded: ExcludedJob[];
  notCreatedReason: string | null;
  warnings: ConfigDiagnostic[];
}

export interface ListOptions extends ContextOptions {
  file: string;
  /** Include each job's variables (`glci list --show-variables`). */
  showVariables?: boolean;
  /** `--offline`: includes only from the include cache. */
  offline?: boolean;
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
    const config = await loadProjectConfig(ctx, options.file, { offline: options.offline === true });
    const { result: plan } = await planWithComparisons(config, ctx, (c) => planPipeline(config, c));
    const jobs = toListedJobs(plan);
    if (options.showVariables) {
      plan.jobs.forEach((job, i) => {
        jobs[i]!.variables = Object.fromEntries(job.variables.map((v) => [v.key, v.masked ? MASKED : v.value]));
      });
    }
    return {
      jobs,
      excluded: plan.excluded,
      notCreatedReason: plan.notCreatedReason ?? null,
      warnings: config.warnings,
    };
  });
}
