#!/usr/bin/env node
// Benchmark: `glci run --executor shell` against gitlab-ci-local running the same pipeline on the host
// shell (neither pipeline names an image).
//  1. A 6-job, 3-stage pipeline with one `needs`: whole-process wall time, min/median/max over RUNS runs,
//     the tools run side by side (one run of each per round), and glci's time as a share of
//     gitlab-ci-local's. Then extra glci runs with GLCI_DEBUG_TIMINGS=1 (not counted) give a per-step
//     breakdown of where a job's time goes.
//  2. A DAG with a slow branch: how long a job whose need has finished waits before its first command.
//     Each job appends "<job> first|last <ns>" to a file outside the project (date +%s%N) as its first
//     and last command, so the figure comes from the jobs themselves, the same way for both tools.
// Targets: 6-job pipeline ≤ 0.4 s wall (issue "Step 2") and ≤ 1/2 of gitlab-ci-local's (issue "Step 6");
// a ready job starts ≤ 50 ms after its last need ends.
// Usage: npm run build && node bench/run-pipeline.mjs [--runs N] [--dag-runs N] [--timing-runs N]
//        [--baseline DIR] [--no-peer] [--no-glci] [--no-dag]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attempt, reportFailures } from './failures.mjs';
import { makeProject } from './generate.mjs';
import { measure, summarize } from './measure.mjs';
import { ensurePeer, peerEnv } from './peer.mjs';
import { formatTable, millis, numberFlag, seconds } from './report.mjs';
import { measureSideBySide, pairedRatio, runOnce } from './side-by-side.mjs';

const argv = process.argv.slice(2);
const runs = numberFlag(argv, '--runs', 10);
const dagRuns = numberFlag(argv, '--dag-runs', 5);
const timingRuns = numberFlag(argv, '--timing-runs', 5);
const withPeer = !argv.includes('--no-peer');
const withGlci = !argv.includes('--no-glci');
const withDag = !argv.includes('--no-dag');
const baselineDir = argv.includes('--baseline') ? resolve(argv[argv.indexOf('--baseline') + 1] ?? '') : null;
const glciBin = fileURLToPath(new URL('../bin/run.js', import.meta.url));

const PIPELINE_TARGET_MS = 400;
/** Issue "Step 6": glci's 6-job wall time at most half of gitlab-ci-local's. */
const RATIO_TARGET = 0.5;
const WAIT_TARGET_MS = 50;
const SLOW_SECONDS = 2;
const SIX_JOBS = ['compile', 'lint', 'unit', 'integration', 'package', 'publish'];

/** One YAML job; every script line is a JSON string, which YAML reads as a double-quoted scalar. */
function job(name, stage, script, needs) {
  const lines = [`${name}:`, `  stage: ${stage}`];
  if (needs) lines.push(`  needs: [${needs.join(', ')}]`);
  lines.push('  script:', ...script.map((s) => `    - ${JSON.stringify(s)}`));
  return lines.join('\n');
}

export function sixJobConfig() {
  // The output "job NAME done" differs from the echoed command text, so the check below sees the job ran.
  const echo = (name) => [`echo "job ${name}" done`];
  return `${[
    'stages: [build, test, deploy]',
    job('compile', 'build', echo('compile')),
    job('lint', 'build', echo('lint')),
    job('unit', 'test', echo('unit'), ['compile']),
    job('integration', 'test', echo('integration')),
    job('package', 'deploy', echo('package')),
    job('publish', 'deploy', echo('publish')),
  ].join('\n\n')}\n`;
}

/** `slow` and `fast` share the first stage; `after-fast` needs only `fast`, so a DAG scheduler starts it early. */
export function dagConfig() {
  const marked = (name, work) => [`echo "${name} first $(date +%s%N)" >> "$BENCH_MARKS"`, work, `echo "${name} last $(date +%s%N)" >> "$BENCH_MARKS"`];
  return `${[
    'stages: [build, test]',
    job('slow', 'build', marked('slow', `sleep ${SLOW_SECONDS}`)),
    job('fast', 'build', marked('fast', 'echo fast')),
    job('after-fast', 'test', marked('after-fast', 'echo after-fast'), ['fast']),
  ].join('\n\n')}\n`;
}

