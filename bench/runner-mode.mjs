#!/usr/bin/env node
// Benchmark: `glci runner run` (shell executor) against a GitLab stand-in (runner-double.mjs, in this
// process), started from the built CLI as a separate process, as a user would run it.
//  1. Trace latency, output to server: a job prints "tick N <date +%s%N>" every 200 ms for ~5 s; the
//     double records when each PATCH arrives and which complete lines it carries; latency = arrival −
//     the line's own timestamp. Median and p95, for the runner's default update interval (3 s, no
//     header) and for X-GitLab-Trace-Update-Interval: 1.
//  2. Overhead per job: `echo hello` run by `glci run JOB --executor shell --no-tui` in a tiny git
//     project (whole-process wall time, and the "Pipeline passed in" time glci prints), and by the
//     runner, from enqueue to the final PUT at the double, the runner already polling (its jobs/request
//     held, as Workhorse long polling does), once with GIT_STRATEGY none and once fetching from a local
//     file:// repository. Rounds alternate between the cases so machine load slows them alike.
// Usage: npm run build && node bench/runner-mode.mjs [--runs N] [--latency-jobs N] [--no-latency] [--no-overhead]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportFailures } from './failures.mjs';
import { makeProject } from './generate.mjs';
import { summarize } from './measure.mjs';
import { formatTable, millis, numberFlag } from './report.mjs';
import { jobPayload, startDouble, wallMs } from './runner-double.mjs';

const argv = process.argv.slice(2);
const runs = numberFlag(argv, '--runs', 10);
const latencyJobs = numberFlag(argv, '--latency-jobs', 3);
const withLatency = !argv.includes('--no-latency');
const withOverhead = !argv.includes('--no-overhead');
const glciBin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const TICKS = 25;
const TICK_SCRIPT = `for i in $(seq 1 ${TICKS}); do echo "tick $i $(date +%s%N)"; sleep 0.2; done`;

