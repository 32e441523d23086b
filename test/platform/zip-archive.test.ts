import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listArchive, readArchiveFiles } from '../../src/platform/archive.js';
import { readZip, tarToZip, writeZip, zipToTar } from '../../src/platform/zip-archive.js';
import { Readable } from 'node:stream';
import { tarChunks } from '../../src/platform/tar-writer.js';

const mtime = new Date(2026, 0, 2, 3, 4, 6);
const big = Buffer.from('abc'.repeat(10_000));

function sampleTar(): Readable {
  const t = Math.floor(mtime.getTime() / 1000);
  return Readable.from(
    tarChunks(
      [
        { type: 'directory', path: 'dist', mode: 0o755, mtime: t },
        { type: 'data', path: 'dist/run.sh', mode: 0o755, mtime: t, data: Buffer.from('#!/bin/sh\necho hi\n') },
        { type: 'data', path: 'dist/big.txt', mode: 0o644, mtime: t, data: big },
        { type: 'data', path: 'dist/empty', mode: 0o600, mtime: t, data: Buffer.alloc(0) },
        { type: 'symlink', path: 'dist/link', target: 'run.sh', mtime: t },
      ],
      { uid: 0, gid: 0 },
    ),
  );
}

describe('zip archives', () => {
  it('turns a tar into a zip that Python’s zipfile reads with the same names, contents and modes', async () => {
    const { zip, entries } = await tarToZip(sampleTar());
    expect(entries).toBe(5);
    const dir = mkdtempSync(join(tmpdir(), 'glci-zip-'));
    writeFileSync(join(dir, 'a.zip'), zip);
    const script = [
      'import zipfile, sys, json',
      'z = zipfile.ZipFile(sys.argv[1])',
      'bad = z.testzip()',
      'print(json.dumps({"bad": bad, "entries": [[i.filename, oct(i.external_attr >> 16), len(z.read(i))] for i in z.infolist()], "run": z.read("dist/run.sh").decode()}))',
    ].join('\n');
    const out = JSON.parse(execFileSync('python3', ['-c', script, join(dir, 'a.zip')], { encoding: 'utf8' })) as { bad: null; entries: [string, string, number][]; run: string };
    expect(out.bad).toBeNull();
    expect(out.entries).toEqual([
      ['dist/', '0o40755', 0],
      ['dist/run.sh', '0o100755', 18],
      ['dist/big.txt', '0o100644', 30_000],
      ['dist/empty', '0o100600', 0],
      ['dist/link', '0o120777', 6],
    ]);
    expect(out.run).toBe('#!/bin/sh\necho hi\n');
    expect(zip.length).toBeLessThan(big.length); // deflated
  });

  it('reads a zip written by Python (deflated, with directories) back into a tar', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glci-zip-'));
    const script = [
      'import zipfile, sys',
      'z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)',
      'z.writestr("out/", "")',
      'i = zipfile.ZipInfo("out/tool.sh"); i.external_attr = 0o100755 << 16; z.writestr(i, "echo tool\\n")',
      'z.writestr("out/data.txt", "x" * 5000)',
      'z.close()',
    ].join('\n');
    execFileSync('python3', ['-c', script, join(dir, 'b.zip')]);
    const entries = readZip(readFileSync(join(dir, 'b.zip')));
    expect(entries.map((e) => [e.path, e.type, e.mode.toString(8)])).toEqual([
      ['out', 'directory', '775'], // zipfile's defaults for writestr: 0775 directories, 0600 files
      ['out/tool.sh', 'file', '755'],
      ['out/data.txt', 'file', '600'],
    ]);
    const files = await readArchiveFiles(zipToTar(readFileSync(join(dir, 'b.zip'))), () => true);
    expect(files.get('out/tool.sh')?.toString()).toBe('echo tool\n');
    expect(files.get('out/data.txt')?.length).toBe(5000);
  });

  it('round-trips tar → zip → tar keeping types, modes and link targets', async () => {
    const { zip } = await tarToZip(sampleTar());
    const listed = await listArchive(zipToTar(zip));
    expect(listed.map((e) => [e.path, e.type])).toEqual([
      ['dist', 'directory'],
      ['dist/run.sh', 'file'],
      ['dist/big.txt', 'file'],
      ['dist/empty', 'file'],
      ['dist/link', 'symlink'],
    ]);
    expect(readZip(zip)[1]?.mtime.getTime()).toBe(mtime.getTime());
  });

  it('drops entries that would leave the extraction root and refuses what is not a zip', () => {
    const zip = writeZip([{ path: '../evil', type: 'file', mode: 0o644, mtime, data: Buffer.from('x') }]);
    expect(() => zipToTar(zip)).not.toThrow();
    expect(() => readZip(Buffer.from('not a zip at all, really not'))).toThrow(/not a zip archive/);
  });
});