/** The marks file → Map("job first|last" → ns as BigInt); throws unless all six marks are there. */
export function readMarks(text) {
  const marks = new Map();
  for (const line of text.split('\n')) {
    const m = /^(\S+) (first|last) (\d+)$/.exec(line.trim());
    if (m) marks.set(`${m[1]} ${m[2]}`, BigInt(m[3]));
  }
  for (const name of ['slow', 'fast', 'after-fast']) {
    for (const which of ['first', 'last']) {
      if (!marks.has(`${name} ${which}`)) throw new Error(`job ${name} left no "${which}" mark; marks file:\n${text}`);
    }
  }
  return marks;
}

/** How the two tools are started on a project, with BENCH_MARKS passed as a pipeline variable. */
function commands(peer, marksFile) {
  const list = [];
  const glci = (bin) => (dir) => ({ node: process.execPath, args: [bin, 'run', '--executor', 'shell', '--variable', `BENCH_MARKS=${marksFile}`, '--cwd', dir], cwd: dir });
  if (withGlci) list.push({ tool: 'glci', run: glci(glciBin) });
  // Another build of glci (a checkout with its own `npm run build`), to compare before and after a change.
  if (withGlci && baselineDir) list.push({ tool: 'glci (baseline)', run: glci(join(baselineDir, 'bin', 'run.js')) });
  if (peer) {
    list.push({
      tool: 'gitlab-ci-local',
      // Started in the project (its --cwd takes only relative paths). No job named: the whole pipeline.
      // There are no artifacts, but copying them back into the project must not count either way.
      run: (dir) => ({ node: peer.node, args: [peer.entry, '--variable', `BENCH_MARKS=${marksFile}`, '--no-artifacts-to-source', '--no-color'], cwd: dir, env: peerEnv() }),
    });
  }
  return list;
}

/** After each run: the output shows `job NAME done` for all six jobs (the echoed command text does not). */
function checkJobsRan(res) {
  const missing = SIX_JOBS.filter((name) => !res.stdout.includes(`job ${name} done`));
  if (missing.length > 0) throw new Error(`exited 0 but these jobs printed nothing: ${missing.join(', ')}\n${res.stdout.slice(-2000)}`);
}

