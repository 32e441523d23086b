// The timeline as an inline SVG Gantt chart: one row and one `rect.bar` per job attempt, coloured by
// status, executor phases drawn over the bar's lower half, the critical path outlined. Each bar links to
// its log further down the page.
import { formatDuration } from '../summary.js';
import { escapeHtml } from './html-text.js';
import type { Attempt, Timeline } from './timeline.js';

const WIDTH = 1100;
const LABEL = 240;
const ROW = 24;
const TOP = 28;

/** The anchor of an attempt's log on the page. */
export function attemptAnchor(index: number): string {
  return `log-${index + 1}`;
}

/** Tick spacing giving at most ~10 ticks: 1, 2 or 5 times a power of ten milliseconds. */
function tickStep(span: number): number {
  const raw = Math.max(span / 10, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
}

function bar(a: Attempt, index: number, x: (t: number) => number, critical: boolean): string {
  const y = TOP + index * ROW;
  const left = x(a.start);
  const width = Math.max(x(a.end) - left, 2);
  const title = `${a.job} #${a.attempt}: ${a.status}, ${formatDuration(a.end - a.start)}`;
  const segments = a.segments.map((s) => {
    const sx = x(s.start);
    const w = Math.max(x(s.end) - sx, 2);
    return `<rect class="segment seg-${s.kind}" x="${sx.toFixed(1)}" y="${y + 12}" width="${w.toFixed(1)}" height="7"><title>${escapeHtml(`${s.label}: ${formatDuration(s.end - s.start)}`)}</title></rect>`;
  });
  const label = `${a.job}${a.attempt > 1 ? ` #${a.attempt}` : ''}`;
  return [
    `<a href="#${attemptAnchor(index)}">`,
    `<text class="label${critical ? ' critical' : ''}" x="${LABEL - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(label.length > 34 ? `${label.slice(0, 33)}…` : label)}</text>`,
    `<rect class="bar status-${escapeHtml(a.status)}${critical ? ' critical' : ''}" data-job="${escapeHtml(a.job)}" data-attempt="${a.attempt}" x="${left.toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="16" rx="3"><title>${escapeHtml(title)}</title></rect>`,
    ...segments,
    '</a>',
  ].join('');
}

export function renderGantt(timeline: Timeline): string {
  const span = Math.max(timeline.end - timeline.start, 1);
  const x = (t: number) => LABEL + ((t - timeline.start) / span) * (WIDTH - LABEL - 16);
  const height = TOP + timeline.attempts.length * ROW + 8;
  const step = tickStep(span);
  const ticks: string[] = [];
  for (let t = 0; t <= span; t += step) {
    const tx = x(timeline.start + t).toFixed(1);
    ticks.push(`<line class="tick" x1="${tx}" x2="${tx}" y1="${TOP - 6}" y2="${height}"/><text class="tick-label" x="${tx}" y="${TOP - 10}" text-anchor="middle">${formatDuration(t)}</text>`);
  }
  const critical = new Set(timeline.criticalPath);
  const lastOf = new Map(timeline.attempts.map((a, i) => [a.job, i]));
  const bars = timeline.attempts.map((a, i) => bar(a, i, x, critical.has(a.job) && lastOf.get(a.job) === i));
  return `<svg class="gantt" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Timeline of the jobs">${ticks.join('')}${bars.join('')}</svg>`;
}
