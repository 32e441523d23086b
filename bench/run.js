#!/usr/bin/env node
// Benchmark: `glci list` / `glci lint` against `gitlab-ci-local --list` on a small pipeline and on a
// generated 1,000-job pipeline. Prints wall time (min/median/max over RUNS runs), peak RSS, and the
// ratio of medians to the peer. Targets (issue "Step 1"): small list ≤ 0.2 s; 1,000 jobs ≤ 0.5 s and ≤ 150 MB.
// Usage: npm run build && node bench/run.js [--runs N] [--no-peer]
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeProjects } from './generate.mjs';
import { measure } from './measure.mjs';
import { ensurePeer, peerEnv } from './peer.mjs';
import { formatTable, numberFlag, seconds as fmt } from './report.mjs';

const argv = process.argv.slice(2);
const runs = numberFlag(argv, '--runs', 10);
const withPeer = !argv.includes('--no-peer');
const glci = fileURLToPath(new URL('../bin/run.js', import.meta.url));

const rows = [];
function record(name, target, r, peer) {
  const ratio = peer ? `${(r.median / peer.median).toFixed(2)}x` : '';
  rows.push([name, fmt(r.min), fmt(r.median), fmt(r.max), `${r.peakRssMb.toFixed(0)} MB`, target, ratio]);
}

const { small, large } = makeProjects();
try {
  const peer = withPeer ? await ensurePeer() : null;
  for (const [label, dir, target] of [['small', small, '≤ 0.200 s'], ['1000 jobs', large, '≤ 0.500 s, ≤ 150 MB']]) {
    const gcl = peer ? measure({ node: peer.node, args: [peer.entry, '--list'], cwd: dir, env: peerEnv(), runs }) : null;
    const list = measure({ node: process.execPath, args: [glci, 'list'], cwd: dir, runs });
    const lint = measure({ node: process.execPath, args: [glci, 'lint'], cwd: dir, runs });
    record(`glci list (${label})`, target, list, gcl);
    record(`glci lint (${label})`, target, lint, gcl);
    if (gcl) record(`gitlab-ci-local --list (${label})`, '', gcl, null);
  }
} finally {
  rmSync(small, { recursive: true, force: true });
  rmSync(large, { recursive: true, force: true });
}

const header = ['command', 'min', 'median', 'max', 'peak RSS', 'target', 'vs gitlab-ci-local (median)'];
process.stdout.write(formatTable(header, rows));
process.stdout.write(`runs per command: ${runs}; node ${process.version}; ratio < 1 means glci is faster\n`);