/** The tools side by side, one run of each per round; each tool has its own project (and state folder). */
function pipelineBench(cmds, failures) {
  const dirs = [];
  try {
    const entries = cmds.map(({ tool, run }) => {
      const dir = makeProject('glci-bench-six-', sixJobConfig());
      dirs.push(dir);
      return { name: tool, command: run(dir), afterRun: checkJobsRan };
    });
    const measured = measureSideBySide(entries, { runs });
    const results = new Map();
    for (const [tool, r] of measured) {
      if (r.error) failures.push(`${tool} (6-job pipeline): ${r.error instanceof Error ? r.error.message : String(r.error)}`);
      results.set(tool, r.error ? null : r);
    }
    return results;
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** `glci-timing <job> <step> <start ms> <duration ms>` lines (GLCI_DEBUG_TIMINGS=1) → records. */
export function parseTimings(text) {
  const records = [];
  for (const line of text.split('\n')) {
    const [tag, job, step, start, duration] = line.split('\t');
    if (tag === 'glci-timing' && duration !== undefined) records.push({ job, step, startMs: Number(start), durationMs: Number(duration) });
  }
  return records;
}

/**
 * Extra glci runs with GLCI_DEBUG_TIMINGS=1, not counted above. Pipeline-wide steps (job `-`) and each
 * job's steps in the order they start; `other` is the part of a job no step of its own accounts for.
 */
function timingBreakdown(run, failures) {
  const dir = makeProject('glci-bench-timings-', sixJobConfig());
  const pipeline = new Map();
  const jobSteps = new Map();
  const add = (map, key, ms) => map.set(key, [...(map.get(key) ?? []), ms]);
  try {
    for (let i = 0; i < timingRuns + 1; i++) {
      const command = run(dir);
      const res = runOnce({ ...command, env: { ...process.env, GLCI_DEBUG_TIMINGS: '1' } });
      checkJobsRan(res);
      if (i === 0) continue; // warm-up
      const records = parseTimings(res.stderr);
      if (records.length === 0) throw new Error('GLCI_DEBUG_TIMINGS=1 printed no glci-timing lines');
      let lastEnd = 0;
      for (const r of records.filter((t) => t.job === '-')) {
        add(pipeline, r.step, r.durationMs);
        lastEnd = Math.max(lastEnd, r.startMs + r.durationMs);
      }
      add(pipeline, 'exit (after the last step, as the benchmark sees it)', res.ms - lastEnd);
      add(pipeline, 'wall', res.ms);
      for (const job of SIX_JOBS) {
        const own = records.filter((t) => t.job === job);
        const whole = own.find((t) => t.step === 'job');
        if (!whole) continue;
        for (const r of own) if (r.step !== 'job') add(jobSteps, r.step, r.durationMs);
        const top = own.filter((t) => t.step !== 'job' && !t.step.includes(':'));
        add(jobSteps, 'other', whole.durationMs - top.reduce((sum, t) => sum + t.durationMs, 0));
        add(jobSteps, 'job', whole.durationMs);
      }
    }
    return { pipeline, jobSteps };
  } catch (error) {
    failures.push(`glci (per-step timings): ${error instanceof Error ? error.message : String(error)}`);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function breakdownTables({ pipeline, jobSteps }) {
  const row = (name, values) => {
    const s = summarize(values);
    return [name, millis(s.min), millis(s.median), millis(s.max)];
  };
  const pipelineRows = [...pipeline].map(([step, values]) => row(step, values));
  const jobRows = [...jobSteps].map(([step, values]) => row(step.includes(':') ? `  ${step}` : step, values));
  return [
    formatTable(['glci run, pipeline steps (GLCI_DEBUG_TIMINGS=1)', 'min', 'median', 'max'], pipelineRows),
    formatTable([`glci, one job's steps (${SIX_JOBS.length} jobs × ${timingRuns} runs)`, 'min', 'median', 'max'], jobRows),
  ].join('\n');
}

function dagBench(cmds, marksFile, failures) {
  const results = new Map();
  for (const { tool, run } of cmds) {
    const dir = makeProject('glci-bench-dag-', dagConfig());
    const waits = [];
    let overlapped = 0;
    const afterRun = () => {
      const marks = readMarks(readFileSync(marksFile, 'utf8'));
      waits.push(Number(marks.get('after-fast first') - marks.get('fast last')) / 1e6);
      if (marks.get('after-fast first') < marks.get('slow last')) overlapped++;
    };
    try {
      const wall = attempt(`${tool} (DAG)`, failures, () =>
        measure({ ...run(dir), runs: dagRuns, beforeRun: () => writeFileSync(marksFile, ''), afterRun }));
      results.set(tool, wall ? { wall, wait: summarize(waits), overlapped } : null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

const ratio = (a, b) => (a && b && b.median > 0 ? `${(a.median / b.median).toFixed(2)}x` : '');
const met = (median, target) => (median <= target ? 'met' : 'missed');

function pipelineTable(results) {
  const peer = results.get('gitlab-ci-local');
  const rows = [...results].map(([tool, r]) => {
    const name = tool === 'gitlab-ci-local' ? tool : `${tool}: run --executor shell`;
    if (!r) return [name, 'failed', '', '', '', '', '', ''];
    const isGlci = tool !== 'gitlab-ci-local';
    const target = isGlci ? `≤ ${seconds(PIPELINE_TARGET_MS)} (${met(r.median, PIPELINE_TARGET_MS)})` : '';
    const paired = isGlci ? pairedRatio(r, peer) : null;
    const vsPeer = isGlci && peer ? `${ratio(r, peer)} (per round ${paired?.toFixed(2) ?? '?'}x) ≤ ${RATIO_TARGET.toFixed(2)}x (${met(r.median / peer.median, RATIO_TARGET)})` : '';
    return [name, seconds(r.min), seconds(r.median), seconds(r.max), `${r.peakRssMb.toFixed(0)} MB`, target, vsPeer];
  });
  const table = formatTable(['6-job pipeline, wall time', 'min', 'median', 'max', 'peak RSS', 'target (median)', 'vs gitlab-ci-local: median ratio (median of per-round ratios), target'], rows);
  const glci = results.get('glci');
  const baseline = results.get('glci (baseline)');
  if (!glci || !baseline) return table;
  return `${table}glci vs glci (baseline): ${ratio(glci, baseline)} (per round ${pairedRatio(glci, baseline)?.toFixed(2) ?? '?'}x)\n`;
}

function dagTable(results) {
  const peer = results.get('gitlab-ci-local');
  const rows = [...results].map(([tool, r]) => {
    if (!r) return [tool, 'failed', '', '', '', '', '', ''];
    const target = tool !== 'gitlab-ci-local' ? `≤ ${millis(WAIT_TARGET_MS)} (${met(r.wait.median, WAIT_TARGET_MS)})` : '';
    return [tool, millis(r.wait.min), millis(r.wait.median), millis(r.wait.max), `${r.overlapped}/${dagRuns}`, seconds(r.wall.median), target, tool !== 'gitlab-ci-local' ? ratio(r.wait, peer?.wait) : ''];
  });
  return formatTable(['DAG: after-fast start − fast end', 'min', 'median', 'max', 'started before slow ended', 'wall (median)', 'target (median)', 'vs gitlab-ci-local (median)'], rows);
}

/** gitlab-ci-local copies the project into its state folder with rsync: without it every job fails. */
function requireRsync() {
  const rsync = spawnSync('rsync', ['--version'], { encoding: 'utf8' });
  if (rsync.error || rsync.status !== 0) {
    process.stderr.write('gitlab-ci-local copies the project with rsync, which is not installed: install it (Debian/Ubuntu: `apt-get install -y rsync`), or run with --no-peer\n');
    process.exit(1);
  }
}

async function main() {
  if (baselineDir && !existsSync(join(baselineDir, 'dist'))) {
    process.stderr.write(`--baseline ${baselineDir}: no dist/ there; run \`npm run build\` in that checkout first\n`);
    process.exit(1);
  }
  if (withPeer) requireRsync();
  const peer = withPeer ? await ensurePeer() : null;
  const marksDir = mkdtempSync(join(tmpdir(), 'glci-bench-marks-'));
  const failures = [];
  try {
    const cmds = commands(peer, join(marksDir, 'marks'));
    const pipeline = pipelineBench(cmds, failures);
    process.stdout.write(`${pipelineTable(pipeline)}\n`);
    const glci = cmds.find((c) => c.tool === 'glci');
    const breakdown = glci ? timingBreakdown(glci.run, failures) : null;
    if (breakdown) process.stdout.write(`${breakdownTables(breakdown)}\n`);
    if (withDag) process.stdout.write(`${dagTable(dagBench(cmds, join(marksDir, 'marks'), failures))}\n`);
    process.stdout.write(`runs: ${runs} rounds of the 6-job pipeline (one run of each tool per round, the order rotating), ${timingRuns} timed glci runs for the steps${withDag ? `, ${dagRuns} DAG runs (slow job sleeps ${SLOW_SECONDS} s)` : ''}, each after 1 warm-up; node ${process.version}; ratio < 1 means glci is faster\n`);
  } finally {
    rmSync(marksDir, { recursive: true, force: true });
  }
  reportFailures(failures);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
