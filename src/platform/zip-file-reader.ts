// Zip archives read from a file on disk with bounded memory: GitLab job artifacts can be many GiB, so
// unlike zip-archive.ts (whole archive in a Buffer, no zip64) the central directory is read through a
// reused window, entry data is streamed, and zip64 records and extra fields are understood. Entry
// semantics (types, modes, dropped paths, owner) are the same as zip-archive.ts's readZip/zipToTar.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, Transform, pipeline } from 'node:stream';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { BLOCK, headerBound, writeHeader, type HeaderFields } from './tar-header.js';
import type { TarOwner } from './tar-writer.js';
import { CENTRAL_HEADER, DEFLATE, END_OF_CENTRAL, entryKind, fromDosTime, LOCAL_HEADER, MAX_32, STORE, ZIP64_END_OF_CENTRAL, ZIP64_EXTRA, ZIP64_LOCATOR } from './zip-format.js';

export interface ZipFileEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  mtime: Date;
  /** Uncompressed bytes. */
  size: number;
  compressedSize: number;
  /** 0 stored, 8 deflate; anything else fails when the entry is opened. */
  method: number;
  crc32: number;
  /** Where the entry's compressed bytes start in the file. */
  dataOffset: number;
}

/** The end record is 22 bytes plus a comment of up to 65535. */
const END_SEARCH = 0xffff + 22;
/** Central directory reads: big enough that a listing is a handful of reads, small enough to never matter. */
const CENTRAL_WINDOW = 4 * 1024 * 1024;
/** Local headers of small entries sit close together: one read usually covers many of them. */
const LOCAL_WINDOW = 64 * 1024;
/** Entries up to this size are read and inflated in one go when converting to tar (fewer streams and syscalls). */
const SMALL_ENTRY = 1024 * 1024;
/** Output chunks of zipFileToTar collect small entries up to about this size. */
const BATCH = 256 * 1024;

function damaged(what: string): Error {
  return new Error(`damaged zip archive: ${what}`);
}

/** Positional reads through one reused buffer, so a listing costs a few large reads rather than one per entry. */
class FileWindow {
  private buf: Buffer;
  private start = 0;
  private length = 0;

  constructor(
    private readonly handle: FileHandle,
    /** Nothing at or past this offset may be read (end of file, or of the central directory). */
    private readonly limit: number,
    private readonly region: 'file' | 'central directory',
    capacity: number,
  ) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** The buffer holding `n` bytes at `pos` and the index they start at (valid until the next call). */
  async at(pos: number, n: number, what: string): Promise<[Buffer, number]> {
    if (pos >= this.start && pos + n <= this.start + this.length) return [this.buf, pos - this.start];
    if (pos + n > this.limit) throw damaged(`${what} lies beyond the end of the ${this.region}`);
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n); // one entry with ~64 KiB name, extra and comment
    const want = Math.min(this.buf.length, this.limit - pos);
    this.length = await readFully(this.handle, this.buf, want, pos);
    this.start = pos;
    if (this.length < n) throw damaged(`${what} lies beyond the end of the file`);
    return [this.buf, 0];
  }
}

async function readFully(handle: FileHandle, buf: Buffer, length: number, pos: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** A zip64 field as a number (offsets and sizes beyond 2^53 are not real archives). */
function u64(buf: Buffer, at: number, what: string): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw damaged(`${what} is out of range`);
  return Number(value);
}

interface CentralDirectory {
  count: number;
  offset: number;
  size: number;
}

/** The end of central directory record, searched back over a trailing comment, and its zip64 record when there is one. */
async function readEnd(handle: FileHandle, fileSize: number): Promise<CentralDirectory> {
  const tailLength = Math.min(fileSize, END_SEARCH);
  const tail = Buffer.alloc(tailLength);
  await readFully(handle, tail, tailLength, fileSize - tailLength);
  let at = tailLength - 22;
  // The comment length must fit the bytes after the record: a signature inside the comment is not the record.
  while (at >= 0 && !(tail.readUInt32LE(at) === END_OF_CENTRAL && at + 22 + tail.readUInt16LE(at + 20) <= tailLength)) at--;
  if (at < 0) throw new Error('not a zip archive (no end of central directory)');
  const endAt = fileSize - tailLength + at;
  const plain = { count: tail.readUInt16LE(at + 10), size: tail.readUInt32LE(at + 12), offset: tail.readUInt32LE(at + 16) };
  const zip64 = await readZip64End(handle, endAt);
  const directory = zip64 ?? plain;
  if (zip64 === null && (plain.size === MAX_32 || plain.offset === MAX_32)) throw damaged('zip64 end of central directory is missing');
  if (directory.offset + directory.size > (zip64?.recordAt ?? endAt)) throw damaged('central directory lies beyond its end record');
  return directory;
}

