// The live reporter rendered by ink on a fake terminal (an object with columns/rows that collects what
// is written, and a fake stdin for keys): finished jobs and the summary are printed once, keys move the
// cursor and follow a log, q and Ctrl-C interrupt, and 50 MB of output neither grows the state nor
// draws a frame per chunk.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { JobResult } from '../../src/model/events.js';
import type { PlannedJob } from '../../src/model/plan.js';
import { createLiveReporter, type LiveReporter } from '../../src/reporters/live/live-reporter.js';
import { LOG_TAIL_CHARS, PREVIEW_LINES } from '../../src/reporters/live/log-tail.js';
import { stripAnsi } from '../../src/reporters/log-line.js';
import { fanOut } from '../../src/reporters/index.js';
import { job, plan } from '../engine/fakes.js';

// ink renders only the final frame when it thinks it runs in CI (is-in-ci); frame assertions need a terminal.
const inkInCi = ['CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID'].some((v) => process.env[v] !== undefined && process.env[v] !== 'false');

function fakeTerminal(columns = 100, rows = 30) {
  const writes: string[] = [];
  const stdout = Object.assign(new EventEmitter(), { columns, rows, isTTY: true, write: (chunk: string) => writes.push(chunk) > 0 });
  const stdin = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  return {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    press: (keys: string) => stdin.write(keys),
    writes,
    text: () => stripAnsi(writes.join('')),
  };
}

const compile = job('compile', { stage: 'build' });
const unit = job('unit', { stage: 'test' });
const lint = job('lint', { stage: 'test', allowFailure: true });
const ship = job('ship', { stage: 'deploy' });
const approve = job('approve', { stage: 'build', when: 'manual', allowFailure: true });
const thePlan = plan(['build', 'test', 'deploy'], [compile, approve, unit, lint, ship]);
const planned = (name: string) => thePlan.jobs.find((j) => j.name === name) as PlannedJob;

function result(name: string, extra: Partial<JobResult> = {}): JobResult {
  return { name, stage: planned(name).stage, status: 'success', allowedToFail: false, exitCode: 0, attempts: 1, durationMs: 1500, ...extra };
}

const results = {
  compile: result('compile'),
  approve: result('approve', { status: 'manual', attempts: 0, durationMs: 0, skipReason: 'manual job, not played' }),
  unit: result('unit', { status: 'failed', exitCode: 3, failureReason: 'script_failure' }),
  lint: result('lint', { status: 'failed', exitCode: 1, allowedToFail: true, failureReason: 'script_failure' }),
  ship: result('ship', { status: 'skipped', attempts: 0, durationMs: 0, skipReason: 'a job in an earlier stage failed' }),
};

function live(terminal: ReturnType<typeof fakeTerminal>, onInterrupt: () => void = () => undefined): LiveReporter {
  return createLiveReporter({ stdout: terminal.stdout, stdin: terminal.stdin, color: false, onInterrupt, now: () => 10_000, timer: false });
}

describe('live reporter on a fake terminal', () => {
  it.skipIf(inkInCi)('draws running jobs with their last lines, then keeps only printed lines and the summary', async () => {
    const terminal = fakeTerminal();
    const reporter = live(terminal);
    const observe = fanOut([reporter]);
    observe({ type: 'pipeline_start', plan: thePlan, executor: 'shell', time: 0 });
    observe({ type: 'job_end', result: results.approve, time: 0 });
    observe({ type: 'job_start', job: planned('compile'), attempt: 1, time: 0 });
    observe({ type: 'job_output', job: 'compile', chunk: 'section_start:1:step_script\r\x1b[0K\x1b[32mgreen-21\x1b[0m\ncompiled-4\n', time: 0 });
    reporter.refresh();
    const frame = terminal.text();
    expect(frame).toContain('Running pipeline: 5 jobs in 3 stages with the shell executor');
    expect(frame).toMatch(/compile {2}running/);
    expect(frame).toContain('│ green-21');
    expect(frame).toContain('│ compiled-4');
    expect(frame).toContain('unit  waiting for earlier stages: build');
    expect(terminal.writes.join('')).not.toContain('\x1b[32m');
    expect(frame).not.toContain('section_start');

    for (const name of ['compile', 'unit', 'lint', 'ship'] as const) observe({ type: 'job_end', result: results[name], time: 0 });
    observe({ type: 'pipeline_end', result: { status: 'failed', jobs: Object.values(results), durationMs: 4000 }, time: 0 });
    await reporter.close();
    const all = terminal.text();
    const once = (text: string) => expect(all.split(text).length - 1, text).toBe(1);
    once('▶ build › approve manual: manual job, not played');
    once('✓ build › compile passed in 1.5s');
    once('✗ test › unit failed in 1.5s: exit code 3, script_failure');
    once('! test › lint failed (allowed) in 1.5s: exit code 1, script_failure');
    once('○ deploy › ship skipped: a job in an earlier stage failed');
    once('Pipeline failed in 4.0s');
    expect(all).toMatch(/unit +test +failed +1\.5s +script_failure, exit code 3/);
  });

  it.skipIf(inkInCi)('moves the cursor with the arrow keys, follows a log with enter, goes back with esc; q and Ctrl-C interrupt', async () => {
    const terminal = fakeTerminal();
    const interrupts: string[] = [];
    const reporter = live(terminal, () => interrupts.push('interrupt'));
    const observe = fanOut([reporter]);
    observe({ type: 'pipeline_start', plan: thePlan, executor: 'shell', time: 0 });
    observe({ type: 'job_start', job: planned('compile'), attempt: 1, time: 0 });
    observe({ type: 'job_output', job: 'compile', chunk: 'first line of the log\nlast line\n', time: 0 });
    reporter.refresh();
    terminal.press('\x1b[B');
    await vi.waitFor(() => expect(terminal.text()).toMatch(/› \S compile/));
    terminal.press('\r');
    await vi.waitFor(() => expect(terminal.text()).toContain('── compile: running'));
    terminal.press('\x1b');
    terminal.press('q');
    terminal.press('\x03');
    await vi.waitFor(() => expect(interrupts).toEqual(['interrupt', 'interrupt']));
    await reporter.close();
  });

  it('keeps up with a job printing 50 MB: bounded state, no frame per chunk', async () => {
    const terminal = fakeTerminal();
    const reporter = live(terminal);
    const observe = fanOut([reporter]);
    observe({ type: 'pipeline_start', plan: thePlan, executor: 'shell', time: 0 });
    observe({ type: 'job_start', job: planned('compile'), attempt: 1, time: 0 });
    const writesBefore = terminal.writes.length;
    const chunk = `${'log line of a chatty job '.repeat(3)}\n`.repeat(800); // ~60 KB, like a pipe read
    let fed = 0;
    while (fed < 50 * 1024 * 1024) {
      observe({ type: 'job_output', job: 'compile', chunk, time: 0 });
      fed += chunk.length;
    }
    expect(terminal.writes.length).toBe(writesBefore);
    const state = reporter.state.jobs.compile!;
    expect(state.preview.lines.length).toBeLessThanOrEqual(PREVIEW_LINES);
    expect(state.log.chars).toBeLessThanOrEqual(LOG_TAIL_CHARS + 64 * 1024);
    reporter.refresh();
    observe({ type: 'job_end', result: results.compile, time: 0 });
    observe({ type: 'pipeline_end', result: { status: 'success', jobs: [results.compile], durationMs: 4000 }, time: 0 });
    await reporter.close();
    expect(terminal.text()).toContain('Pipeline passed in 4.0s');
  });
});
