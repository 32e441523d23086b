import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyArchive, extractArchive, filterArchive, listArchive, normalizeEntryPath, packPaths, readArchiveFiles } from '../../src/platform/archive.js';

let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'glci-archive-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

describe('archive', () => {
  it('packs paths recursively and extracts them elsewhere, byte for byte', async () => {
    const src = tree('src', { 'a/one.txt': 'one\n', 'a/b/two.bin': '\u0000\u00ff', 'c.txt': 'c' });
    const dest = join(root, 'dest');
    await extractArchive(packPaths(src, ['a']), dest);
    expect(readFileSync(join(dest, 'a/b/two.bin'))).toEqual(readFileSync(join(src, 'a/b/two.bin')));
    expect(existsSync(join(dest, 'c.txt'))).toBe(false);
  });

  it('can be read back by GNU tar', async () => {
    const src = tree('gnu', { 'x/y.txt': 'gnu\n' });
    const file = join(root, 'gnu.tar');
    writeFileSync(file, await bytes(packPaths(src, ['x'])));
    expect(execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['x/', 'x/y.txt']);
  });

  it('keeps only accepted entries when filtering', async () => {
    const src = tree('filter', { 'keep/1.txt': '1', 'drop/2.txt': '2', 'keep/3.log': '3' });
    const out = new PassThrough();
    const result = bytes(out);
    await filterArchive(packPaths(src, ['.']), (e) => e.path.startsWith('keep') && !e.path.endsWith('.log'), out);
    const files = await readArchiveFiles(Readable.from([await result]), () => true);
    expect([...files.keys()]).toEqual(['keep/1.txt']);
  });

  it('treats an archive without entries as empty and garbage as an error', async () => {
    expect(await listArchive(emptyArchive())).toEqual([]);
    await extractArchive(emptyArchive(), join(root, 'empty'));
    await expect(listArchive(Readable.from([Buffer.from('garbage '.repeat(200))]))).rejects.toThrow();
  });

  it('never writes outside the target directory', async () => {
    const outer = join(root, 'outer');
    mkdirSync(join(outer, 'inner'), { recursive: true });
    writeFileSync(join(outer, 'evil.txt'), 'evil');
    const file = join(root, 'evil.tar');
    execFileSync('tar', ['-cPf', file, '../evil.txt'], { cwd: join(outer, 'inner') });
    const target = join(root, 'victim', 'target');
    await expect(extractArchive(Readable.from([readFileSync(file)]), target)).rejects.toThrow();
    expect(existsSync(join(root, 'victim', 'evil.txt'))).toBe(false);
  });

  it.each([
    ['./a/b/', 'a/b'],
    ['.', ''],
    ['a//b', 'a/b'],
    ['../x', null],
    ['/etc/passwd', null],
  ])('normalises entry path %j to %j', (raw, expected) => {
    expect(normalizeEntryPath(raw)).toBe(expected);
  });
});