/** The zip64 end record named by the locator just before the end record, or null when there is no locator. */
async function readZip64End(handle: FileHandle, endAt: number): Promise<(CentralDirectory & { recordAt: number }) | null> {
  if (endAt < 20) return null;
  const locator = Buffer.alloc(20);
  if ((await readFully(handle, locator, 20, endAt - 20)) < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR) return null;
  const recordAt = u64(locator, 8, 'zip64 end of central directory offset');
  const record = Buffer.alloc(56);
  if (recordAt + 56 > endAt || (await readFully(handle, record, 56, recordAt)) < 56 || record.readUInt32LE(0) !== ZIP64_END_OF_CENTRAL) {
    throw damaged('zip64 end of central directory is missing');
  }
  return { count: u64(record, 32, 'entry count'), size: u64(record, 40, 'central directory size'), offset: u64(record, 48, 'central directory offset'), recordAt };
}

interface Sizes {
  size: number;
  compressedSize: number;
  localOffset: number;
}

/** Sizes and offset with the 0xFFFFFFFF ones replaced from the zip64 extra field, which holds only those, in this order. */
function applyZip64(extra: Buffer, fixed: Sizes, name: string): Sizes {
  const sizes = { ...fixed };
  for (let p = 0; p + 4 <= extra.length; p += 4 + extra.readUInt16LE(p + 2)) {
    if (extra.readUInt16LE(p) !== ZIP64_EXTRA) continue;
    const end = Math.min(extra.length, p + 4 + extra.readUInt16LE(p + 2));
    let at = p + 4;
    for (const key of ['size', 'compressedSize', 'localOffset'] as const) {
      if (fixed[key] !== MAX_32) continue;
      if (at + 8 > end) throw damaged(`zip64 extra field of ${name} is too short`);
      sizes[key] = u64(extra, at, `zip64 field of ${name}`);
      at += 8;
    }
    break;
  }
  return sizes;
}

/** One central directory entry at `pos`: the entry (data offset still to find), its local header offset and where the next starts. */
async function readCentral(central: FileWindow, pos: number): Promise<{ entry: ZipFileEntry; localOffset: number; next: number }> {
  let [buf, at] = await central.at(pos, 46, 'central directory entry');
  if (buf.readUInt32LE(at) !== CENTRAL_HEADER) throw damaged('central directory entry signature missing');
  const nameLength = buf.readUInt16LE(at + 28);
  const extraLength = buf.readUInt16LE(at + 30);
  const length = 46 + nameLength + extraLength + buf.readUInt16LE(at + 32);
  [buf, at] = await central.at(pos, length, 'central directory entry');
  const rawName = buf.toString('utf8', at + 46, at + 46 + nameLength);
  const fixed = { compressedSize: buf.readUInt32LE(at + 20), size: buf.readUInt32LE(at + 24), localOffset: buf.readUInt32LE(at + 42) };
  const extra = buf.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
  const { size, compressedSize, localOffset } = applyZip64(extra, fixed, rawName);
  const entry: ZipFileEntry = {
    path: rawName.replace(/\/+$/, ''),
    ...entryKind(rawName, buf.readUInt32LE(at + 38)),
    mtime: fromDosTime(buf.readUInt16LE(at + 12), buf.readUInt16LE(at + 14)),
    size,
    compressedSize,
    method: buf.readUInt16LE(at + 10),
    crc32: buf.readUInt32LE(at + 16),
    dataOffset: 0,
  };
  return { entry, localOffset, next: pos + length };
}

/** Where the entry's data starts: after the local header, whose name and extra lengths may differ from the central ones. */
async function dataOffset(local: FileWindow, localOffset: number, entry: ZipFileEntry, fileSize: number): Promise<number> {
  const [buf, at] = await local.at(localOffset, 30, `local header of ${entry.path}`);
  if (buf.readUInt32LE(at) !== LOCAL_HEADER) throw damaged(`local header signature of ${entry.path} missing`);
  const start = localOffset + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  if (start + entry.compressedSize > fileSize) throw damaged(`entry ${entry.path} lies beyond the end of the file`);
  return start;
}

/** The entries of the zip at `file`, from its central directory (zip64 included). Throws on damage. */
export async function listZipFile(file: string): Promise<ZipFileEntry[]> {
  const handle = await open(file, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const directory = await readEnd(handle, fileSize);
    const central = new FileWindow(handle, directory.offset + directory.size, 'central directory', Math.max(1024, Math.min(CENTRAL_WINDOW, directory.size)));
    const local = new FileWindow(handle, fileSize, 'file', LOCAL_WINDOW);
    const entries: ZipFileEntry[] = [];
    let pos = directory.offset;
    for (let i = 0; i < directory.count; i++) {
      const { entry, localOffset, next } = await readCentral(central, pos);
      entry.dataOffset = await dataOffset(local, localOffset, entry, fileSize);
      entries.push(entry);
      pos = next;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

function checkMethod(entry: ZipFileEntry): void {
  if (entry.method !== STORE && entry.method !== DEFLATE) {
    throw new Error(`zip entry ${entry.path} uses compression method ${entry.method}, which glci cannot read`);
  }
}

function verifyError(entry: ZipFileEntry, size: number, checksum: number): Error | null {
  if (size !== entry.size) return damaged(`entry ${entry.path} has ${size} bytes, its header says ${entry.size}`);
  if (checksum !== entry.crc32) return damaged(`CRC-32 mismatch in entry ${entry.path}`);
  return null;
}

/** Passes the entry's bytes through, failing when there are more than the header says or the CRC-32 or size is wrong at the end. */
function verifier(entry: ZipFileEntry): Transform {
  let size = 0;
  let checksum = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      // Stop an inflating entry as soon as it outgrows its header instead of after gigabytes.
      if (size > entry.size) return done(verifyError(entry, size, checksum));
      checksum = crc32(chunk, checksum);
      done(null, chunk);
    },
    flush(done) {
      done(verifyError(entry, size, checksum));
    },
  });
}

