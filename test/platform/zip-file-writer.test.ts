// The streaming zip writer: what it writes is read back by Python's zipfile (CRC-checked) and by
// Info-ZIP's unzip, with names, contents, modes and symlinks kept; zip64 records (forced with a low
// threshold) read as well; and a large file passes through without being held in memory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packPaths } from '../../src/platform/archive.js';
import { readZip } from '../../src/platform/zip-archive.js';
import { tarToZipFile } from '../../src/platform/zip-file-writer.js';

const longName = `${'deep/'.repeat(25)}file.txt`;
const binary = Buffer.from(Array.from({ length: 300_000 }, (_v, i) => (i * 7919) % 251));

function sampleTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glci-zipw-src-'));
  mkdirSync(join(dir, 'dist', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  writeFileSync(join(dir, 'dist', 'empty'), '', { mode: 0o600 });
  writeFileSync(join(dir, 'dist', 'sub', 'data.bin'), binary);
  writeFileSync(join(dir, 'dist', 'naïve-ünïcode.txt'), 'utf-8 name\n');
  symlinkSync('run.sh', join(dir, 'dist', 'link'));
  mkdirSync(join(dir, 'dist', ...longName.split('/').slice(0, -1)), { recursive: true });
  writeFileSync(join(dir, 'dist', longName), 'long path\n');
  return dir;
}

/** What Python's zipfile reads: testzip's verdict and each entry's name, mode, size and sha256. */
function pythonView(zip: string): { bad: string | null; entries: Array<[string, string, number, string]>; link: string } {
  const script = [
    'import zipfile, sys, json, hashlib',
    'z = zipfile.ZipFile(sys.argv[1])',
    'bad = z.testzip()',
    'entries = [[i.filename, oct(i.external_attr >> 16), i.file_size, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]',
    'print(json.dumps({"bad": bad, "entries": entries, "link": z.read("dist/link").decode()}))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, zip], { encoding: 'utf8' })) as ReturnType<typeof pythonView>;
}

const sha = (data: Buffer) => execFileSync('sha256sum', { input: data, encoding: 'utf8' }).split(' ')[0];

async function zipOf(dir: string, threshold?: number): Promise<{ file: string; entries: number; bytes: number }> {
  const file = join(mkdtempSync(join(tmpdir(), 'glci-zipw-out-')), 'artifacts.zip');
  const result = await tarToZipFile(packPaths(dir, ['dist']), file, threshold === undefined ? {} : { zip64Threshold: threshold });
  return { file, ...result };
}

describe('tarToZipFile', () => {
  it('writes a zip that Python and unzip read back with the same names, contents, modes and symlinks', async () => {
    const dir = sampleTree();
    const { file, entries, bytes } = await zipOf(dir);
    expect(bytes).toBe(statSync(file).size);
    const view = pythonView(file);
    expect(view.bad).toBeNull();
    expect(entries).toBe(view.entries.length);
    const byName = new Map(view.entries.map((e) => [e[0], e]));
    expect(byName.get('dist/run.sh')?.slice(1, 3)).toEqual(['0o100755', 18]);
    expect(byName.get('dist/empty')?.slice(1, 3)).toEqual(['0o100600', 0]);
    expect(byName.get('dist/sub/data.bin')?.[3]).toBe(sha(binary));
    expect(byName.get('dist/sub/')?.[1]).toMatch(/^0o40\d{3}$/);
    expect(byName.get('dist/link')?.[1]).toMatch(/^0o120\d{3}$/);
    expect(byName.has('dist/naïve-ünïcode.txt')).toBe(true);
    expect(byName.has(`dist/${longName}`)).toBe(true);
    expect(view.link).toBe('run.sh');
    // Deflated: the repetitive binary shrinks.
    expect(bytes).toBeLessThan(binary.length);

    const out = mkdtempSync(join(tmpdir(), 'glci-zipw-unzip-'));
    execFileSync('unzip', ['-q', file, '-d', out]);
    expect(readFileSync(join(out, 'dist', 'sub', 'data.bin')).equals(binary)).toBe(true);
    expect(statSync(join(out, 'dist', 'run.sh')).mode & 0o777).toBe(0o755);
    // glci's in-memory reader (used for small archives) agrees.
    expect(readZip(readFileSync(file)).find((e) => e.path === 'dist/sub/data.bin')?.data.equals(binary)).toBe(true);
  });

  it('writes zip64 sizes, offsets and end records where they are needed (forced here by a low threshold)', async () => {
    const dir = sampleTree();
    const { file } = await zipOf(dir, 1);
    const raw = readFileSync(file);
    expect(raw.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true); // zip64 end of central directory
    expect(raw.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true); // its locator
    const view = pythonView(file);
    expect(view.bad).toBeNull();
    expect(view.entries.find((e) => e[0] === 'dist/sub/data.bin')?.[3]).toBe(sha(binary));
    const out = mkdtempSync(join(tmpdir(), 'glci-zipw-unzip64-'));
    execFileSync('unzip', ['-q', file, '-d', out]);
    expect(readFileSync(join(out, 'dist', longName), 'utf8')).toBe('long path\n');
  });

  it('streams a 256 MiB file through without holding it in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glci-zipw-big-'));
    mkdirSync(join(dir, 'dist'));
    const big = join(dir, 'dist', 'big.img');
    writeFileSync(big, '');
    truncateSync(big, 256 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const { file } = await zipOf(dir);
      const listed = execFileSync('unzip', ['-l', file], { encoding: 'utf8' });
      expect(listed).toMatch(/268435456\s+\S+\s+\S+\s+dist\/big\.img/);
    } finally {
      clearInterval(timer);
    }
    expect(peak - before).toBeLessThan(128 * 1024 * 1024);
  }, 120_000);
});
