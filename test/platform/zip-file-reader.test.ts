import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { listZipFile, openZipEntry, zipFileToTar, type ZipFileEntry } from '../../src/platform/zip-file-reader.js';

// Archives made by Python's zipfile, plus zip64 variants rewritten with struct so the zip64 extra field
// (all three 8-byte fields) and the zip64 end records are exercised without 4 GiB of data.
const MAKE_ARCHIVES = String.raw`
import os, random, struct, sys, zipfile
out = sys.argv[1]
T = (2024, 5, 6, 7, 8, 10)
rnd = random.Random(7)
big = bytes(rnd.getrandbits(8) for _ in range(1_500_000)) + b'z' * 1_500_000
open(os.path.join(out, 'big.bin'), 'wb').write(big)

def info(name, attr, method=zipfile.ZIP_DEFLATED):
    i = zipfile.ZipInfo(name, T)
    i.external_attr = attr
    i.compress_type = method
    return i

LONG = 'long/' + 'a' * 60 + '/' + 'b' * 60 + '/' + 'c' * 120 + '.txt'
with zipfile.ZipFile(os.path.join(out, 'basic.zip'), 'w') as zf:
    zf.writestr(info('dir/', (0o40750 << 16) | 0x10, zipfile.ZIP_STORED), b'')
    zf.writestr(info('dir/stored.txt', 0o100640 << 16, zipfile.ZIP_STORED), b'stored contents\n')
    zf.writestr(info('dir/deflated.txt', 0o100644 << 16), b'hello deflate\n' * 5000)
    zf.writestr(info('dir/big.bin', 0o100755 << 16), big)
    zf.writestr(info('dir/link', 0o120777 << 16, zipfile.ZIP_STORED), b'stored.txt')
    zf.writestr(info('ünïcödé/файл.txt', 0o100644 << 16), 'grüße\n'.encode())
    zf.writestr(info(LONG, 0o100600 << 16), b'long\n')
    zf.writestr(info('nomode.txt', 0x20), b'no unix mode\n')  # DOS attributes only (0 would make Python write 0600)
    zf.writestr(info('empty', 0o100644 << 16), b'')
    zf.writestr(info('../evil.txt', 0o100644 << 16), b'evil\n')
    zf.writestr(info('/abs.txt', 0o100644 << 16), b'abs\n')
    zf.comment = b'artifact comment PK\x05\x06 with a fake signature'

with zipfile.ZipFile(os.path.join(out, 'forced.zip'), 'w', zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
    zf.writestr('plain.txt', b'plain\n')
    with zf.open('forced.txt', 'w', force_zip64=True) as f:
        f.write(b'forced zip64 local header\n' * 100)

with zipfile.ZipFile(os.path.join(out, 'bigstored.zip'), 'w') as zf:
    zf.writestr(info('big.bin', 0o100644 << 16, zipfile.ZIP_STORED), big)

with zipfile.ZipFile(os.path.join(out, 'bzip2.zip'), 'w') as zf:
    zf.writestr(info('b.txt', 0o100644 << 16, zipfile.ZIP_BZIP2), b'bzip2\n' * 100)

def zip64ify(src, dst, fake_size=None):
    data = open(src, 'rb').read()
    end = data.rfind(b'PK\x05\x06')
    while end + 22 + struct.unpack('<H', data[end + 20:end + 22])[0] != len(data):
        end = data.rfind(b'PK\x05\x06', 0, end)
    count, cd_size, cd_offset = struct.unpack('<HII', data[end + 10:end + 20])
    comment = b'plain comment'  # Python's own reader takes the fake signature in basic.zip's comment for the record
    cd, p = bytearray(), cd_offset
    for i in range(count):
        fixed = bytearray(data[p:p + 46])
        csize, usize, n, e, c = struct.unpack('<IIHHH', fixed[20:34])
        offset, = struct.unpack('<I', fixed[42:46])
        if fake_size is not None and i == 0:
            usize = fake_size
        rest = data[p + 46:p + 46 + n + e + c]
        z64 = struct.pack('<HH', 0xcafe, 3) + b'xyz' + struct.pack('<HHQQQ', 1, 24, usize, csize, offset)
        fixed[20:28] = struct.pack('<II', 0xffffffff, 0xffffffff)
        fixed[42:46] = struct.pack('<I', 0xffffffff)
        fixed[30:32] = struct.pack('<H', e + len(z64))
        cd += fixed + rest[:n + e] + z64 + rest[n + e:]
        p += 46 + n + e + c
    record_at = cd_offset + len(cd)
    record = struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, count, count, len(cd), cd_offset)
    locator = struct.pack('<IIQI', 0x07064b50, 0, record_at, 1)
    eocd = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xffff, 0xffff, 0xffffffff, 0xffffffff, len(comment)) + comment
    open(dst, 'wb').write(data[:cd_offset] + cd + record + locator + eocd)

zip64ify(os.path.join(out, 'basic.zip'), os.path.join(out, 'zip64.zip'))
assert zipfile.ZipFile(os.path.join(out, 'zip64.zip')).testzip() is None
with zipfile.ZipFile(os.path.join(out, 'huge-src.zip'), 'w', zipfile.ZIP_DEFLATED) as zf:
    zf.writestr(info('huge.bin', 0o100644 << 16), b'\0' * 1000)
zip64ify(os.path.join(out, 'huge-src.zip'), os.path.join(out, 'huge.zip'), fake_size=9 * 1024 ** 3)

with zipfile.ZipFile(os.path.join(out, 'many.zip'), 'w', zipfile.ZIP_STORED) as zf:
    for i in range(65537):
        zf.writestr('many/entry-%08d.txt' % i, b'%d' % i)  # 4.6 MB of central directory: more than one read window
`;

