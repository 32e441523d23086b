#!/usr/bin/env node
// Benchmark: the commands whose time is mostly start-up, against gitlab-ci-local on the same projects.
// Each group runs its commands side by side, one run of each per round with the order rotating
// (side-by-side.mjs), so a machine busy with other work slows all of them alike; a ratio is the median
// of the per-round ratios. gitlab-ci-local has no lint, explain or hook command: its cheapest command,
// `--list` (which also reads, validates and evaluates the whole file, rules:changes included), is the
// yardstick on every project.
//   small      examples/hello: glci list, glci lint, glci explain unit
//   1000 jobs  generate.mjs: glci list, glci lint
//   hook       hook-project.mjs, nothing to run: glci hook run, glci list
//   start      glci --version against node -e 0
// Targets: issue "Step 6", the small project's commands and the hook in at most a third of
// gitlab-ci-local's time (≤ 0.33x), glci --version within 15 ms of node -e 0; issue "Step 1", small
// list ≤ 0.2 s, 1,000 jobs ≤ 0.5 s and ≤ 150 MB.
// Usage: npm run build && node bench/run.js [--runs N] [--no-peer] [--baseline DIR]; on another Node:
// `"$NODE" bench/run.js`. --baseline DIR: another built tree of glci, run side by side as `[baseline]`.
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProjects } from './generate.mjs';
import { benchEnv, checkHookFastPath, makeHookProject } from './hook-project.mjs';
import { ensurePeer, peerEnv } from './peer.mjs';
import { formatTable, numberFlag, seconds as fmt } from './report.mjs';
import { measureSideBySide, pairedRatio } from './side-by-side.mjs';

const argv = process.argv.slice(2);
const runs = numberFlag(argv, '--runs', 10);
const withPeer = !argv.includes('--no-peer');
const glci = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const baselineAt = argv.indexOf('--baseline');
const baseline = baselineAt >= 0 ? join(resolve(argv[baselineAt + 1] ?? '.'), 'bin/run.js') : null;
for (const bin of [glci, baseline].filter(Boolean)) {
  if (!existsSync(join(bin, '../../dist/commands/list.js'))) {
    process.stderr.write(`${join(bin, '../..')}: glci is not built: run \`npm run build\` there first\n`);
    process.exit(1);
  }
}

const THIRD = 1 / 3;
const VERSION_SLACK_MS = 15;
const env = benchEnv();
const BASE = ' [baseline]';
/** A glci entry, and its baseline twin when --baseline is given. */
const glciRun = (name, args, cwd, extra = {}) => [
  { name, command: { node: process.execPath, args: [glci, ...args], cwd, env }, ...extra },
  ...(baseline ? [{ name: `${name}${BASE}`, command: { node: process.execPath, args: [baseline, ...args], cwd, env }, ...extra }] : []),
];
const peerRun = (peer, name, cwd) => ({ name, command: { node: peer.node, args: [peer.entry, '--list'], cwd, env: peerEnv(env) } });

const rows = [];
const failures = [];
const ratioText = (r) => (r === null ? '' : `${r.toFixed(2)}x`);

/**
 * One group: `entries` side by side, then a row each. `describe(name, results)` gives a row's
 * { target, met (true, false, or null: unknown), peer and list ratios }, or null for a reference row.
 */
function group(entries, describe) {
  const results = measureSideBySide(entries, { runs });
  for (const entry of entries) {
    const r = results.get(entry.name);
    if (r.error) {
      failures.push(`${entry.name}: ${r.error.message}`);
      rows.push([entry.name, 'failed', '', '', '', '', '', '', ...(baseline ? [''] : [])]);
      continue;
    }
    const { target = '', peer, list, met } = describe(entry.name.replace(BASE, ''), results, entry.name.endsWith(BASE) ? BASE : '') ?? {};
    const verdict = met === undefined || met === null ? '' : met ? ' (met)' : ' (missed)';
    const row = [entry.name, fmt(r.min), fmt(r.median), fmt(r.max), `${r.peakRssMb.toFixed(0)} MB`, `${target}${target ? verdict : ''}`, ratioText(peer ?? null), ratioText(list ?? null)];
    if (baseline) row.push(entry.name.startsWith('glci ') && !entry.name.endsWith(BASE) ? ratioText(pairedRatio(r, results.get(`${entry.name}${BASE}`))) : '');
    rows.push(row);
  }
}

