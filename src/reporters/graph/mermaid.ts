// A pipeline graph as a Mermaid flowchart (https://mermaid.js.org/syntax/flowchart.html): one subgraph per
// stage, dotted links between consecutive stages for stage order, solid links for `needs:`.
import type { PipelineGraph } from './graph-model.js';

/** Mermaid labels are double-quoted strings; quotes become its `#quot;` entity. */
function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

export function renderMermaid(graph: PipelineGraph): string {
  const ids = new Map<string, string>();
  const lines = ['flowchart LR'];
  graph.stages.forEach((stage, s) => {
    lines.push(`  subgraph s${s}[${label(stage.name)}]`);
    for (const job of stage.jobs) {
      const id = `j${ids.size}`;
      ids.set(job.name, id);
      lines.push(`    ${id}[${label(job.name)}]`);
    }
    lines.push('  end');
  });
  for (let s = 1; s < graph.stages.length; s++) lines.push(`  s${s - 1} -.->|stage order| s${s}`);
  for (const edge of graph.edges) {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    if (from && to) lines.push(`  ${from} --> ${to}`);
  }
  return `${lines.join('\n')}\n`;
}
