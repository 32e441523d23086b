// `glci report`'s page from a recorded event list: one bar per job attempt, the critical path through
// needs and stage order, executor phases, log sections as <details>, and escaping of the log text.
import { describe, expect, it } from 'vitest';
import type { JobResult } from '../../src/model/events.js';
import { sectionEnd, sectionStart } from '../../src/log/sections.js';
import { buildTimeline, parseRunRecords, renderLogHtml, renderReport, type RunRecord } from '../../src/reporters/report/index.js';

const T0 = 1_764_633_600_000;
const at = (seconds: number) => T0 + seconds * 1000;
const start = (s: number, name: string) => sectionStart(name, new Date(at(s)));
const end = (s: number, name: string) => sectionEnd(name, new Date(at(s)));

function result(name: string, stage: string, status: JobResult['status'], attempts = 1): JobResult {
  return { name, stage, status, allowedToFail: false, exitCode: status === 'success' ? 0 : 1, attempts, durationMs: 1000 };
}

/** build: compile (retried once), lint · test: unit (needs compile), e2e (stage order, services) · deploy: ship (stage order). */
function fixture(): RunRecord[] {
  const out = (job: string, s: number, text: string): RunRecord => ({ type: 'job_output', job, time: at(s), text });
  const jobs = [
    { name: 'compile', stage: 'build', when: 'on_success', needs: null },
    { name: 'lint', stage: 'build', when: 'on_success', needs: null },
    { name: 'unit', stage: 'test', when: 'on_success', needs: ['compile'] },
    { name: 'e2e', stage: 'test', when: 'on_success', needs: null },
    { name: 'ship', stage: 'deploy', when: 'on_success', needs: null },
  ];
  const results = [result('compile', 'build', 'success', 2), result('lint', 'build', 'success'), result('unit', 'test', 'failed'), result('e2e', 'test', 'success'), result('ship', 'deploy', 'success')];
  return [
    { type: 'pipeline_start', time: at(0), executor: 'docker', stages: ['build', 'test', 'deploy'], jobs },
    { type: 'job_start', time: at(0), job: 'compile', stage: 'build', attempt: 1 },
    { type: 'job_start', time: at(0), job: 'lint', stage: 'build', attempt: 1 },
    out('compile', 0, `${start(0, 'prepare_executor')}\x1b[36;1mPreparing the "docker" executor\x1b[0;m\n`),
    { type: 'job_progress', time: at(1), job: 'compile', kind: 'pull', image: 'alpine:3', status: 'Downloading' },
    { type: 'job_progress', time: at(3), job: 'compile', kind: 'pull', image: 'alpine:3', status: 'Pull complete' },
    out('compile', 4, `${end(4, 'prepare_executor')}${start(4, 'step_script')}Executing "step_script"\n<script>alert(1)</script>\n\x1b[31mred\x1b[0m & done\n${end(5, 'step_script')}`),
    { type: 'job_end', time: at(2), job: 'lint', result: results[1] as JobResult },
    { type: 'job_queued', time: at(5), job: 'compile', stage: 'build' },
    { type: 'job_start', time: at(5), job: 'compile', stage: 'build', attempt: 2 },
    out('compile', 6, 'second attempt\n'),
    { type: 'job_end', time: at(7), job: 'compile', result: results[0] as JobResult },
    { type: 'job_start', time: at(7), job: 'unit', stage: 'test', attempt: 1 },
    { type: 'job_start', time: at(7), job: 'e2e', stage: 'test', attempt: 1 },
    out('e2e', 7, `${start(7, 'prepare_executor')}Preparing\nStarting service postgres:16 ...\n`),
    out('e2e', 9, `${end(9, 'prepare_executor')}${sectionStart('step_script', new Date(at(9)), { collapsed: true })}Folded\n`),
    { type: 'job_end', time: at(8), job: 'unit', result: results[2] as JobResult },
    { type: 'job_end', time: at(12), job: 'e2e', result: results[3] as JobResult },
    { type: 'job_start', time: at(12), job: 'ship', stage: 'deploy', attempt: 1 },
    { type: 'job_end', time: at(13), job: 'ship', result: results[4] as JobResult },
    { type: 'pipeline_end', time: at(13), result: { status: 'failed', jobs: results, durationMs: 13_000 } },
  ];
}

