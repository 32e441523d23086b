#!/usr/bin/env node
// Benchmark: the fast path of `glci hook run`, the pre-commit hook's cost when no selected job would
// run. A temporary git project whose `test` jobs have `rules:changes` on src/** and docs/**; only
// README.md is staged, so nothing matches and glci must answer after planning, without exporting the
// index. Whole-process wall time, min/median/max over RUNS runs (after one warm-up), beside two
// reference processes on the same project: `node -e ""` and `glci list`.
// Target (issue "Step 5"): glci hook run median ≤ 0.3 s.
// Usage: npm run build && node bench/hook.mjs [--runs N]
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchEnv, checkHookFastPath, makeHookProject } from './hook-project.mjs';
import { measure } from './measure.mjs';
import { formatTable, numberFlag, seconds } from './report.mjs';

const runs = numberFlag(process.argv.slice(2), '--runs', 10);
const glciBin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const TARGET_MS = 300;

function main() {
  const dir = makeHookProject();
  try {
    const env = benchEnv();
    const checkFastPath = (res) => checkHookFastPath(dir, res);
    const rows = [
      ['glci hook run (nothing matches)', measure({ node: process.execPath, args: [glciBin, 'hook', 'run', '--cwd', dir], cwd: dir, env, runs, afterRun: checkFastPath }), true],
      ['glci list (reference)', measure({ node: process.execPath, args: [glciBin, 'list', '--cwd', dir], cwd: dir, env, runs }), false],
      ['node -e "" (reference)', measure({ node: process.execPath, args: ['-e', ''], cwd: dir, env, runs }), false],
    ].map(([name, r, targeted]) => {
      const target = targeted ? `≤ ${seconds(TARGET_MS)} (${r.median <= TARGET_MS ? 'met' : 'missed'})` : '';
      return [name, seconds(r.min), seconds(r.median), seconds(r.max), `${r.peakRssMb.toFixed(0)} MB`, target];
    });
    process.stdout.write(formatTable(['wall time', 'min', 'median', 'max', 'peak RSS', 'target (median)'], rows));
    process.stdout.write(`runs: ${runs} each, after 1 warm-up run; node ${process.version}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
