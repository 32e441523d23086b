// Runs a command several times and reports wall time (min/median/max) and peak RSS of the Node process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rssHook = fileURLToPath(new URL('./max-rss.mjs', import.meta.url));

/** min/median/max of a non-empty list of numbers (the upper median when the count is even). */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
}

/** The end of a failed run's output: enough to see the error without flooding the report. */
function failureText(res) {
  const out = `${res.stderr ?? ''}${res.stderr?.trim() ? '' : res.stdout ?? ''}`.trim();
  return out.length > 2000 ? `...${out.slice(-2000)}` : out;
}

/**
 * `node` and `args` name a Node program; it is started with the RSS hook preloaded. `beforeRun()` is
 * called before every run (warm-up included) and `afterRun(result)` after every measured run, with the
 * spawnSync result: callers use them to reset and read per-run side effects outside the process.
 */
export function measure({ node, args, cwd, env = process.env, runs = 10, warmup = 1, beforeRun, afterRun }) {
  const dir = mkdtempSync(join(tmpdir(), 'glci-bench-'));
  const rssFile = join(dir, 'rss');
  const times = [];
  try {
    for (let i = 0; i < warmup + runs; i++) {
      beforeRun?.();
      const start = process.hrtime.bigint();
      const res = spawnSync(node, ['--import', rssHook, ...args], { cwd, env: { ...env, BENCH_RSS_FILE: rssFile }, encoding: 'utf8', maxBuffer: 64 << 20 });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (res.error) throw res.error;
      if (res.status !== 0) throw new Error(`${args.join(' ')} exited ${res.status ?? res.signal}:\n${failureText(res)}`);
      if (i >= warmup) {
        times.push(ms);
        afterRun?.(res);
      }
    }
    const rss = readFileSync(rssFile, 'utf8').trim().split('\n').map(Number).slice(warmup);
    return { ...summarize(times), peakRssMb: Math.max(...rss) / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
