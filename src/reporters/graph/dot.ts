// A pipeline graph in Graphviz DOT (https://graphviz.org/doc/info/lang.html): one cluster per stage,
// dashed cluster-to-cluster edges for stage order (compound=true), solid edges for `needs:`.
import type { PipelineGraph } from './graph-model.js';

/** DOT double-quoted IDs escape only `"` (and the backslash that would escape it). */
function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function renderDot(graph: PipelineGraph): string {
  const lines = ['digraph pipeline {', '  rankdir=LR;', '  compound=true;', '  node [shape=box, style=rounded];'];
  graph.stages.forEach((stage, s) => {
    lines.push(`  subgraph cluster_${s} {`, `    label=${quoted(stage.name)};`);
    for (const job of stage.jobs) lines.push(`    ${quoted(job.name)};`);
    lines.push('  }');
  });
  // Clusters cannot be edge ends in DOT: an edge between their first jobs, clipped at the cluster borders.
  for (let s = 1; s < graph.stages.length; s++) {
    const from = graph.stages[s - 1]?.jobs[0]?.name ?? '';
    const to = graph.stages[s]?.jobs[0]?.name ?? '';
    lines.push(`  ${quoted(from)} -> ${quoted(to)} [ltail=cluster_${s - 1}, lhead=cluster_${s}, style=dashed, label="stage order"];`);
  }
  for (const edge of graph.edges) lines.push(`  ${quoted(edge.from)} -> ${quoted(edge.to)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
