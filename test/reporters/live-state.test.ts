// The live view's reducer (src/reporters/live/state.ts) and what the view says about each job
// (status.ts, layout.ts), on event sequences as the engine emits them.
import { describe, expect, it } from 'vitest';
import type { JobResult, PipelineEvent } from '../../src/model/events.js';
import type { PlannedJob } from '../../src/model/plan.js';
import { liveRows, nextUi } from '../../src/reporters/live/layout.js';
import { LOG_TAIL_CHARS, PREVIEW_LINES, tailLines } from '../../src/reporters/live/log-tail.js';
import { type LiveState, addNotice, initialState, reduce } from '../../src/reporters/live/state.js';
import { describeJob } from '../../src/reporters/live/status.js';
import { job, needs, plan } from '../engine/fakes.js';

const build = job('build', { stage: 'build' });
const test = job('test', { stage: 'test', needs: needs('build') });
const deploy = job('deploy', { stage: 'deploy', resourceGroup: 'prod' });
const deploy2 = job('deploy-eu', { stage: 'deploy', resourceGroup: 'prod' });
const later = job('later', { stage: 'deploy', when: 'delayed', startInSeconds: 30 });
const thePlan = plan(['build', 'test', 'deploy'], [build, test, deploy, deploy2, later]);
const planned = (name: string): PlannedJob => thePlan.jobs.find((j) => j.name === name) as PlannedJob;

function result(name: string, extra: Partial<JobResult> = {}): JobResult {
  const stage = planned(name).stage;
  return { name, stage, status: 'success', allowedToFail: false, exitCode: 0, attempts: 1, durationMs: 1200, ...extra };
}

const start: PipelineEvent = { type: 'pipeline_start', plan: thePlan, executor: 'shell', time: 0 };
const queued = (name: string): PipelineEvent => ({ type: 'job_queued', job: planned(name), time: 0 });
const started = (name: string, attempt = 1): PipelineEvent => ({ type: 'job_start', job: planned(name), attempt, time: 0 });
const output = (name: string, chunk: string): PipelineEvent => ({ type: 'job_output', job: name, chunk, time: 0 });
const ended = (name: string, extra: Partial<JobResult> = {}): PipelineEvent => ({ type: 'job_end', result: result(name, extra), time: 0 });

/** Reduces `events`, each at time `now` (ms). */
function run(events: readonly PipelineEvent[], now = 1000, from: LiveState = initialState): LiveState {
  return events.reduce((state, event) => reduce(state, event, now), from);
}

function say(state: LiveState, name: string, now = 1000): string {
  const live = state.jobs[name];
  if (!live) throw new Error(`no job ${name}`);
  return describeJob(state, live, now).text;
}

