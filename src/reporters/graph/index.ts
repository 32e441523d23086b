// Pictures of a planned pipeline (`glci graph`): pure renderers from a Plan to Mermaid, DOT or terminal text.
import type { Plan } from '../../model/plan.js';
import { renderDot } from './dot.js';
import { graphOf } from './graph-model.js';
import { renderMermaid } from './mermaid.js';
import { renderText } from './text.js';

export { graphOf, type GraphJob, type GraphStage, type PipelineGraph } from './graph-model.js';
export { renderDot } from './dot.js';
export { renderMermaid } from './mermaid.js';
export { renderText, type TextGraphOptions } from './text.js';

export type GraphFormat = 'mermaid' | 'dot' | 'text';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['mermaid', 'dot', 'text'];

export function renderGraph(plan: Plan, format: GraphFormat, width?: number): string {
  const graph = graphOf(plan);
  if (format === 'mermaid') return renderMermaid(graph);
  if (format === 'dot') return renderDot(graph);
  return renderText(graph, width === undefined ? {} : { width });
}
