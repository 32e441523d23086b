#!/usr/bin/env node
// Benchmark: the fast path of `glci hook run`, the pre-commit hook's cost when no selected job would
// run. A temporary git project whose `test` jobs have `rules:changes` on src/** and docs/**; only
// README.md is staged, so nothing matches and glci must answer after planning, without exporting the
// index. Whole-process wall time, min/median/max over RUNS runs (after one warm-up), beside two
// reference processes on the same project: `node -e ""` and `glci list`.
// Target (issue "Step 5"): glci hook run median ≤ 0.3 s.
// Usage: npm run build && node bench/hook.mjs [--runs N]
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject } from './generate.mjs';
import { measure } from './measure.mjs';
import { formatTable, numberFlag, seconds } from './report.mjs';

const runs = numberFlag(process.argv.slice(2), '--runs', 10);
const glciBin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const TARGET_MS = 300;
const FAST_LINE = 'no job of stage "test" would run for the 1 changed file';

const CONFIG = `stages: [build, test, deploy]
compile:
  stage: build
  script: [echo compile]
unit:
  stage: test
  script: [echo unit]
  rules:
    - changes: ["src/**/*"]
lint:
  stage: test
  script: [echo lint]
  rules:
    - changes: ["src/**/*", "docs/**/*"]
publish:
  stage: deploy
  script: [echo publish]
`;

/** The process environment without glci's own settings, which would change what is measured. */
function benchEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GLCI_')));
}

function main() {
  const dir = makeProject('glci-bench-hook-', CONFIG);
  try {
    writeFileSync(join(dir, 'README.md'), 'changed\n');
    execFileSync('git', ['add', 'README.md'], { cwd: dir });
    const env = benchEnv();
    const checkFastPath = (res) => {
      if (!res.stderr.includes(FAST_LINE)) throw new Error(`the fast path did not answer; stderr:\n${res.stderr.slice(-2000)}`);
      if (existsSync(join(dir, '.glci'))) throw new Error('the fast path created the state directory: it ran something');
    };
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
