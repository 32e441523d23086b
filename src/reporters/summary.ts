// The end-of-run summary table of the plain reporter: job, stage, status, duration and why (skip reason,
// failure reason, retries), then the pipeline line.
import type { JobResult, PipelineResult } from '../model/events.js';

export interface Palette {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** Go-like short durations for humans: `850ms`, `4.2s`, `3m 05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

function statusText(job: JobResult): string {
  if (job.status === 'success') return 'passed';
  if (job.status === 'failed' && job.allowedToFail) return 'failed (allowed)';
  return job.status;
}

function colorStatus(job: JobResult, text: string, palette: Palette): string {
  if (job.status === 'success') return palette.green(text);
  if (job.status === 'failed') return job.allowedToFail ? palette.yellow(text) : palette.red(text);
  if (job.status === 'canceled' || job.status === 'manual') return palette.yellow(text);
  return palette.dim(text);
}

function notes(job: JobResult): string {
  const parts: string[] = [];
  if (job.failureReason) parts.push(job.failureReason);
  if (job.status === 'failed' && job.exitCode !== null) parts.push(`exit code ${job.exitCode}`);
  if (job.skipReason) parts.push(job.skipReason);
  if (job.attempts > 1) parts.push(`${job.attempts} attempts`);
  return parts.join(', ');
}

function pipelineText(result: PipelineResult): string {
  if (result.status === 'success') {
    return result.jobs.some((j) => j.status === 'failed' && j.allowedToFail) ? 'passed with warnings' : 'passed';
  }
  return result.status === 'manual' ? 'blocked (manual)' : result.status;
}

/** The summary as lines; padding is computed on the uncoloured text so colour never breaks alignment. */
export function renderSummary(result: PipelineResult, palette: Palette): string[] {
  const header = ['Job', 'Stage', 'Status', 'Duration', 'Notes'];
  const rows = result.jobs.map((job) => [
    job.name,
    job.stage,
    statusText(job),
    job.attempts > 0 ? formatDuration(job.durationMs) : '-',
    notes(job),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[], color: (cell: string, i: number) => string) =>
    cells
      .map((cell, i) => color(cell.padEnd(widths[i] ?? 0), i))
      .join('  ')
      .trimEnd();
  const lines = [line(header, (c) => palette.bold(c))];
  result.jobs.forEach((job, index) => {
    lines.push(line(rows[index] ?? [], (cell, i) => (i === 2 ? colorStatus(job, cell, palette) : cell)));
  });
  const status = pipelineText(result);
  const paint = result.status === 'success' ? palette.green : result.status === 'failed' ? palette.red : palette.yellow;
  lines.push('', `Pipeline ${paint(status)} in ${formatDuration(result.durationMs)}`);
  return lines;
}
