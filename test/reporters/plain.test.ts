// The plain reporter: prefixed lines, section markers rendered as their titles, colour rules, summary.
import { describe, expect, it } from 'vitest';
import type { JobResult, PipelineEvent, PipelineResult } from '../../src/model/events.js';
import { createPlainReporter, fanOut } from '../../src/reporters/index.js';
import { job, plan } from '../engine/fakes.js';

function sink(isTTY = false) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (s: string) => chunks.push(s) }, text: () => chunks.join('') };
}

const build = job('build', { stage: 'build' });
const longName = job('unit-tests', { stage: 'test' });
const p = plan(['build', 'test'], [build, longName]);

function result(name: string, stage: string, extra: Partial<JobResult>): JobResult {
  return { name, stage, status: 'success', allowedToFail: false, exitCode: 0, attempts: 1, durationMs: 1500, ...extra };
}

const events: PipelineEvent[] = [
  { type: 'pipeline_start', plan: p, executor: 'shell', time: 0 },
  { type: 'job_start', job: build, attempt: 1, time: 1 },
  { type: 'job_output', job: 'build', chunk: 'section_start:1700000000:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m\n', time: 2 },
  { type: 'job_output', job: 'build', chunk: '\x1b[32;1m$ make\x1b[0;m\ncompil', time: 3 },
  { type: 'job_output', job: 'build', chunk: 'ing\nsection_end:1700000001:step_script\r\x1b[0K\x1b[32;1mJob succeeded\x1b[0;m\n', time: 4 },
  { type: 'job_end', result: result('build', 'build', {}), time: 5 },
  { type: 'job_end', result: result('unit-tests', 'test', { status: 'skipped', attempts: 0, durationMs: 0, skipReason: 'a job in an earlier stage failed' }), time: 6 },
];

const end: PipelineResult = {
  status: 'failed',
  durationMs: 65_000,
  jobs: [
    result('build', 'build', { status: 'failed', exitCode: 2, failureReason: 'script_failure', attempts: 2 }),
    result('unit-tests', 'test', { status: 'skipped', attempts: 0, durationMs: 0, skipReason: 'a job in an earlier stage failed' }),
  ],
};

describe('plain reporter', () => {
  it('prefixes every line with the padded job name and renders sections as their titles', () => {
    const out = sink();
    const observe = fanOut([createPlainReporter({ stream: out.stream, env: {} })]);
    events.forEach(observe);
    const lines = out.text().split('\n');
    expect(lines).toContain('build      | Executing "step_script" stage of the job script');
    expect(lines).toContain('build      | $ make');
    expect(lines).toContain('build      | compiling');
    expect(lines).toContain('build      | Job succeeded');
    expect(lines).toContain('unit-tests | skipped: a job in an earlier stage failed');
    expect(out.text()).not.toContain('section_');
    expect(out.text()).not.toContain('\x1b');
  });

  it('prints a summary table with status, duration and reasons', () => {
    const out = sink();
    const observe = fanOut([createPlainReporter({ stream: out.stream, env: {} })]);
    observe({ type: 'pipeline_start', plan: p, executor: 'shell', time: 0 });
    observe({ type: 'pipeline_end', result: end, time: 9 });
    const lines = out.text().split('\n');
    const header = lines.findIndex((l) => l.startsWith('Job '));
    expect(lines[header]).toMatch(/^Job\s+Stage\s+Status\s+Duration\s+Notes$/);
    expect(lines[header + 1]).toMatch(/^build\s+build\s+failed\s+1\.5s\s+script_failure, exit code 2, 2 attempts$/);
    expect(lines[header + 2]).toMatch(/^unit-tests\s+test\s+skipped\s+-\s+a job in an earlier stage failed$/);
    expect(out.text()).toContain('Pipeline failed in 1m 05s');
  });

  it('uses colour only on a TTY without NO_COLOR', () => {
    const tty = sink(true);
    createPlainReporter({ stream: tty.stream, env: {} }).onPipelineEnd?.({ type: 'pipeline_end', result: end, time: 0 });
    expect(tty.text()).toContain('\x1b[');
    const noColor = sink(true);
    createPlainReporter({ stream: noColor.stream, env: { NO_COLOR: '1' } }).onPipelineEnd?.({ type: 'pipeline_end', result: end, time: 0 });
    expect(noColor.text()).not.toContain('\x1b[');
  });

  it('keeps what a terminal would show for a line rewritten with carriage returns', () => {
    const out = sink();
    const reporter = createPlainReporter({ stream: out.stream, env: {} });
    reporter.onPipelineStart?.({ type: 'pipeline_start', plan: p, executor: 'shell', time: 0 });
    reporter.onJobOutput?.({ type: 'job_output', job: 'build', chunk: '10%\r50%\r100%\r\n', time: 1 });
    expect(out.text()).toContain('build      | 100%\n');
  });
});
