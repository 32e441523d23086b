// `stages`: default list, nested lists flattened, `.pre`/`.post` forced to the edges.
// https://docs.gitlab.com/ci/yaml/#stages — spec §2.2 (edge_stages_injector.rb, entry/stages.rb).
import { flattenNested, isString } from './shapes.js';
import type { Site } from './site.js';

export const PRE_STAGE = '.pre';
export const POST_STAGE = '.post';
export const DEFAULT_STAGES: readonly string[] = [PRE_STAGE, 'build', 'test', 'deploy', POST_STAGE];
/** A job without `stage` runs in `test`. */
export const DEFAULT_JOB_STAGE = 'test';

/** The pipeline's stages, `.pre` first and `.post` last; the default list when absent or invalid. */
export function parseStages(site: Site): string[] {
  if (site.value === undefined || site.value === null) return [...DEFAULT_STAGES];
  const flat = flattenNested(site.value, isString);
  if (flat === null) {
    site.config('should be an array of strings or a nested array of strings up to 10 levels deep');
    return [...DEFAULT_STAGES];
  }
  const seen = new Set<string>([PRE_STAGE, POST_STAGE]);
  const stages = [PRE_STAGE];
  for (const stage of flat) {
    if (seen.has(stage)) continue;
    seen.add(stage);
    stages.push(stage);
  }
  stages.push(POST_STAGE);
  return stages;
}