describe('report timeline', () => {
  it('has one attempt per job_start, the retried one ending when it was queued again', () => {
    const timeline = buildTimeline(fixture());
    expect(timeline.attempts.map((a) => `${a.job}#${a.attempt}:${a.status}`)).toEqual([
      'compile#1:failed', 'lint#1:success', 'compile#2:success', 'e2e#1:success', 'unit#1:failed', 'ship#1:success',
    ]);
    expect(timeline.attempts[0]).toMatchObject({ start: at(0), end: at(5) });
  });

  it('follows the job that ended last back through stage order and needs', () => {
    // ship (stage order: e2e ended last of the earlier stages) ← e2e (stage order: compile) ← compile.
    expect(buildTimeline(fixture()).criticalPath).toEqual(['compile', 'e2e', 'ship']);
  });

  it('derives the prepare, pull and services segments from the log and the pull events', () => {
    const [compile, , , e2e] = buildTimeline(fixture()).attempts;
    expect(compile?.segments).toEqual([
      { kind: 'prepare', label: 'prepare executor', start: at(0), end: at(4) },
      { kind: 'pull', label: 'pull alpine:3', start: at(1), end: at(3) },
    ]);
    expect(e2e?.segments).toEqual([
      { kind: 'prepare', label: 'prepare executor', start: at(7), end: at(9) },
      { kind: 'services', label: 'start services', start: at(7), end: at(9) },
    ]);
  });

  it('reads NDJSON back, skipping torn or foreign lines', () => {
    const text = `${fixture().map((r) => JSON.stringify(r)).join('\n')}\n{"type":"job_out\n{"foo":1}\n`;
    expect(parseRunRecords(text)).toHaveLength(fixture().length);
  });
});

describe('report page', () => {
  const html = renderReport({ timeline: buildTimeline(fixture()), pipelineId: '42' });

  it('is one self-contained page: no external script, stylesheet, font or image', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<(?:script|img|link)[^>]+(?:src|href)=/);
    expect(html).not.toMatch(/url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('draws one bar per attempt and marks the last attempt of each critical job', () => {
    expect(html.match(/<rect class="bar /g)).toHaveLength(6);
    const critical = [...html.matchAll(/<rect class="bar [^"]* critical" data-job="([^"]+)" data-attempt="(\d)"/g)].map((m) => `${m[1]}#${m[2]}`);
    expect(critical).toEqual(['compile#2', 'e2e#1', 'ship#1']);
    expect(html).toContain('Critical path: compile → e2e → ship');
    expect(html.match(/class="segment seg-/g)).toHaveLength(4);
  });

  it('escapes the log: a <script> in a job log stays text', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('turns sections into <details>, collapsed ones closed, with the first line as the summary', () => {
    expect(html).toContain('<details class="section" open data-section="prepare_executor"><summary><span class="sec-name">prepare_executor</span> <span class="b fg6">Preparing the &quot;docker&quot; executor</span><span class="dur">4.0s</span></summary>');
    expect(html).toContain('<details class="section" data-section="step_script">');
    expect(html).toContain('<span class="fg1">red</span> &amp; done');
    expect(html.match(/<details /g)).toHaveLength(4);
  });

  it('has the summary table with every job', () => {
    expect(html.match(/<tr><td>/g)).toHaveLength(5);
    expect(html).toContain('<td>compile</td><td>build</td><td><span class="status st-success">success</span></td><td>1.0s</td><td>2 attempts</td>');
  });
});

describe('log sections', () => {
  it('nests sections, closes unclosed ones, ignores ends without starts, keeps the last overwrite of a line', () => {
    const log = `${start(0, 'outer')}Outer\n${start(1, 'inner')}Inner\nbody\n${end(2, 'inner')}${end(3, 'nothing')}progress 10%\rprogress 100%\n`;
    expect(renderLogHtml(log)).toBe(
      '<div class="log"><details class="section" open data-section="outer"><summary><span class="sec-name">outer</span> Outer</summary><div class="sec-body">'
        + '<details class="section" open data-section="inner"><summary><span class="sec-name">inner</span> Inner<span class="dur">1.0s</span></summary><div class="sec-body">body\n</div></details>'
        + 'progress 100%\n</div></details></div>',
    );
  });

  it('converts 256 and true colours to inline styles, and drops other escapes', () => {
    expect(renderLogHtml('\x1b[38;5;196mx\x1b[0m\x1b[2K\x1b[48;2;1;2;3my\n')).toBe('<div class="log"><span style="color:rgb(255,0,0)">x</span><span style="background-color:rgb(1,2,3)">y</span>\n</div>');
  });
});
