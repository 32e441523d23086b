// `rules:changes:compare_to` diffs for the planner, which does no git (planner/compare-to.ts): the refs
// written literally in the configuration are diffed before planning; a ref that variables spell is
// diffed when the planner asks for it, and the plan is made again (each ref at most once).
import type { PipelineConfig } from '../model/config.js';
import type { PipelineContext } from '../model/plan.js';
import { MissingComparison, compareToRefs } from '../planner/index.js';
import { diffNames, mergeBase, resolveCommit } from '../platform/git-diff.js';

type Diffs = Record<string, readonly string[] | null>;

/** GitLab's `modified_paths_since`: the files changed from the ref's merge base with the pipeline commit; null: no such ref. */
async function compareDiff(ctx: PipelineContext, ref: string): Promise<readonly string[] | null> {
  const sha = await resolveCommit(ctx.projectDir, ref);
  if (sha === null) return null;
  const base = (await mergeBase(ctx.projectDir, sha, ctx.git.sha)) ?? sha;
  return diffNames(ctx.projectDir, base, ctx.git.sha);
}

async function withDiffs(ctx: PipelineContext, refs: readonly string[]): Promise<PipelineContext> {
  const missing = refs.filter((ref) => ctx.compareDiffs?.[ref] === undefined);
  // An object, even empty, tells the planner the diffs were prepared (so it asks for missing refs).
  if (missing.length === 0) return ctx.compareDiffs ? ctx : { ...ctx, compareDiffs: {} };
  const diffs: Diffs = { ...ctx.compareDiffs };
  await Promise.all(missing.map(async (ref) => (diffs[ref] = await compareDiff(ctx, ref))));
  return { ...ctx, compareDiffs: diffs };
}

/**
 * Runs `plan` (planPipeline, or glci explain's traced planning) with every compare_to diff it needs;
 * returns its result and the context that holds the diffs.
 */
export async function planWithComparisons<T>(
  config: PipelineConfig,
  ctx: PipelineContext,
  plan: (ctx: PipelineContext) => T,
): Promise<{ result: T; ctx: PipelineContext }> {
  const literal = compareToRefs(config).filter((ref) => !/[$%]/.test(ref));
  let current = await withDiffs(ctx, literal);
  for (;;) {
    try {
      return { result: plan(current), ctx: current };
    } catch (error) {
      if (!(error instanceof MissingComparison)) throw error;
      current = await withDiffs(current, [error.ref]);
    }
  }
}