let dir = '';
const zip = (name: string): string => join(dir, name);
/** The 3 MB contents of dir/big.bin, half random, written alongside the archives. */
const big = (): Buffer => readFileSync(zip('big.bin'));

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function byPath(entries: ZipFileEntry[], path: string): ZipFileEntry {
  const entry = entries.find((e) => e.path === path);
  if (entry === undefined) throw new Error(`no ${path}`);
  return entry;
}

/** A copy of `name` with the bytes `from` (first occurrence) replaced by `to`. */
function patched(name: string, from: Buffer, to: Buffer, out: string): string {
  const data = readFileSync(zip(name));
  const at = data.indexOf(from);
  expect(at).toBeGreaterThanOrEqual(0);
  to.copy(data, at);
  writeFileSync(zip(out), data);
  return zip(out);
}

function extract(tar: Buffer): string {
  const target = mkdtempSync(join(dir, 'x-'));
  execFileSync('tar', ['-xpf', '-', '-C', target], { input: tar });
  return target;
}

const LONG = `long/${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(120)}.txt`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'glci-zipfile-'));
  execFileSync('python3', ['-c', MAKE_ARCHIVES, dir]);
});

describe('listZipFile', () => {
  it('lists types, modes, sizes and times of a Python zip with a comment', async () => {
    const entries = await listZipFile(zip('basic.zip'));
    expect(entries.map((e) => e.path)).toEqual([
      'dir', 'dir/stored.txt', 'dir/deflated.txt', 'dir/big.bin', 'dir/link', 'ünïcödé/файл.txt', LONG, 'nomode.txt', 'empty', '../evil.txt', '/abs.txt',
    ]);
    expect(byPath(entries, 'dir')).toMatchObject({ type: 'directory', mode: 0o750 });
    expect(byPath(entries, 'dir/stored.txt')).toMatchObject({ type: 'file', mode: 0o640, method: 0, size: 16, compressedSize: 16 });
    expect(byPath(entries, 'dir/deflated.txt')).toMatchObject({ type: 'file', method: 8, size: 14 * 5000 });
    expect(byPath(entries, 'dir/link')).toMatchObject({ type: 'symlink', mode: 0o777 });
    expect(byPath(entries, 'nomode.txt').mode).toBe(0o644);
    expect(byPath(entries, 'dir/stored.txt').mtime).toEqual(new Date(2024, 4, 6, 7, 8, 10));
    const stored = byPath(entries, 'dir/stored.txt');
    const data = readFileSync(zip('basic.zip'));
    expect(data.toString('utf8', stored.dataOffset, stored.dataOffset + stored.size)).toBe('stored contents\n');
  });

  it('reads zip64 extra fields for sizes and offsets and the zip64 end records', async () => {
    const plain = await listZipFile(zip('basic.zip'));
    const zip64 = await listZipFile(zip('zip64.zip'));
    expect(zip64).toEqual(plain);
  });

  it('uses the local header’s own lengths for the data offset (force_zip64 writes a zip64 extra only there)', async () => {
    const entries = await listZipFile(zip('forced.zip'));
    const forced = byPath(entries, 'forced.txt');
    expect((await collect(openZipEntry(zip('forced.zip'), forced))).toString()).toBe('forced zip64 local header\n'.repeat(100));
  });

  it('reads more than 65535 entries through Python’s zip64 end of central directory', async () => {
    const entries = await listZipFile(zip('many.zip'));
    const data = readFileSync(zip('many.zip'));
    expect(data.readUInt16LE(data.length - 22 + 10)).toBe(0xffff); // the plain record only says "see zip64"
    expect(entries).toHaveLength(65537);
    expect(entries.every((e, i) => e.path === `many/entry-${String(i).padStart(8, '0')}.txt`)).toBe(true);
    const last = entries[65536]!;
    expect((await collect(openZipEntry(zip('many.zip'), last))).toString()).toBe('65536');
  });

  it('rejects truncated and damaged archives with clear errors', async () => {
    const data = readFileSync(zip('basic.zip'));
    writeFileSync(zip('half.zip'), data.subarray(0, data.length >> 1));
    await expect(listZipFile(zip('half.zip'))).rejects.toThrow('not a zip archive (no end of central directory)');
    writeFileSync(zip('cut.zip'), data.subarray(0, data.length - 5));
    await expect(listZipFile(zip('cut.zip'))).rejects.toThrow('no end of central directory');
    writeFileSync(zip('tiny.zip'), Buffer.from('PK'));
    await expect(listZipFile(zip('tiny.zip'))).rejects.toThrow('no end of central directory');
    // The first central entry's local header offset pointing past the end of the file; then its signature wiped.
    const bad = Buffer.from(data);
    const central = bad.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
    bad.writeUInt32LE(0x7fffffff, central + 42);
    writeFileSync(zip('beyond.zip'), bad);
    await expect(listZipFile(zip('beyond.zip'))).rejects.toThrow(/local header of dir lies beyond the end of the file/);
    const noCentral = Buffer.from(data);
    noCentral.writeUInt32LE(0, central);
    writeFileSync(zip('nocentral.zip'), noCentral);
    await expect(listZipFile(zip('nocentral.zip'))).rejects.toThrow(/central directory entry signature missing/);
  });
});

