// The run as a timeline: one attempt per `job_start`, each with its log chunks and the executor phases
// found in it (the `prepare_executor` section, image pulls from `job_progress`, service start-up), and
// the critical path: the chain of jobs that ended last through their `needs:` or stage dependencies.
import type { JobResult, PipelineResult } from '../../model/events.js';
import type { PlanRecordJob, RunRecord } from './records.js';

export interface Segment {
  kind: 'prepare' | 'pull' | 'services';
  label: string;
  start: number;
  end: number;
}

export interface TimedChunk {
  time: number;
  text: string;
}

export interface Attempt {
  job: string;
  stage: string;
  attempt: number;
  start: number;
  end: number;
  /** The job's final status for its last attempt; `failed` for attempts that were retried. */
  status: string;
  chunks: TimedChunk[];
  segments: Segment[];
}

export interface Timeline {
  name: string | null;
  executor: string | null;
  start: number;
  end: number;
  stages: string[];
  attempts: Attempt[];
  /** Job names on the critical path, from the first to the one that ended last. */
  criticalPath: string[];
  results: JobResult[];
  pipeline: PipelineResult | null;
}

type Open = Omit<Attempt, 'segments' | 'end' | 'status'> & { progress: { time: number; image: string }[] };

export function buildTimeline(records: readonly RunRecord[]): Timeline {
  const start = records.find((r) => r.type === 'pipeline_start');
  const pipelineEnd = records.find((r) => r.type === 'pipeline_end');
  const lastTime = records.reduce((t, r) => Math.max(t, r.time), 0);
  const open = new Map<string, Open>();
  const attempts: Attempt[] = [];
  const close = (job: string, end: number, status: string) => {
    const a = open.get(job);
    if (!a) return;
    open.delete(job);
    attempts.push({ ...a, end, status, segments: segmentsOf(a, end) });
  };
  for (const r of records) {
    if (r.type === 'job_start') {
      close(r.job, r.time, 'failed');
      open.set(r.job, { job: r.job, stage: r.stage, attempt: r.attempt, start: r.time, chunks: [], progress: [] });
    } else if (r.type === 'job_queued') close(r.job, r.time, 'failed');
    else if (r.type === 'job_output') open.get(r.job)?.chunks.push({ time: r.time, text: r.text });
    else if (r.type === 'job_progress') open.get(r.job)?.progress.push({ time: r.time, image: r.image });
    else if (r.type === 'job_end') close(r.job, r.time, r.result.status);
  }
  // A run that was killed leaves attempts without an end: they last until the last record.
  for (const job of [...open.keys()]) close(job, lastTime, 'running');
  attempts.sort((a, b) => a.start - b.start || a.job.localeCompare(b.job));
  const plan = start?.type === 'pipeline_start' ? start : null;
  const results = records.flatMap((r) => (r.type === 'job_end' ? [r.result] : []));
  return {
    name: plan?.name ?? null,
    executor: plan?.executor ?? null,
    start: firstTime(plan?.time, attempts, lastTime),
    end: Math.max(pipelineEnd?.time ?? 0, lastTime),
    stages: plan?.stages ?? [],
    attempts,
    criticalPath: criticalPath(plan?.jobs ?? [], plan?.stages ?? [], attempts),
    results: pipelineEnd?.type === 'pipeline_end' ? pipelineEnd.result.jobs : results,
    pipeline: pipelineEnd?.type === 'pipeline_end' ? pipelineEnd.result : null,
  };
}

function firstTime(planTime: number | undefined, attempts: readonly Attempt[], fallback: number): number {
  const first = Math.min(planTime ?? Infinity, ...attempts.map((a) => a.start));
  return Number.isFinite(first) ? first : fallback;
}

const MARKER = /section_(start|end):(\d+):([^\r\n[]+)(?:\[[^\]\r\n]*\])?\r\x1b\[0K/g;

/** Executor phases of one attempt: where its time went before the script started. */
function segmentsOf(a: Open, end: number): Segment[] {
  const segments: Segment[] = [];
  const text = a.chunks.map((c) => c.text).join('');
  const timeAt = chunkTimes(a.chunks);
  let prepare: { start: number; end: number } | null = null;
  for (const m of text.matchAll(MARKER)) {
    if (m[3] !== 'prepare_executor') continue;
    if (m[1] === 'start') prepare = { start: timeAt(m.index), end };
    else if (prepare) prepare.end = timeAt(m.index);
  }
  if (prepare) segments.push({ kind: 'prepare', label: 'prepare executor', ...prepare });
  const images = new Map<string, { start: number; end: number }>();
  for (const p of a.progress) {
    const seen = images.get(p.image);
    images.set(p.image, seen ? { start: seen.start, end: p.time } : { start: p.time, end: p.time });
  }
  for (const [image, span] of images) segments.push({ kind: 'pull', label: `pull ${image}`, ...span });
  const services = text.indexOf('Starting service ');
  if (services >= 0) segments.push({ kind: 'services', label: 'start services', start: timeAt(services), end: prepare?.end ?? end });
  return segments;
}

/** Offset in the joined log → the time of the chunk holding it. */
export function chunkTimes(chunks: readonly TimedChunk[]): (offset: number) => number {
  const starts: number[] = [];
  let offset = 0;
  for (const c of chunks) {
    starts.push(offset);
    offset += c.text.length;
  }
  // Binary search: the last chunk starting at or before the offset (logs have thousands of chunks).
  return (at) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if ((starts[mid] ?? 0) <= at) low = mid;
      else high = mid - 1;
    }
    return chunks[low]?.time ?? 0;
  };
}

/**
 * From the job that ended last, step to the dependency that ended last until a job has none that ran.
 * Dependencies: `needs:`, or every job of the earlier stages for jobs without `needs:`.
 */
export function criticalPath(jobs: readonly PlanRecordJob[], stages: readonly string[], attempts: readonly Attempt[]): string[] {
  const ended = new Map<string, number>();
  for (const a of attempts) ended.set(a.job, Math.max(ended.get(a.job) ?? 0, a.end));
  const stageIndex = new Map(stages.map((s, i) => [s, i]));
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const dependencies = (name: string): string[] => {
    const job = byName.get(name);
    if (!job) return [];
    if (job.needs !== null) return job.needs;
    const index = stageIndex.get(job.stage) ?? 0;
    return jobs.filter((j) => (stageIndex.get(j.stage) ?? 0) < index).map((j) => j.name);
  };
  const latest = (names: readonly string[]) =>
    names.filter((n) => ended.has(n)).reduce<string | null>((best, n) => (best === null || (ended.get(n) ?? 0) > (ended.get(best) ?? 0) ? n : best), null);
  const path: string[] = [];
  let current = latest([...ended.keys()]);
  while (current !== null && !path.includes(current)) {
    path.unshift(current);
    current = latest(dependencies(current));
  }
  return path;
}
