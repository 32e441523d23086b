// End to end: `glci run` records its events under the state directory, `glci report` turns them into one
// HTML page, and a real browser renders it with one timeline bar per job attempt, the log's HTML as text.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunProject, describeRun, glciEnv, runGlci, type GlciRun, type RunProject } from '../run/run-support.js';
import { dumpDom, ensureChromium, screenshot } from './chromium.js';

const cliEntry = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

describe('glci report', () => {
  let project: RunProject;
  let run: GlciRun;
  let browser: string;
  beforeAll(async () => {
    [browser, project] = await Promise.all([ensureChromium(), createRunProject('report')]);
    run = await runGlci(project, ['--json']);
  }, 20 * 60_000);
  afterAll(() => project.remove());

  const report = (args: string[]) =>
    execa(process.execPath, [cliEntry, 'report', '--cwd', project.dir, '--state-dir', project.stateDir, ...args], { env: glciEnv(project), extendEnv: false, reject: false });

  it('keeps the run\'s events under <state>/pipelines/<id>/events.ndjson, the same records --json printed', () => {
    expect(run.exitCode, describeRun(run)).toBe(1);
    const ids = readdirSync(join(project.stateDir, 'pipelines'));
    expect(ids).toHaveLength(1);
    expect(readFileSync(join(project.stateDir, 'pipelines', ids[0] ?? '', 'events.ndjson'), 'utf8')).toBe(`${run.stdout}\n`); // execa strips the final newline
  });

  it('writes next to the events by default, takes a pipeline id, and refuses an unknown one', async () => {
    const [id] = readdirSync(join(project.stateDir, 'pipelines'));
    const result = await report([id ?? '', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as { path: string; pipelineId: string; attempts: number; status: string };
    expect(answer).toEqual({ path: join(project.stateDir, 'pipelines', id ?? '', 'report.html'), pipelineId: id, attempts: 4, status: 'failed' });
    expect(existsSync(answer.path)).toBe(true);
    const unknown = await report(['123']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no recorded events for pipeline 123');
  });

  it('writes the page, prints its path, and the browser shows one bar per job attempt', async () => {
    const out = join(project.scratchDir, 'r.html');
    const result = await report(['--output', out]);
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout.trim()).toBe(out);
    const attempts = run.events.filter((e) => e.type === 'job_start').length;
    expect(attempts).toBe(4);
    const dom = await dumpDom(browser, out);
    expect(dom.match(/<rect class="bar /g)).toHaveLength(attempts);
    expect(dom.match(/data-job="flaky"/g)).toHaveLength(2);
    // The job's <script> is text: the title stays glci's and the log shows the markup.
    expect(dom).toContain('<title>Pipeline ');
    expect(dom).not.toContain('pwned</title>');
    expect(dom).toContain('&lt;script&gt;document.title=\'pwned\'&lt;/script&gt;');
    expect(dom).toMatch(/Critical path: build → test/);
    const shotDir = join(tmpdir(), 'glci-test-artifacts');
    mkdirSync(shotDir, { recursive: true });
    const shot = join(shotDir, `report-${process.pid}.png`);
    await screenshot(browser, out, shot);
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    console.log(`report screenshot: ${shot}`);
  }, 180_000);
});