/** The given quantile (0..1) of a non-empty list, nearest rank. */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Starts `glci runner run` on a config.toml pointing at the double; resolves once it is polling. */
async function startRunnerProcess(double) {
  const dir = mkdtempSync(join(tmpdir(), 'glci-bench-runner-'));
  const config = join(dir, 'config.toml');
  const toml = ['concurrent = 1', 'check_interval = 1', 'shutdown_timeout = 5', '', '[[runners]]', '  name = "bench"', `  url = "${double.url}"`, '  token = "glrt-t1_benchbenchbenchbenchbench"', '  executor = "shell"', ''];
  writeFileSync(config, toml.join('\n'), { mode: 0o600 });
  const child = spawn(process.execPath, [glciBin, 'runner', 'run', '--config', config, '--working-directory', dir], {
    cwd: dir,
    env: { ...process.env, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const early = exited.then((code) => Promise.reject(new Error(`glci runner run exited ${code} before polling:\n${log.slice(-2000)}`)));
  await Promise.race([double.whenPolling(), early]);
  return {
    log: () => log,
    stop: async () => {
      child.kill('SIGQUIT');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** One job through the runner: enqueued while the runner's request is held; resolves with the job record. */
async function runnerJob(double, runner, payload, timeoutMs = 60_000) {
  await double.whenPolling();
  const job = double.enqueue(payload);
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`job ${job.id} got no final update in ${timeoutMs} ms; runner log:\n${runner.log().slice(-3000)}`)), timeoutMs)));
  try {
    await Promise.race([job.finished, timeout]);
  } finally {
    clearTimeout(timer);
  }
  if (job.final.state !== 'success') throw new Error(`job ${job.id} ended ${job.final.state}:\n${job.trace.toString().slice(-2000)}`);
  return job;
}

/**
 * Latency of every tick line: arrival of the PATCH that completed it − its own timestamp. `steady`: only
 * lines written after the first PATCH arrived (by then the runner has seen the server's interval).
 */
function tickLatencies(job) {
  const latencies = [];
  const steady = [];
  const seen = new Set();
  let text = '';
  for (const patch of job.patches) {
    const before = text.lastIndexOf('\n') + 1;
    text += job.trace.subarray(patch.start, patch.start + patch.bytes).toString('utf8');
    const completed = text.slice(before, text.lastIndexOf('\n') + 1);
    for (const m of completed.matchAll(/^.*?\btick (\d+) (\d{19})[ \t\r]*$/gm)) {
      if (seen.has(m[1])) continue;
      seen.add(m[1]);
      const writtenAt = Number(BigInt(m[2]) / 1000n) / 1000;
      latencies.push(patch.arrivedAt - writtenAt);
      if (writtenAt > job.patches[0].arrivedAt) steady.push(patch.arrivedAt - writtenAt);
    }
  }
  if (seen.size !== TICKS) throw new Error(`job ${job.id}: ${seen.size} of ${TICKS} tick lines reached the double; trace:\n${job.trace.toString().slice(-2000)}`);
  return { latencies, steady };
}

async function latencyBench(intervalSeconds, failures) {
  const double = await startDouble({ traceUpdateIntervalSeconds: intervalSeconds });
  let runner;
  try {
    runner = await startRunnerProcess(double);
    const res = { latencies: [], steady: [], patches: [], firstPatch: [] };
    for (let i = 0; i < latencyJobs; i++) {
      const job = await runnerJob(double, runner, jobPayload({ name: 'ticks', script: [TICK_SCRIPT], variables: [['GIT_STRATEGY', 'none']] }));
      const { latencies, steady } = tickLatencies(job);
      res.latencies.push(...latencies);
      res.steady.push(...steady);
      res.patches.push(job.patches.length);
      res.firstPatch.push(job.patches[0].arrivedAt - job.takenAt);
    }
    return res;
  } catch (error) {
    failures.push(`trace latency (${intervalSeconds ?? 'default'} s): ${error.message}`);
    return null;
  } finally {
    await runner?.stop();
    await double.close();
  }
}

function runLocal(dir) {
  return new Promise((resolve, reject) => {
    const start = wallMs();
    const child = spawn(process.execPath, [glciBin, 'run', 'hello', '--executor', 'shell', '--no-tui', '--cwd', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const ms = wallMs() - start;
      const inner = /Pipeline passed in (\d+(?:\.\d+)?)(ms|s)\b/.exec(out);
      if (code !== 0 || !/^hello \| hello$/m.test(out) || !inner) return reject(new Error(`glci run exited ${code}:\n${out.slice(-2000)}`));
      resolve({ ms, pipelineMs: Number(inner[1]) * (inner[2] === 's' ? 1000 : 1) });
    });
  });
}

function localRepository() {
  const dir = makeProject('glci-bench-runner-repo-', 'hello:\n  script:\n    - echo hello\n');
  const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
  const branch = execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
  return { dir, sha, branch, url: `file://${dir}` };
}

function fetchPayload(repo) {
  const gitInfo = { repo_url: repo.url, ref: repo.branch, sha: repo.sha, ref_type: 'branch', depth: 20, refspecs: [`+refs/heads/${repo.branch}:refs/remotes/origin/${repo.branch}`] };
  const variables = [['CI_COMMIT_SHA', repo.sha], ['CI_COMMIT_REF_NAME', repo.branch], ['CI_COMMIT_BRANCH', repo.branch], ['CI_REPOSITORY_URL', repo.url], ['CI_PROJECT_PATH', 'group/project']];
  return jobPayload({ name: 'hello', script: ['echo hello'], variables, gitInfo });
}

async function overheadBench(failures) {
  const repo = localRepository();
  const double = await startDouble({});
  const samples = { local: [], pipeline: [], none: [], fetch: [] };
  let runner;
  try {
    runner = await startRunnerProcess(double);
    const cases = {
      local: async () => {
        const r = await runLocal(repo.dir);
        samples.pipeline.push(r.pipelineMs);
        return r.ms;
      },
      none: async () => {
        const job = await runnerJob(double, runner, jobPayload({ name: 'hello', script: ['echo hello'], variables: [['GIT_STRATEGY', 'none']] }));
        if (!/^hello\s*$/m.test(job.trace.toString())) throw new Error(`no "hello" in the trace:\n${job.trace}`);
        return job.final.arrivedAt - job.enqueuedAt;
      },
      fetch: async () => {
        const job = await runnerJob(double, runner, fetchPayload(repo));
        if (!/^hello\s*$/m.test(job.trace.toString())) throw new Error(`no "hello" in the trace:\n${job.trace}`);
        return job.final.arrivedAt - job.enqueuedAt;
      },
    };
    const names = Object.keys(cases);
    for (let round = 0; round < runs + 1; round++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + round) % names.length];
        const ms = await cases[name]();
        if (round > 0) samples[name].push(ms);
        else if (name === 'local') samples.pipeline.pop(); // the warm-up round is not counted
      }
    }
    return samples;
  } catch (error) {
    failures.push(`overhead: ${error.message}`);
    return null;
  } finally {
    await runner?.stop();
    await double.close();
    rmSync(repo.dir, { recursive: true, force: true });
  }
}

