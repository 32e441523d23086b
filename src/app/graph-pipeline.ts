// Use case behind `glci graph`: the planned pipeline for the current checkout as a picture (Mermaid, DOT
// or terminal text), plus the same graph as data for `--json`.
import type { ConfigDiagnostic } from '../model/config.js';
import { planPipeline } from '../planner/index.js';
import { graphOf, renderGraph, type GraphFormat, type PipelineGraph } from '../reporters/graph/index.js';
import { planWithComparisons } from './compare-diffs.js';
import { buildPipelineContext, type ContextOptions } from './pipeline-context.js';
import { loadProjectConfig } from './load-config.js';
import { maskingErrors } from './mask-errors.js';

export type { GraphFormat, PipelineGraph };

export interface GraphOptions extends ContextOptions {
  file: string;
  format: GraphFormat;
  /** Terminal width for the `text` format. */
  width?: number;
  /** `--offline`: includes only from the include cache. */
  offline?: boolean;
}

export interface GraphResult {
  graph: PipelineGraph;
  /** The drawing in the requested format. */
  rendered: string;
  notCreatedReason: string | null;
  warnings: ConfigDiagnostic[];
}

export async function graphPipeline(options: GraphOptions): Promise<GraphResult> {
  const ctx = await buildPipelineContext(options);
  return maskingErrors(ctx, async () => {
    const config = await loadProjectConfig(ctx, options.file, { offline: options.offline === true });
    const { result: plan } = await planWithComparisons(config, ctx, (c) => planPipeline(config, c));
    return {
      graph: graphOf(plan),
      rendered: renderGraph(plan, options.format, options.width),
      notCreatedReason: plan.notCreatedReason ?? null,
      warnings: config.warnings,
    };
  });
}