describe('live state reducer', () => {
  it('follows a job from waiting for its needs to passed, and prints it once', () => {
    let state = run([start]);
    expect(say(state, 'test')).toBe('waiting for needs: build');
    expect(say(state, 'deploy')).toBe('waiting for earlier stages: build, test');
    state = run([queued('build'), started('build')], 1000, state);
    expect(say(state, 'build', 3500)).toBe('running 2.5s');
    state = run([ended('build')], 4000, state);
    expect(say(state, 'build')).toBe('passed in 1.2s');
    expect(say(state, 'test')).toBe('created');
    expect(state.printed.map((p) => p.key)).toEqual(['header', 'job-build']);
  });

  it('describes failed (exit code, reason), allowed to fail, skipped, manual and canceled jobs', () => {
    const state = run([
      start,
      ended('build', { status: 'failed', exitCode: 3, failureReason: 'script_failure' }),
      ended('test', { status: 'failed', exitCode: 1, allowedToFail: true, failureReason: 'script_failure' }),
      ended('deploy', { status: 'skipped', attempts: 0, skipReason: 'a job in an earlier stage failed' }),
      ended('deploy-eu', { status: 'manual', attempts: 0, skipReason: 'manual job, not played' }),
      ended('later', { status: 'canceled', attempts: 0, skipReason: 'the pipeline was canceled' }),
    ]);
    expect(say(state, 'build')).toBe('failed in 1.2s: exit code 3, script_failure');
    expect(say(state, 'test')).toBe('failed (allowed) in 1.2s: exit code 1, script_failure');
    expect(say(state, 'deploy')).toBe('skipped: a job in an earlier stage failed');
    expect(say(state, 'deploy-eu')).toBe('manual: manual job, not played');
    expect(say(state, 'later')).toBe('canceled: the pipeline was canceled');
  });

  it('shows a retry with its attempt number', () => {
    let state = run([start, queued('build'), started('build'), output('build', 'flaky\n'), queued('build')]);
    expect(say(state, 'build')).toBe('retrying: attempt 2 is queued');
    state = run([started('build', 2)], 2000, state);
    expect(say(state, 'build', 2000)).toBe('running 0ms, attempt 2');
    expect(state.jobs.build?.preview.lines).toEqual([]);
    state = run([ended('build', { attempts: 2 })], 3000, state);
    expect(say(state, 'build')).toBe('passed in 1.2s after 2 attempts');
  });

  it('counts down a delayed job from its job_scheduled event', () => {
    const state = run([start, { type: 'job_scheduled', job: 'later', startsAt: 31_000, time: 1000 }]);
    expect(say(state, 'later', 6000)).toBe('scheduled, starts in 25.0s');
  });

  it('tells a queued job waiting for its resource_group from one waiting for a slot', () => {
    const state = run([start, queued('deploy'), started('deploy'), queued('deploy-eu')]);
    expect(say(state, 'deploy-eu')).toBe('waiting for resource_group prod (held by deploy)');
    const freed = run([ended('deploy'), queued('build')], 2000, state);
    expect(say(freed, 'build')).toBe('pending: waiting for a free slot');
  });

  it('shows image pull progress from job_progress events until the image is there', () => {
    const pull = (layer: string | undefined, status: string, detail?: string): PipelineEvent => ({
      type: 'job_progress',
      job: 'build',
      progress: { kind: 'pull', image: 'alpine:3', status, ...(layer ? { layer } : {}), ...(detail ? { detail } : {}) },
      time: 0,
    });
    let state = run([start, queued('build'), started('build'), pull('a1', 'Pulling fs layer'), pull('b2', 'Downloading', '1MB/3MB'), pull('a1', 'Pull complete')], 1000);
    expect(say(state, 'build', 1000)).toBe('pulling alpine:3 (1/2 layers) a1: Pull complete 0ms');
    state = run([pull('b2', 'Downloading', '2MB/3MB')], 1000, state);
    expect(say(state, 'build', 1000)).toBe('pulling alpine:3 (1/2 layers) b2: Downloading 2MB/3MB 0ms');
    state = run([pull(undefined, 'Status: Downloaded newer image for alpine:3')], 1000, state);
    expect(say(state, 'build', 1000)).toBe('running 0ms');
  });

  it('keeps the last lines of a running job without ANSI colour nor section markers', () => {
    const state = run([
      start,
      started('build'),
      output('build', 'section_start:1700000000:step_script\r\x1b[0K\x1b[36;1mExecuting "step_script"\x1b[0;m\n'),
      output('build', '\x1b[32mgreen\x1b[0m\nprogress 10%\rprogress 100%\nhalf'),
      output('build', ' a line\n'),
    ]);
    expect(state.jobs.build?.preview.lines).toEqual(['Executing "step_script"', 'green', 'progress 100%', 'half a line']);
  });

  it('appends notices and the summary to what is printed once', () => {
    let state = addNotice(run([start]), 'Stopping jobs gracefully');
    state = run([{ type: 'pipeline_end', result: { status: 'canceled', jobs: [], durationMs: 5 }, time: 0 }], 1000, state);
    expect(state.printed.map((p) => p.kind)).toEqual(['header', 'notice', 'summary']);
    expect(liveRows(state, {}, 1000, 20, false)).toEqual([]);
  });
});

describe('bounded memory', () => {
  it('keeps a bounded preview and log tail through 50 MB of output in small and large chunks', () => {
    let state = run([start, started('build')]);
    const line = `${'x'.repeat(99)}\n`;
    const small = line.repeat(10); // 1 KB chunks
    const large = line.repeat(10_000); // 1 MB chunks
    for (let i = 0; i < 25_000; i++) state = reduce(state, output('build', small), 1000);
    for (let i = 0; i < 25; i++) state = reduce(state, output('build', large), 1000);
    state = reduce(state, output('build', 'y'.repeat(3 * LOG_TAIL_CHARS)), 1000); // one huge line
    const live = state.jobs.build!;
    expect(live.preview.lines.length).toBeLessThanOrEqual(PREVIEW_LINES);
    expect(live.preview.partial.length).toBeLessThanOrEqual(4096);
    expect(live.log.chars).toBeLessThanOrEqual(LOG_TAIL_CHARS + 16 * 1024);
    expect(live.log.segments.join('').length).toBe(live.log.chars);
    expect(live.log.truncated).toBe(true);
    expect(tailLines(live.log, 3, false).every((l) => l.length <= LOG_TAIL_CHARS)).toBe(true);
  });
});

describe('live rows and keys', () => {
  const running = run([start, queued('build'), started('build'), output('build', 'one\ntwo\nthree\n')]);

  it('group unfinished jobs by stage with the running job preview, within the terminal height', () => {
    const rows = liveRows(running, {}, 1000, 24, false).map((r) => r.text);
    expect(rows[0]).toBe('build');
    expect(rows[1]).toMatch(/^ {2}\S build {2}running 0ms$/);
    expect(rows.slice(2, 5)).toEqual(['      │ one', '      │ two', '      │ three']);
    expect(rows).toContain('deploy');
    for (const height of [3, 6, 10]) expect(liveRows(running, {}, 1000, height, false).length).toBeLessThan(height);
  });

  it('move the cursor over unfinished jobs, follow a log with enter and go back with esc', () => {
    let ui = nextUi({}, running, 'down');
    expect(ui).toEqual({ selected: 'build' });
    ui = nextUi(ui, running, 'down');
    expect(ui).toEqual({ selected: 'test' });
    ui = nextUi(nextUi(ui, running, 'up'), running, 'enter');
    expect(ui).toEqual({ selected: 'build', following: 'build' });
    const rows = liveRows(running, ui, 1000, 10, false).map((r) => r.text);
    expect(rows).toEqual(['── build: running 0ms · esc back', 'one', 'two', 'three']);
    expect(nextUi(ui, running, 'escape')).toEqual({ selected: 'build' });
  });
});
