// The live (redrawn) part of the view as rows of text, computed in plain TypeScript so its height is
// known: it must stay below the terminal's height, or ink clears the whole screen (scrollback too) on
// every frame. Finished jobs are not here: they went to the scrollback (`<Static>`).
import { type LiveJob, type LiveState } from './state.js';
import { LOG_TAIL_CHARS, tailLines } from './log-tail.js';
import { type Tone, describeJob } from './status.js';

export interface Row {
  key: string;
  text: string;
  tone: Tone;
  bold?: boolean;
}

/** Which job the cursor is on, and whose full log is shown. */
export interface UiState {
  selected?: string;
  following?: string;
}

export type KeyAction = 'up' | 'down' | 'enter' | 'escape';

/** Unfinished jobs, stage by stage: the ones the live area lists and ↑/↓ move between. */
export function liveJobs(state: LiveState): LiveJob[] {
  const jobs = state.order.flatMap((name) => state.jobs[name] ?? []).filter((job) => job.phase !== 'ended');
  return jobs.sort((a, b) => a.stageIndex - b.stageIndex);
}

export function nextUi(ui: UiState, state: LiveState, key: KeyAction): UiState {
  if (key === 'escape') return ui.selected ? { selected: ui.selected } : {};
  if (ui.following) return ui;
  const names = liveJobs(state).map((job) => job.name);
  const at = ui.selected ? names.indexOf(ui.selected) : -1;
  if (key === 'enter') return at >= 0 && ui.selected ? { selected: ui.selected, following: ui.selected } : ui;
  if (names.length === 0) return {};
  const step = key === 'down' ? 1 : -1;
  const index = at < 0 ? (step > 0 ? 0 : names.length - 1) : Math.min(names.length - 1, Math.max(0, at + step));
  return { selected: names[index] as string };
}

const FOOTER = '↑/↓ select a job · enter follow its log · q cancel (twice: force)';

/** The rows of the live area, at most `height` of them. */
export function liveRows(state: LiveState, ui: UiState, now: number, height: number, color: boolean): Row[] {
  if (state.result) return [];
  const followed = ui.following ? state.jobs[ui.following] : undefined;
  if (followed) return followRows(state, followed, now, height, color);
  const jobs = liveJobs(state);
  if (jobs.length === 0) return [];
  const stages = [...new Set(jobs.map((job) => job.stage))];
  const fixed = jobs.length + stages.length + 1;
  const room = Math.max(0, height - 1);
  if (fixed > room) return compactRows(state, jobs, ui, now, room);
  const running = jobs.filter((job) => job.phase === 'running').length;
  const perJob = running > 0 ? Math.floor((room - fixed) / running) : 0;
  const rows: Row[] = [];
  for (const stage of stages) {
    rows.push({ key: `stage-${stage}`, text: stage, tone: 'plain', bold: true });
    for (const job of jobs.filter((j) => j.stage === stage)) {
      rows.push(jobRow(state, job, ui, now));
      if (job.phase !== 'running' || perJob === 0) continue;
      job.preview.lines.slice(-perJob).forEach((line, i) => rows.push({ key: `preview-${job.name}-${i}`, text: `      │ ${line}`, tone: 'dim' }));
    }
  }
  rows.push({ key: 'footer', text: FOOTER, tone: 'dim' });
  return rows;
}

function jobRow(state: LiveState, job: LiveJob, ui: UiState, now: number): Row {
  const line = describeJob(state, job, now);
  const cursor = ui.selected === job.name ? '›' : ' ';
  return { key: `job-${job.name}`, text: `${cursor} ${line.icon} ${job.name}  ${line.text}`, tone: line.tone, bold: ui.selected === job.name };
}

/** More jobs than rows: no stage titles nor previews, and the rest counted. */
function compactRows(state: LiveState, jobs: LiveJob[], ui: UiState, now: number, room: number): Row[] {
  if (room <= 0) return [];
  const shown = jobs.length > room ? jobs.slice(0, room - 1) : jobs;
  const rows = shown.map((job) => jobRow(state, job, ui, now));
  if (shown.length < jobs.length) rows.push({ key: 'more', text: `  … ${jobs.length - shown.length} more jobs`, tone: 'dim' });
  return rows;
}

function followRows(state: LiveState, job: LiveJob, now: number, height: number, color: boolean): Row[] {
  const line = describeJob(state, job, now);
  const kept = job.log.truncated ? ` · only the last ${LOG_TAIL_CHARS / 1024} KB are kept` : '';
  const title: Row = { key: 'follow-title', text: `── ${job.name}: ${line.text}${kept} · esc back`, tone: line.tone, bold: true };
  const lines = tailLines(job.log, Math.max(0, height - 2), color);
  return [title, ...lines.map((text, i): Row => ({ key: `log-${i}`, text, tone: 'plain' }))];
}
