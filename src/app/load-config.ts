// Reads and resolves the pipeline configuration of a project with the real file/git/https reader.
import type { PipelineConfig } from '../model/config.js';
import type { PipelineContext } from '../model/plan.js';
import { loadPipelineConfig } from '../config/index.js';
import { createFileSourceReader } from '../platform/source-reader.js';
import { predefinedVariables } from '../variables/index.js';

/**
 * Variables visible to `include:` (GitLab §4.3): predefined project/pipeline variables and the
 * user's variables ("project variables" slot); never YAML variables.
 */
export function includeVariables(ctx: PipelineContext): Record<string, string> {
  const vars: Record<string, string> = { ...predefinedVariables(ctx) };
  for (const [key, v] of Object.entries(ctx.userVariables)) vars[key] = v.value;
  return vars;
}

export async function loadProjectConfig(ctx: PipelineContext, file: string): Promise<PipelineConfig> {
  const reader = createFileSourceReader({
    projectDir: ctx.projectDir,
    ...(process.env.GLCI_GITLAB_URL ? { gitlabUrl: process.env.GLCI_GITLAB_URL } : {}),
    ...(process.env.GLCI_GITLAB_TOKEN ? { gitlabToken: process.env.GLCI_GITLAB_TOKEN } : {}),
  });
  return loadPipelineConfig({ projectDir: ctx.projectDir, file, reader, variables: includeVariables(ctx) });
}
