// Reads and resolves the pipeline configuration of a project with the real reader (files, git,
// the GitLab API and HTTPS through the include cache).
import type { PipelineConfig } from '../model/config.js';
import type { PipelineContext } from '../model/plan.js';
import { loadPipelineConfig } from '../config/index.js';
import { pipelineChangedFiles } from '../planner/index.js';
import { createFileSourceReader } from '../platform/source-reader.js';
import { predefinedVariables } from '../variables/index.js';
import { includeReaderOptions, type IncludeOptions } from './include-sources.js';

export type { IncludeOptions } from './include-sources.js';

/**
 * Variables visible to `include:` (GitLab §4.3): predefined project/pipeline variables and the
 * user's variables ("project variables" slot); never YAML variables.
 */
export function includeVariables(ctx: PipelineContext): Record<string, string> {
  const vars: Record<string, string> = { ...predefinedVariables(ctx) };
  for (const [key, v] of Object.entries(ctx.userVariables)) vars[key] = v.value;
  return vars;
}

/** `include` has the GitLab instance, the include cache and `--offline` (app/include-sources.ts). */
export async function loadProjectConfig(ctx: PipelineContext, file: string, include: IncludeOptions = {}): Promise<PipelineConfig> {
  const reader = createFileSourceReader(includeReaderOptions(ctx.projectDir, include, process.env));
  // include:rules:changes sees the same diff as job rules (none for tags, schedules, web pipelines, ...).
  const changed = pipelineChangedFiles(ctx);
  return loadPipelineConfig({ projectDir: ctx.projectDir, file, reader, variables: includeVariables(ctx), ...(changed ? { changedPaths: changed } : {}) });
}
