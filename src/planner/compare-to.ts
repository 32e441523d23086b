// `rules:changes:compare_to` (spec §5.14): the diff between a ref's merge base with the pipeline commit
// and that commit. The planner does no git, so app/ computes the diffs into `ctx.compareDiffs` before
// planning: every literal ref of the configuration up front, and a ref that only variable expansion
// reveals when the planner asks for it with MissingComparison (app/ then plans again).
import { ConfigError } from '../errors.js';
import type { PipelineConfig } from '../model/config.js';
import type { PipelineContext } from '../model/plan.js';

/** Thrown while planning when `ref` has no entry in `ctx.compareDiffs`; never reaches the user. */
export class MissingComparison extends Error {
  constructor(readonly ref: string) {
    super(`rules:changes:compare_to ${ref} was not computed before planning`);
    this.name = 'MissingComparison';
  }
}

/** Every `compare_to` as written in workflow and job rules (variables not expanded), once each. */
export function compareToRefs(config: PipelineConfig): string[] {
  const refs = new Set<string>();
  for (const rule of config.workflow?.rules ?? []) if (rule.changes?.compareTo !== undefined) refs.add(rule.changes.compareTo);
  for (const job of config.jobs) {
    for (const rule of job.rules ?? []) if (rule.changes?.compareTo !== undefined) refs.add(rule.changes.compareTo);
  }
  return [...refs];
}

/**
 * The files changed since `ref` for the rules of `name` (a job, or `workflow`). An unknown ref fails
 * pipeline creation as on GitLab, which reports it as a rule parse error of the job. A context built
 * without diffs (no `compareDiffs`: callers that plan directly) falls back to the pipeline's own diff.
 */
export function comparedFiles(ctx: PipelineContext, name: string, fallback: readonly string[] | null): (ref: string) => readonly string[] | null {
  return (ref) => {
    if (ctx.compareDiffs === undefined) return fallback;
    const files = ctx.compareDiffs[ref];
    if (files === undefined) throw new MissingComparison(ref);
    if (files === null) throw ConfigError.at(null, `Failed to parse rule for ${name}: rules:changes:compare_to is not a valid ref`);
    return files;
  };
}