function printLatency(rows) {
  const table = [];
  const notes = [];
  for (const { label, res } of rows) {
    for (const [which, xs] of [['all lines', res.latencies], ['after 1st PATCH', res.steady]]) {
      if (xs.length === 0) continue;
      const s = summarize(xs);
      table.push([label, which, String(xs.length), millis(s.min), millis(quantile(xs, 0.5)), millis(quantile(xs, 0.95)), millis(s.max)]);
    }
    notes.push(`${label}: PATCHes per job ${res.patches.join(', ')}; 1st PATCH ${res.firstPatch.map((ms) => millis(ms)).join(', ')} after the job was handed out`);
  }
  process.stdout.write(`\nTrace latency, line written by the script → PATCH at the server (${latencyJobs} jobs × ${TICKS} lines, one every 200 ms)\n\n`);
  process.stdout.write(formatTable(['update interval', 'lines', 'count', 'min', 'median', 'p95', 'max'], table));
  process.stdout.write(`\n${notes.join('\n')}\n`);
}

function printOverhead(s) {
  const med = (xs) => quantile(xs, 0.5);
  const ratio = (xs, base) => (med(xs) / med(base)).toFixed(2);
  const row = (label, xs) => [label, millis(Math.min(...xs)), millis(med(xs)), millis(Math.max(...xs)), ratio(xs, s.local), ratio(xs, s.pipeline)];
  process.stdout.write(`\nOverhead per job: echo hello, shell executor, ${runs} rounds (after 1 warm-up)\n\n`);
  process.stdout.write(
    formatTable(
      ['case', 'min', 'median', 'max', 'vs glci run wall', 'vs glci run pipeline'],
      [
        row('glci run (whole process, wall)', s.local),
        row('glci run (its "Pipeline passed in")', s.pipeline),
        row('runner, GIT_STRATEGY none (enqueue → final PUT)', s.none),
        row('runner, fetch file:// (enqueue → final PUT)', s.fetch),
      ],
    ),
  );
  const diff = (xs) => millis(med(xs) - med(s.pipeline));
  process.stdout.write(`\nrunner − glci run pipeline time (medians): GIT_STRATEGY none ${diff(s.none)}, fetch ${diff(s.fetch)}\n`);
}

const failures = [];
if (withLatency) {
  const rows = [];
  for (const [label, seconds] of [['3 s (runner default, no header)', undefined], ['1 s (X-GitLab-Trace-Update-Interval: 1)', 1]]) {
    const res = await latencyBench(seconds, failures);
    if (res) rows.push({ label, res });
  }
  if (rows.length > 0) printLatency(rows);
}
if (withOverhead) {
  const samples = await overheadBench(failures);
  if (samples) printOverhead(samples);
}
reportFailures(failures);
