// What the live view says about a job, derived from the reducer's state: "waiting for needs" and
// "waiting for its resource_group" are not engine events but follow from what the other jobs do
// (the engine queues a job only once its prerequisites are done, and holds a queued job back while a
// running job has its resource group).
import type { JobResult } from '../../model/events.js';
import { formatDuration } from '../summary.js';
import type { LiveJob, LiveState } from './state.js';

export type Tone = 'plain' | 'active' | 'good' | 'bad' | 'warn' | 'dim';

export interface JobLine {
  /** One-character mark (the spinner for running jobs). */
  icon: string;
  text: string;
  tone: Tone;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function describeJob(state: LiveState, job: LiveJob, now: number): JobLine {
  switch (job.phase) {
    case 'ended':
      return job.result ? describeResult(job.result) : { icon: '?', text: 'ended', tone: 'dim' };
    case 'running':
      return running(job, now);
    case 'scheduled':
      return { icon: '◷', text: `scheduled, starts in ${formatDuration(Math.max(0, (job.startsAt ?? now) - now))}`, tone: 'warn' };
    case 'pending':
      return pending(state, job);
    case 'created':
      return waiting(state, job);
  }
}

function running(job: LiveJob, now: number): JobLine {
  const elapsed = formatDuration(Math.max(0, now - (job.since ?? now)));
  const icon = SPINNER[Math.floor(now / 100) % SPINNER.length] ?? '*';
  const attempt = job.attempt > 1 ? `, attempt ${job.attempt}` : '';
  const pull = job.pull;
  if (pull && !pull.finished) {
    const layers = pull.layers.length > 0 ? ` (${pull.doneLayers.length}/${pull.layers.length} layers)` : '';
    return { icon, text: `pulling ${pull.image}${layers} ${pull.latest} ${elapsed}`.trimEnd(), tone: 'active' };
  }
  return { icon, text: `running ${elapsed}${attempt}`, tone: 'active' };
}

function pending(state: LiveState, job: LiveJob): JobLine {
  if (job.attempt > 0) return { icon: '↻', text: `retrying: attempt ${job.attempt + 1} is queued`, tone: 'warn' };
  const group = job.resourceGroup;
  const holder = group === undefined ? undefined : state.order.map((name) => state.jobs[name]).find((other) => other?.phase === 'running' && other.resourceGroup === group);
  if (holder) return { icon: '…', text: `waiting for resource_group ${group} (held by ${holder.name})`, tone: 'dim' };
  return { icon: '…', text: 'pending: waiting for a free slot', tone: 'dim' };
}

function waiting(state: LiveState, job: LiveJob): JobLine {
  const open = job.prerequisites.filter((name) => state.jobs[name]?.phase !== 'ended');
  if (open.length === 0) return { icon: '…', text: 'created', tone: 'dim' };
  if (job.dag) return { icon: '…', text: `waiting for needs: ${list(open)}`, tone: 'dim' };
  const stages = [...new Set(open.map((name) => state.jobs[name]?.stage ?? ''))];
  return { icon: '…', text: `waiting for earlier stages: ${list(stages)}`, tone: 'dim' };
}

function list(names: readonly string[]): string {
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

/** A finished job: the same words as the summary (passed, failed (allowed), skipped, manual, canceled). */
export function describeResult(result: JobResult): JobLine {
  const took = result.attempts > 0 ? ` in ${formatDuration(result.durationMs)}` : '';
  const attempts = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
  switch (result.status) {
    case 'success':
      return { icon: '✓', text: `passed${took}${attempts}`, tone: 'good' };
    case 'failed':
      return failed(result, took, attempts);
    case 'skipped':
      return { icon: '○', text: `skipped${reason(result)}`, tone: 'dim' };
    case 'manual':
      return { icon: '▶', text: `manual${reason(result)}`, tone: 'warn' };
    case 'canceled':
      return { icon: '⊘', text: `canceled${took}${reason(result)}`, tone: 'warn' };
    default:
      return { icon: '…', text: `${result.status}${reason(result)}`, tone: 'dim' };
  }
}

function failed(result: JobResult, took: string, attempts: string): JobLine {
  const why = [result.exitCode !== null ? `exit code ${result.exitCode}` : '', result.failureReason ?? '', result.skipReason ?? ''].filter(Boolean).join(', ');
  const text = `${result.allowedToFail ? 'failed (allowed)' : 'failed'}${took}${attempts}${why ? `: ${why}` : ''}`;
  return result.allowedToFail ? { icon: '!', text, tone: 'warn' } : { icon: '✗', text, tone: 'bad' };
}

function reason(result: JobResult): string {
  return result.skipReason ? `: ${result.skipReason}` : '';
}