describe('openZipEntry', () => {
  it('streams stored, deflated and large entries', async () => {
    const entries = await listZipFile(zip('basic.zip'));
    expect((await collect(openZipEntry(zip('basic.zip'), byPath(entries, 'dir/stored.txt')))).toString()).toBe('stored contents\n');
    expect((await collect(openZipEntry(zip('basic.zip'), byPath(entries, 'dir/deflated.txt')))).toString()).toBe('hello deflate\n'.repeat(5000));
    expect((await collect(openZipEntry(zip('basic.zip'), byPath(entries, 'empty')))).length).toBe(0);
    expect((await collect(openZipEntry(zip('basic.zip'), byPath(entries, 'dir/big.bin')))).equals(big())).toBe(true);
  });

  it('errors the stream on a CRC-32 mismatch', async () => {
    const file = patched('basic.zip', Buffer.from('stored contents'), Buffer.from('stored CONTENTS'), 'crc.zip');
    const entry = byPath(await listZipFile(file), 'dir/stored.txt');
    await expect(collect(openZipEntry(file, entry))).rejects.toThrow(/CRC-32 mismatch in entry dir\/stored.txt/);
    await expect(collect(zipFileToTar(file))).rejects.toThrow(/CRC-32 mismatch/);
  });

  it('errors the stream of a large stored entry with a flipped byte, and one whose size is wrong', async () => {
    const data = readFileSync(zip('bigstored.zip'));
    const entry = (await listZipFile(zip('bigstored.zip')))[0]!;
    const at = entry.dataOffset + 2_000_000;
    data[at] = data[at]! ^ 0xff;
    writeFileSync(zip('bigcrc.zip'), data);
    await expect(collect(openZipEntry(zip('bigcrc.zip'), entry))).rejects.toThrow(/CRC-32 mismatch/);
    await expect(collect(zipFileToTar(zip('bigcrc.zip')))).rejects.toThrow(/CRC-32 mismatch/);
    await expect(collect(openZipEntry(zip('bigstored.zip'), { ...entry, size: entry.size - 1 }))).rejects.toThrow(/bytes, its header says/);
  });

  it('fails only on opening an entry with an unsupported compression method', async () => {
    const [entry] = await listZipFile(zip('bzip2.zip'));
    expect(entry).toMatchObject({ path: 'b.txt', method: 12 });
    expect(() => openZipEntry(zip('bzip2.zip'), entry!)).toThrow('zip entry b.txt uses compression method 12, which glci cannot read');
  });
});

