// A pipeline graph for the terminal: stages side by side as columns when they fit the width, one block
// per stage below each other otherwise; then stage order and the `needs:` edges as `a → b` lines.
import type { GraphJob, PipelineGraph } from './graph-model.js';

export interface TextGraphOptions {
  /** Columns available (default 80). */
  width?: number;
}

const GAP = '   ';
/** Names longer than this are cut in the column layout, so one long matrix name cannot force stacking. */
const MAX_CELL = 28;

function cell(job: GraphJob): string {
  const mark = job.waits === 'needs' ? ' ◂' : job.waits === 'nothing' ? ' ◦' : '';
  const text = `${job.name}${job.when === 'on_success' ? '' : ` (${job.when})`}`;
  const room = MAX_CELL - mark.length;
  return `${text.length > room ? `${text.slice(0, room - 1)}…` : text}${mark}`;
}

function columns(graph: PipelineGraph, width: number): string[] | null {
  const cols = graph.stages.map((s) => [s.name, '─'.repeat(Math.min(MAX_CELL, Math.max(s.name.length, 1))), ...s.jobs.map(cell)]);
  const widths = cols.map((c) => Math.min(MAX_CELL, Math.max(...c.map((t) => t.length))));
  if (widths.reduce((a, b) => a + b, 0) + GAP.length * (cols.length - 1) > width) return null;
  const rows = Math.max(...cols.map((c) => c.length));
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    lines.push(cols.map((c, i) => (c[r] ?? '').slice(0, MAX_CELL).padEnd(widths[i] ?? 0)).join(GAP).trimEnd());
  }
  return lines;
}

function blocks(graph: PipelineGraph): string[] {
  return graph.stages.flatMap((stage, i) => [...(i > 0 ? [''] : []), `${stage.name}`, ...stage.jobs.map((j) => `  ${cell(j)}`)]);
}

export function renderText(graph: PipelineGraph, options: TextGraphOptions = {}): string {
  if (graph.stages.length === 0) return 'No jobs.\n';
  const lines = columns(graph, options.width ?? 80) ?? blocks(graph);
  lines.push('', `Stage order: ${graph.stages.map((s) => s.name).join(' → ')}`, '  jobs without needs wait for every earlier stage; ◂ has needs, ◦ needs nothing');
  if (graph.edges.length > 0) {
    lines.push('', 'Needs:');
    for (const edge of graph.edges) lines.push(`  ${edge.from} → ${edge.to}`);
  }
  return `${lines.join('\n')}\n`;
}
