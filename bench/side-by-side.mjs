// Runs several commands in rounds, one run of each per round (the order rotating), so that a machine
// shared with other work slows every command alike and their ratio stays meaningful. Reports wall time
// (min/median/max), peak RSS of each Node process, and the per-round ratio of two of them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from './measure.mjs';

const rssHook = fileURLToPath(new URL('./max-rss.mjs', import.meta.url));

function failureText(res) {
  const out = `${res.stderr ?? ''}${res.stderr?.trim() ? '' : res.stdout ?? ''}`.trim();
  return out.length > 2000 ? `...${out.slice(-2000)}` : out;
}

/**
 * One run of a Node program with the RSS hook preloaded; throws unless it exits 0. Returns the
 * spawnSync result with `ms` (wall time) and `rssKb` (the process's peak resident memory).
 */
export function runOnce({ node, args, cwd, env = process.env }) {
  const dir = mkdtempSync(join(tmpdir(), 'glci-bench-rss-'));
  const rssFile = join(dir, 'rss');
  try {
    writeFileSync(rssFile, '');
    const start = process.hrtime.bigint();
    const res = spawnSync(node, ['--import', rssHook, ...args], { cwd, env: { ...env, BENCH_RSS_FILE: rssFile }, encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.error) throw res.error;
    if (res.status !== 0) throw new Error(`${args.join(' ')} exited ${res.status ?? res.signal}:\n${failureText(res)}`);
    return { ...res, ms, rssKb: Number(readFileSync(rssFile, 'utf8').trim()) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `entries`: [{ name, command: { node, args, cwd, env }, afterRun(res) }]. Runs `warmup` uncounted rounds,
 * then `runs` counted ones. A command that fails is dropped from the later rounds (its error is kept).
 * Returns Map(name → { min, median, max, peakRssMb, times } | { error }).
 */
export function measureSideBySide(entries, { runs, warmup = 1 }) {
  const state = new Map(entries.map((e) => [e.name, { times: [], rss: [], error: null }]));
  for (let round = 0; round < warmup + runs; round++) {
    const order = entries.map((_, i) => entries[(i + round) % entries.length]);
    for (const entry of order) {
      const s = state.get(entry.name);
      if (s.error) continue;
      try {
        const res = runOnce(entry.command);
        if (round < warmup) continue;
        entry.afterRun?.(res);
        s.times.push(res.ms);
        s.rss.push(res.rssKb);
      } catch (error) {
        s.error = error;
      }
    }
  }
  const results = new Map();
  for (const [name, s] of state) {
    results.set(name, s.error ? { error: s.error } : { ...summarize(s.times), peakRssMb: Math.max(...s.rss) / 1024, times: s.times });
  }
  return results;
}

/** The median of round-by-round ratios a/b (both counted in the same rounds), or null. */
export function pairedRatio(a, b) {
  if (!a?.times || !b?.times || a.times.length !== b.times.length) return null;
  return summarize(a.times.map((t, i) => t / b.times[i])).median;
}