describe('zipFileToTar', () => {
  it('converts to a tar that GNU tar extracts with the same contents, modes and symlinks, dropping unsafe paths', async () => {
    const tar = await collect(zipFileToTar(zip('basic.zip'), { uid: 1234, gid: 2345 }));
    const target = extract(tar);
    expect(readFileSync(join(target, 'dir/stored.txt'), 'utf8')).toBe('stored contents\n');
    expect(readFileSync(join(target, 'dir/deflated.txt'), 'utf8')).toBe('hello deflate\n'.repeat(5000));
    expect(readFileSync(join(target, 'dir/big.bin')).equals(big())).toBe(true);
    expect(readFileSync(join(target, 'ünïcödé/файл.txt'), 'utf8')).toBe('grüße\n');
    expect(readFileSync(join(target, LONG), 'utf8')).toBe('long\n');
    expect(readFileSync(join(target, 'empty')).length).toBe(0);
    expect(readlinkSync(join(target, 'dir/link'))).toBe('stored.txt');
    const mode = (path: string): number => lstatSync(join(target, path)).mode & 0o7777;
    expect([mode('dir'), mode('dir/stored.txt'), mode('dir/big.bin'), mode(LONG), mode('nomode.txt')]).toEqual([0o750, 0o640, 0o755, 0o600, 0o644]);
    expect(lstatSync(join(target, 'dir/stored.txt'))).toMatchObject({ uid: 1234, gid: 2345 });
    expect(lstatSync(join(target, 'dir/stored.txt')).mtime).toEqual(new Date(2024, 4, 6, 7, 8, 10));
    const names = execFileSync('tar', ['-tf', '-'], { input: tar, encoding: 'utf8' }).split('\n');
    expect(names.filter((n) => n.includes('evil') || n.includes('abs.txt'))).toEqual([]);
    expect(existsSync(join(target, '..', 'evil.txt'))).toBe(false);
    expect(tar.length % 512).toBe(0);
  });

  it('converts the zip64 variant to the same tar', async () => {
    expect((await collect(zipFileToTar(zip('zip64.zip')))).equals(await collect(zipFileToTar(zip('basic.zip'))))).toBe(true);
  });

  it('writes a pax size record for an entry of 9 GiB', async () => {
    const stream = zipFileToTar(zip('huge.zip'));
    const first = (await stream[Symbol.asyncIterator]().next()).value as Buffer;
    stream.destroy();
    expect(first.toString('latin1', 156, 157)).toBe('x');
    expect(first.toString('utf8', 512, 1024)).toContain(` size=${9 * 1024 ** 3}\n`);
  });
});
