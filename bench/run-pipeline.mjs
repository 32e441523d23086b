#!/usr/bin/env node
// Benchmark: `glci run --executor shell` against gitlab-ci-local running the same pipeline on the host
// shell (neither pipeline names an image).
//  1. A 6-job, 3-stage pipeline with one `needs`: whole-process wall time, min/median/max over RUNS runs.
//  2. A DAG with a slow branch: how long a job whose need has finished waits before its first command.
//     Each job appends "<job> first|last <ns>" to a file outside the project (date +%s%N) as its first
//     and last command, so the figure comes from the jobs themselves, the same way for both tools.
// Targets (issue "Step 2"): 6-job pipeline ≤ 0.4 s wall; a ready job starts ≤ 50 ms after its last need ends.
// Usage: npm run build && node bench/run-pipeline.mjs [--runs N] [--dag-runs N] [--no-peer] [--no-glci]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attempt, reportFailures } from './failures.mjs';
import { makeProject } from './generate.mjs';
import { measure, summarize } from './measure.mjs';
import { ensurePeer, peerEnv } from './peer.mjs';
import { formatTable, millis, numberFlag, seconds } from './report.mjs';

const argv = process.argv.slice(2);
const runs = numberFlag(argv, '--runs', 10);
const dagRuns = numberFlag(argv, '--dag-runs', 5);
const withPeer = !argv.includes('--no-peer');
const withGlci = !argv.includes('--no-glci');
const glciBin = fileURLToPath(new URL('../bin/run.js', import.meta.url));

const PIPELINE_TARGET_MS = 400;
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
  if (withGlci) {
    list.push({
      tool: 'glci',
      run: (dir) => ({ node: process.execPath, args: [glciBin, 'run', '--executor', 'shell', '--variable', `BENCH_MARKS=${marksFile}`, '--cwd', dir], cwd: dir }),
    });
  }
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

function pipelineBench(cmds, failures) {
  const results = new Map();
  for (const { tool, run } of cmds) {
    // Each tool gets its own project so neither sees the other's state directory.
    const dir = makeProject('glci-bench-six-', sixJobConfig());
    try {
      const checkJobsRan = (res) => {
        const missing = SIX_JOBS.filter((name) => !res.stdout.includes(`job ${name} done`));
        if (missing.length > 0) throw new Error(`exited 0 but these jobs printed nothing: ${missing.join(', ')}\n${res.stdout.slice(-2000)}`);
      };
      results.set(tool, attempt(`${tool} (6-job pipeline)`, failures, () => measure({ ...run(dir), runs, afterRun: checkJobsRan })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
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
    const name = tool === 'glci' ? 'glci run --executor shell' : 'gitlab-ci-local';
    if (!r) return [name, 'failed', '', '', '', '', ''];
    const target = tool === 'glci' ? `≤ ${seconds(PIPELINE_TARGET_MS)} (${met(r.median, PIPELINE_TARGET_MS)})` : '';
    return [name, seconds(r.min), seconds(r.median), seconds(r.max), `${r.peakRssMb.toFixed(0)} MB`, target, tool === 'glci' ? ratio(r, peer) : ''];
  });
  return formatTable(['6-job pipeline, wall time', 'min', 'median', 'max', 'peak RSS', 'target (median)', 'vs gitlab-ci-local (median)'], rows);
}

function dagTable(results) {
  const peer = results.get('gitlab-ci-local');
  const rows = [...results].map(([tool, r]) => {
    if (!r) return [tool, 'failed', '', '', '', '', '', ''];
    const target = tool === 'glci' ? `≤ ${millis(WAIT_TARGET_MS)} (${met(r.wait.median, WAIT_TARGET_MS)})` : '';
    return [tool, millis(r.wait.min), millis(r.wait.median), millis(r.wait.max), `${r.overlapped}/${dagRuns}`, seconds(r.wall.median), target, tool === 'glci' ? ratio(r.wait, peer?.wait) : ''];
  });
  return formatTable(['DAG: after-fast start − fast end', 'min', 'median', 'max', 'started before slow ended', 'wall (median)', 'target (median)', 'vs gitlab-ci-local (median)'], rows);
}

async function main() {
  const peer = withPeer ? await ensurePeer() : null;
  const marksDir = mkdtempSync(join(tmpdir(), 'glci-bench-marks-'));
  const failures = [];
  try {
    const cmds = commands(peer, join(marksDir, 'marks'));
    const pipeline = pipelineBench(cmds, failures);
    const dag = dagBench(cmds, join(marksDir, 'marks'), failures);
    process.stdout.write(`${pipelineTable(pipeline)}\n${dagTable(dag)}\n`);
    process.stdout.write(`runs: ${runs} (6-job pipeline), ${dagRuns} (DAG; slow job sleeps ${SLOW_SECONDS} s), each after 1 warm-up run; node ${process.version}; ratio < 1 means glci is faster\n`);
  } finally {
    rmSync(marksDir, { recursive: true, force: true });
  }
  reportFailures(failures);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
