// How the runner's artifact and cache archives scale: a project of one large sparse file (zeros, as
// build outputs often are mostly) and 64 MiB of random bytes, zipped the streaming way (file to file,
// what runner mode does) and the in-memory way (what it did before), then read back into a tar. Each
// step runs in a process of its own so its peak RSS is its own. No peer: gitlab-ci-local has no runner
// mode. The library code is bundled from src/ with esbuild (a dev dependency) into bench/.cache.
//
//   node bench/archives.mjs [--size-mib 1024]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const sizeArg = process.argv.indexOf('--size-mib');
const sizeMib = sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : 1024;

const worker = `
import { packPaths } from '${root}/src/platform/archive.ts';
import { tarToZipFile } from '${root}/src/platform/zip-file-writer.ts';
import { tarToZip } from '${root}/src/platform/zip-archive.ts';
import { zipFileToTar } from '${root}/src/platform/zip-file-reader.ts';
import { writeFileSync } from 'node:fs';
const [mode, dir, out] = process.argv.slice(2);
const started = Date.now();
let bytes = 0;
if (mode === 'zip-to-file') bytes = (await tarToZipFile(packPaths(dir, ['dist']), out)).bytes;
else if (mode === 'zip-in-memory') { const { zip } = await tarToZip(packPaths(dir, ['dist'])); writeFileSync(out, zip); bytes = zip.length; }
else for await (const chunk of zipFileToTar(out)) bytes += chunk.length;
console.log(JSON.stringify({ mode, bytes, ms: Date.now() - started, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
`;

const cache = join(root, 'bench', '.cache');
mkdirSync(cache, { recursive: true });
const entry = join(cache, 'archives-worker.mts');
writeFileSync(entry, worker);
const bundle = join(cache, 'archives-worker.mjs');
await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'warning' });

const work = mkdtempSync(join(tmpdir(), 'glci-bench-archives-'));
try {
  mkdirSync(join(work, 'dist'));
  const big = join(work, 'dist', 'image.img');
  writeFileSync(big, '');
  truncateSync(big, sizeMib * 1024 * 1024);
  writeFileSync(join(work, 'dist', 'random.bin'), randomBytes(64 * 1024 * 1024));
  const run = (mode, out) => JSON.parse(execFileSync(process.execPath, [bundle, mode, work, out], { encoding: 'utf8' }));
  const rows = [run('zip-to-file', join(work, 'a.zip')), run('tar-from-zip-file', join(work, 'a.zip')), run('zip-in-memory', join(work, 'b.zip'))];
  console.log(`project: ${sizeMib} MiB sparse file + 64 MiB random`);
  console.log('step                 output MB   seconds   peak RSS MB');
  for (const r of rows) console.log(`${r.mode.padEnd(20)} ${(r.bytes / 1e6).toFixed(1).padStart(9)} ${(r.ms / 1000).toFixed(2).padStart(9)} ${String(r.maxRssMb).padStart(13)}`);
  const [file, , memory] = rows;
  console.log(`streaming / in-memory: time ${(file.ms / memory.ms).toFixed(2)}, peak RSS ${(file.maxRssMb / memory.maxRssMb).toFixed(2)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
