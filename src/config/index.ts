// Public entry of config/: YAML text → PipelineConfig. Resolution (load, include, extends,
// !reference) gives one merged raw mapping; composition validates it and builds the typed model.
import type { PipelineConfig } from '../model/config.js';
import { composePipelineConfig } from './compose/index.js';
import { resolveRawConfig, type ResolveOptions } from './resolve.js';

export { composePipelineConfig } from './compose/index.js';
export { parallelJobNames, parseDuration } from './compose/index.js';
export { DEFAULT_CONFIG_FILE, resolveRawConfig, type ResolveOptions } from './resolve.js';
export type { LocationIndex, RawMapping, ResolvedRawConfig } from './raw.js';

/** Reads, resolves and composes the pipeline configuration; throws ConfigError with every problem. */
export async function loadPipelineConfig(options: ResolveOptions): Promise<PipelineConfig> {
  return composePipelineConfig(await resolveRawConfig(options));
}
