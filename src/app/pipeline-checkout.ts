// The pipeline's checkout as every shell job copies it, found once per run rather than once per job:
// every job of a pipeline runs the same commit and, locally, the same working tree. The files are the
// ones the pipeline's context listed when the pipeline was created (rules:exists saw the same list);
// the jobs' repository template (platform/job-repository.ts) is read in the background from the moment
// a shell job is known to come, so the first jobs do not wait for its git processes.
import type { PipelineCheckout } from '../executors/shell/shell-executor.js';
import { timeStep } from '../log/step-timings.js';
import type { PipelineContext } from '../model/plan.js';
import { type JobRepositoryTemplate, readJobRepositoryTemplate } from '../platform/job-repository.js';

export interface StartableCheckout extends PipelineCheckout {
  /** Starts reading the repository template now (once; a no-op after that). */
  start(): void;
}

export function pipelineCheckout(ctx: PipelineContext): StartableCheckout {
  let template: Promise<JobRepositoryTemplate | null> | undefined;
  const repository = (): Promise<JobRepositoryTemplate | null> => {
    if (!template) {
      const reading = timeStep('-', 'repository-template', () => readJobRepositoryTemplate(ctx.projectDir));
      template = reading;
      // A failure fails the job that waited for it; the next job tries again.
      reading.catch(() => {
        if (template === reading) template = undefined;
      });
    }
    return template;
  };
  return {
    sourceDir: ctx.projectDir,
    files: ctx.files,
    repository,
    start: () => void repository().catch(() => undefined),
  };
}