/**
 * Ratios of glci's row `name + suffix` (suffix: '' or the baseline's) to gitlab-ci-local's `--list` and
 * to glci list of the same build in the same group (null: none).
 */
function versus(results, name, suffix, peerName, listName) {
  const ratio = (other) => (other ? pairedRatio(results.get(`${name}${suffix}`), results.get(other)) : null);
  return { peer: ratio(peerName), list: ratio(listName ? `${listName}${suffix}` : null) };
}

/** The row of a command that must take at most a third of gitlab-ci-local's time (and `maxMs`). */
function aThird(results, name, suffix, peerName, listName, maxMs) {
  const ratios = versus(results, name, suffix, peerName, listName);
  const target = maxMs ? `≤ 0.33x, ≤ ${fmt(maxMs)}` : '≤ 0.33x';
  const inTime = !maxMs || results.get(`${name}${suffix}`).median <= maxMs;
  return { ...ratios, target, met: ratios.peer === null ? null : ratios.peer <= THIRD && inTime };
}

const { small, large } = makeProjects();
const hook = makeHookProject();
try {
  const peer = withPeer ? await ensurePeer() : null;
  const peerName = (label) => (peer ? `gitlab-ci-local --list (${label})` : null);
  const peerOf = (label, dir) => (peer ? [peerRun(peer, peerName(label), dir)] : []);

  group([...glciRun('glci list (small)', ['list'], small), ...glciRun('glci lint (small)', ['lint'], small), ...glciRun('glci explain unit (small)', ['explain', 'unit'], small), ...peerOf('small', small)], (name, results, suffix) => {
    if (name === 'glci list (small)') return aThird(results, name, suffix, peerName('small'), null, 200);
    if (name.startsWith('glci')) return aThird(results, name, suffix, peerName('small'), 'glci list (small)');
    return null;
  });

  group([...glciRun('glci list (1000 jobs)', ['list'], large), ...glciRun('glci lint (1000 jobs)', ['lint'], large), ...peerOf('1000 jobs', large)], (name, results, suffix) => {
    if (!name.startsWith('glci')) return null;
    const r = results.get(`${name}${suffix}`);
    const ratios = versus(results, name, suffix, peerName('1000 jobs'), name.includes('lint') ? 'glci list (1000 jobs)' : null);
    return { ...ratios, target: '≤ 0.500 s, ≤ 150 MB', met: r.median <= 500 && r.peakRssMb <= 150 };
  });

  const fastPath = (res) => checkHookFastPath(hook, res);
  group([...glciRun('glci hook run (nothing to run)', ['hook', 'run'], hook, { afterRun: fastPath }), ...glciRun('glci list (hook project)', ['list'], hook), ...peerOf('hook project', hook)], (name, results, suffix) => {
    if (name === 'glci hook run (nothing to run)') return aThird(results, name, suffix, peerName('hook project'), 'glci list (hook project)');
    return null;
  });

  const nodeZero = { name: 'node -e 0', command: { node: process.execPath, args: ['-e', '0'], cwd: small, env } };
  group([...glciRun('glci --version', ['--version'], small), nodeZero], (name, results, suffix) => {
    if (name !== 'glci --version') return null;
    const [version, node] = [results.get(`${name}${suffix}`), results.get('node -e 0')];
    return { target: `≤ node -e 0 + ${VERSION_SLACK_MS} ms (${node.error ? '?' : `+${(version.median - node.median).toFixed(0)} ms`})`, met: node.error ? null : version.median - node.median <= VERSION_SLACK_MS };
  });
} finally {
  for (const dir of [small, large, hook]) rmSync(dir, { recursive: true, force: true });
}

const header = ['command', 'min', 'median', 'max', 'peak RSS', 'target', 'vs gitlab-ci-local --list', 'vs glci list', ...(baseline ? ['vs baseline'] : [])];
process.stdout.write(formatTable(header, rows));
process.stdout.write(`${runs} counted rounds per group after 1 warm-up; node ${process.version} (gitlab-ci-local: its own Node 22); a ratio is the median of per-round ratios, below 1 means glci is faster\n`);
if (failures.length > 0) {
  process.stderr.write(`\n${failures.join('\n\n')}\n`);
  process.exitCode = 1;
}
