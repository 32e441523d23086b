// One run of the `glci run --watch` loop, as run-pipeline sees it. Its own file so run-pipeline.ts and
// watch-pipeline.ts (which calls run-pipeline) share the type without an import cycle.
import type { PipelineContext, Plan } from '../model/plan.js';

export interface RunCycle {
  /** Adjusts the context built from the checkout: the cycle's changed files and pipeline id. */
  context(ctx: PipelineContext): PipelineContext;
  /** Narrows the plan in place of `selectJobs`; null when no job runs in this cycle. */
  select(planned: Plan): { plan: Plan; played: string[] } | null;
  /** Stops this run gracefully; the loop owns Ctrl-C, so run-pipeline installs no handler of its own. */
  signal: AbortSignal;
  /** Stops it at once (a second Ctrl-C). */
  forceSignal: AbortSignal;
}
