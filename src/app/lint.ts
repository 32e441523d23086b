// Use case behind `glci lint`: validate the configuration (all problems, with locations) and
// optionally give the fully merged configuration.
import type { ConfigDiagnostic, MergedConfig } from '../model/config.js';
import { buildPipelineContext, type ContextOptions } from './pipeline-context.js';
import { loadProjectConfig } from './load-config.js';
import { maskingErrors } from './mask-errors.js';

export { formatMergedYaml } from '../config/merged-yaml.js';

export interface LintResult {
  valid: true;
  files: string[];
  warnings: ConfigDiagnostic[];
  merged: MergedConfig;
}

export interface LintOptions extends ContextOptions {
  file: string;
  /** `--offline`: includes only from the include cache. */
  offline?: boolean;
}

/** Throws ConfigError (every problem found) when the configuration is invalid. */
export async function lintPipeline(options: LintOptions): Promise<LintResult> {
  const ctx = await buildPipelineContext(options);
  return maskingErrors(ctx, async () => {
    const config = await loadProjectConfig(ctx, options.file, { offline: options.offline === true });
    return { valid: true, files: config.files, warnings: config.warnings, merged: config.merged };
  });
}
