// The self-contained HTML page of `glci report`: the summary, the timeline (a Gantt of job attempts with
// the critical path) and every attempt's log with its sections folded as GitLab's log viewer folds them.
import type { JobResult } from '../../model/events.js';
import { formatDuration } from '../summary.js';
import { attemptAnchor, renderGantt } from './gantt-svg.js';
import { escapeHtml } from './html-text.js';
import { renderLogHtml } from './log-html.js';
import { PAGE_STYLE } from './page-style.js';
import { chunkTimes, type Timeline } from './timeline.js';

export interface ReportInput {
  /** The run, from `buildTimeline(records)`. */
  timeline: Timeline;
  /** Shown in the title: the pipeline id of the run. */
  pipelineId: string;
}

function status(value: string): string {
  return `<span class="status st-${escapeHtml(value)}">${escapeHtml(value)}</span>`;
}

function summaryTable(results: readonly JobResult[]): string {
  const rows = results.map((j) => {
    const notes = [j.failureReason, j.status === 'failed' && j.exitCode !== null ? `exit code ${j.exitCode}` : undefined, j.skipReason, j.attempts > 1 ? `${j.attempts} attempts` : undefined, j.allowedToFail && j.status === 'failed' ? 'allowed to fail' : undefined];
    const cells = [escapeHtml(j.name), escapeHtml(j.stage), status(j.status), j.attempts > 0 ? formatDuration(j.durationMs) : '-', escapeHtml(notes.filter(Boolean).join(', '))];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  return `<table class="summary"><thead><tr><th>Job</th><th>Stage</th><th>Status</th><th>Duration</th><th>Notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const LEGEND = [
  ['#2da44e', 'passed'], ['#cf222e', 'failed'], ['#bf8700', 'canceled'], ['#8250df', 'prepare executor'], ['#0969da', 'image pull'], ['#1b7c83', 'service start-up'],
].map(([colour, text]) => `<span><i style="background:${colour ?? ''}"></i>${text ?? ''}</span>`).join('') + '<span><i style="border:2.5px solid #000;box-sizing:border-box"></i>critical path</span>';

function logs(timeline: Timeline): string {
  return timeline.attempts
    .map((a, i) => {
      const log = renderLogHtml(a.chunks.map((c) => c.text).join(''), chunkTimes(a.chunks));
      return `<section class="job-log" id="${attemptAnchor(i)}"><h3>${escapeHtml(a.job)} · attempt ${a.attempt} · ${status(a.status)} · ${formatDuration(a.end - a.start)}</h3>${log}</section>`;
    })
    .join('\n');
}

/** Expand/collapse every log section at once; the page works without it. */
const SCRIPT = `document.querySelectorAll('button[data-fold]').forEach(function(b){b.addEventListener('click',function(){var open=b.dataset.fold==='open';document.querySelectorAll('details.section').forEach(function(d){d.open=open;});});});`;

export function renderReport(input: ReportInput): string {
  const { timeline } = input;
  const title = `Pipeline ${input.pipelineId}${timeline.name ? ` · ${timeline.name}` : ''}`;
  const pipelineStatus = timeline.pipeline ? status(timeline.pipeline.status) : status('running');
  const duration = formatDuration(timeline.pipeline?.durationMs ?? timeline.end - timeline.start);
  const critical = timeline.criticalPath.length > 0 ? `<p class="meta">Critical path: ${timeline.criticalPath.map(escapeHtml).join(' → ')}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${pipelineStatus} in ${duration} · started ${escapeHtml(new Date(timeline.start).toISOString())}${timeline.executor ? ` · ${escapeHtml(timeline.executor)}` : ''} · ${timeline.attempts.length} job attempts</p>
<h2>Summary</h2>
${summaryTable(timeline.results)}
<h2>Timeline</h2>
<div class="legend">${LEGEND}</div>
${critical}
<div class="chart">${renderGantt(timeline)}</div>
<h2>Logs</h2>
<p><button type="button" data-fold="open">Expand all</button> <button type="button" data-fold="close">Collapse all</button></p>
${logs(timeline)}
<script>${SCRIPT}</script>
</body></html>
`;
}