/** The entry's uncompressed bytes as a stream, which errors when its CRC-32 or size does not match the header. */
export function openZipEntry(file: string, entry: ZipFileEntry): Readable {
  checkMethod(entry);
  // createReadStream's `end` is inclusive, so an empty range cannot be expressed with it.
  const raw =
    entry.compressedSize === 0
      ? Readable.from([])
      : createReadStream(file, { start: entry.dataOffset, end: entry.dataOffset + entry.compressedSize - 1, highWaterMark: 1024 * 1024 });
  const noop = (): void => {}; // errors reach the consumer through the last stream, which pipeline destroys with them
  return entry.method === DEFLATE ? pipeline(raw, createInflateRaw(), verifier(entry), noop) : pipeline(raw, verifier(entry), noop);
}

/** A small entry's bytes, read and inflated in one go (at most SMALL_ENTRY compressed and uncompressed). */
async function readSmall(handle: FileHandle, entry: ZipFileEntry): Promise<Buffer> {
  checkMethod(entry);
  const compressed = Buffer.allocUnsafe(entry.compressedSize);
  if ((await readFully(handle, compressed, compressed.length, entry.dataOffset)) < compressed.length) {
    throw damaged(`entry ${entry.path} lies beyond the end of the file`);
  }
  let data = compressed;
  if (entry.method === DEFLATE) {
    try {
      data = inflateRawSync(compressed, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      throw damaged(`entry ${entry.path} cannot be inflated (${String(error)})`);
    }
  }
  const error = verifyError(entry, data.length, crc32(data));
  if (error !== null) throw error;
  return data;
}

function isSafePath(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.split('/').includes('..');
}

/** The entry's tar header block(s), written as tar-writer.ts writes them (pax records for long names and sizes ≥ 8 GiB). */
function tarHeader(entry: ZipFileEntry, target: string | undefined, owner: TarOwner): Buffer {
  const fields: HeaderFields = {
    path: entry.type === 'directory' ? `${entry.path}/` : entry.path,
    linkpath: target,
    type: entry.type === 'directory' ? '5' : entry.type === 'symlink' ? '2' : '0',
    mode: entry.type === 'symlink' ? 0o777 : entry.mode,
    uid: owner.uid,
    gid: owner.gid,
    size: entry.type === 'file' ? entry.size : 0,
    mtime: Math.floor(entry.mtime.getTime() / 1000),
  };
  const buf = Buffer.alloc(headerBound(fields));
  return buf.subarray(0, writeHeader(buf, 0, fields));
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** Tar chunks of the zip's entries, one entry at a time: small ones batched, large ones streamed. */
async function* tarOfZip(file: string, owner: TarOwner): AsyncGenerator<Buffer> {
  const entries = await listZipFile(file);
  const handle = await open(file, 'r');
  try {
    let batch: Buffer[] = [];
    let batched = 0;
    const add = (...parts: Buffer[]): void => {
      batch.push(...parts);
      for (const part of parts) batched += part.length;
    };
    const flush = (): Buffer => {
      const chunk = Buffer.concat(batch, batched);
      batch = [];
      batched = 0;
      return chunk;
    };
    for (const entry of entries) {
      if (!isSafePath(entry.path)) continue;
      const small = entry.size <= SMALL_ENTRY && entry.compressedSize <= SMALL_ENTRY;
      if (entry.type === 'directory') add(tarHeader(entry, undefined, owner));
      else if (entry.type === 'symlink') {
        if (!small) throw damaged(`symlink ${entry.path} has a ${entry.size}-byte target`);
        add(tarHeader(entry, (await readSmall(handle, entry)).toString('utf8'), owner));
      } else if (small) {
        const data = await readSmall(handle, entry);
        add(tarHeader(entry, undefined, owner), data, padding(data.length));
      } else {
        add(tarHeader(entry, undefined, owner));
        yield flush();
        yield* openZipEntry(file, entry) as AsyncIterable<Buffer>;
        add(padding(entry.size));
      }
      if (batched >= BATCH) yield flush();
    }
    add(Buffer.alloc(2 * BLOCK));
    yield flush();
  } finally {
    await handle.close();
  }
}

/** A tar stream of the zip at `file`, every entry owned by `owner`, read lazily (paths leaving the root are dropped). */
export function zipFileToTar(file: string, owner: TarOwner = { uid: 0, gid: 0 }): Readable {
  return Readable.from(tarOfZip(file, owner), { objectMode: false });
}
