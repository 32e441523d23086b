// A zip archive written to a file from a tar stream with bounded memory: each file is deflated as it
// streams in, its local header patched with the CRC-32 and sizes afterwards (the output is a file, so
// no data descriptors are needed), and zip64 records are written where sizes, offsets or the entry
// count pass the classic format's limits — GitLab's artifact archives can be many GiB. The layout
// (Unix modes and symlinks in the external attributes, UTF-8 names) is the one zip-archive.ts writes
// for small archives in memory, and what GitLab Runner's archives hold.
import { open, type FileHandle } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflateRaw, crc32 } from 'node:zlib';
import { forEachArchiveEntry, type ArchiveEntryStreamed } from './archive.js';
import {
  CENTRAL_HEADER, DEFLATE, dosTime, END_OF_CENTRAL, FLAG_UTF8, LOCAL_HEADER, MADE_BY_UNIX, MAX_16, MAX_32, STORE, unixAttributes, ZIP64_END_OF_CENTRAL, ZIP64_EXTRA, ZIP64_LOCATOR,
} from './zip-format.js';


export interface ZipFileOptions {
  /**
   * Entries whose size (from the tar header) reaches this get zip64 sizes, and offsets from it on are
   * zip64 ones; default just under 4 GiB, with room for deflate's growth of incompressible data.
   * Tests lower it to check the zip64 records on small archives.
   */
  zip64Threshold?: number;
}

/** Bytes of compressed output gathered before one write. */
const WRITE_BATCH = 1024 * 1024;

interface Written {
  name: Buffer;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  external: number;
  zip64: boolean;
}

/** Writes sequentially at a tracked position, so headers can be patched in place later. */
class Output {
  position = 0;
  constructor(private readonly handle: FileHandle) {}

  async write(data: Buffer): Promise<void> {
    await this.handle.write(data, 0, data.length, this.position);
    this.position += data.length;
  }

  async patch(at: number, data: Buffer): Promise<void> {
    await this.handle.write(data, 0, data.length, at);
  }
}

function localHeader(written: Written): Buffer {
  const extra = written.zip64 ? 20 : 0;
  const header = Buffer.alloc(30 + written.name.length + extra);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(written.zip64 ? 45 : 20, 4);
  header.writeUInt16LE(FLAG_UTF8, 6);
  header.writeUInt16LE(written.method, 8);
  header.writeUInt16LE(written.time, 10);
  header.writeUInt16LE(written.date, 12);
  header.writeUInt32LE(written.crc, 14);
  header.writeUInt32LE(written.zip64 ? MAX_32 : written.compressed, 18);
  header.writeUInt32LE(written.zip64 ? MAX_32 : written.size, 22);
  header.writeUInt16LE(written.name.length, 26);
  header.writeUInt16LE(extra, 28);
  written.name.copy(header, 30);
  if (written.zip64) {
    const at = 30 + written.name.length;
    header.writeUInt16LE(ZIP64_EXTRA, at);
    header.writeUInt16LE(16, at + 2);
    header.writeBigUInt64LE(BigInt(written.size), at + 4);
    header.writeBigUInt64LE(BigInt(written.compressed), at + 12);
  }
  return header;
}

/** The central record; zip64 fields only for the values that do not fit, in the order the format fixes. */
function centralRecord(written: Written, threshold: number): Buffer {
  const big = (value: number) => value >= MAX_32 || value >= threshold;
  const sizes = written.zip64 || big(written.size) || big(written.compressed);
  const offset = written.offset >= MAX_32 || written.offset >= threshold;
  const fields = [...(sizes ? [written.size, written.compressed] : []), ...(offset ? [written.offset] : [])];
  const extra = fields.length > 0 ? 4 + 8 * fields.length : 0;
  const record = Buffer.alloc(46 + written.name.length + extra);
  record.writeUInt32LE(CENTRAL_HEADER, 0);
  record.writeUInt16LE(MADE_BY_UNIX | (extra > 0 ? 45 : 20), 4);
  record.writeUInt16LE(extra > 0 ? 45 : 20, 6);
  record.writeUInt16LE(FLAG_UTF8, 8);
  record.writeUInt16LE(written.method, 10);
  record.writeUInt16LE(written.time, 12);
  record.writeUInt16LE(written.date, 14);
  record.writeUInt32LE(written.crc, 16);
  record.writeUInt32LE(sizes ? MAX_32 : written.compressed, 20);
  record.writeUInt32LE(sizes ? MAX_32 : written.size, 24);
  record.writeUInt16LE(written.name.length, 28);
  record.writeUInt16LE(extra, 30);
  record.writeUInt32LE(written.external, 38);
  record.writeUInt32LE(offset ? MAX_32 : written.offset, 42);
  written.name.copy(record, 46);
  if (extra > 0) {
    let at = 46 + written.name.length;
    record.writeUInt16LE(ZIP64_EXTRA, at);
    record.writeUInt16LE(8 * fields.length, at + 2);
    at += 4;
    for (const value of fields) {
      record.writeBigUInt64LE(BigInt(value), at);
      at += 8;
    }
  }
  return record;
}

/** Streams a file's contents through deflate into `out`, counting and checksumming on the way. */
async function writeFileData(out: Output, data: Readable, written: Written): Promise<void> {
  let crc = 0;
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const start = out.position;
  // Deflate's output comes in 16 KiB pieces: written in batches, a large file costs far fewer writes.
  await pipeline(data, tap, createDeflateRaw({ chunkSize: 256 * 1024 }), async (deflated: AsyncIterable<Buffer>) => {
    let batch: Buffer[] = [];
    let batched = 0;
    for await (const chunk of deflated) {
      batch.push(chunk);
      batched += chunk.length;
      if (batched < WRITE_BATCH) continue;
      await out.write(Buffer.concat(batch));
      batch = [];
      batched = 0;
    }
    if (batched > 0) await out.write(Buffer.concat(batch));
  });
  written.crc = crc >>> 0;
  written.size = size;
  written.compressed = out.position - start;
}

async function writeEntry(out: Output, entry: ArchiveEntryStreamed, threshold: number): Promise<Written> {
  const { time, date } = dosTime(entry.mtime ?? new Date());
  const written: Written = {
    name: Buffer.from(entry.type === 'directory' ? `${entry.path}/` : entry.path, 'utf8'),
    method: STORE,
    time,
    date,
    crc: 0,
    compressed: 0,
    size: 0,
    offset: out.position,
    external: unixAttributes(entry.type === 'directory' || entry.type === 'symlink' ? entry.type : 'file', entry.mode),
    zip64: entry.type === 'file' && entry.size >= threshold,
  };
  const header = localHeader(written);
  await out.write(header);
  if (entry.type === 'symlink') {
    const target = Buffer.from(entry.linkpath ?? '', 'utf8');
    Object.assign(written, { crc: crc32(target) >>> 0, size: target.length, compressed: target.length });
    await out.write(target);
  } else if (entry.type === 'file' && entry.data && entry.size > 0) {
    written.method = DEFLATE;
    await writeFileData(out, entry.data, written);
  } else {
    entry.data?.resume(); // an empty file: stored, nothing to write
  }
  await out.patch(written.offset, localHeader(written).subarray(0, header.length));
  return written;
}

async function writeEnd(out: Output, records: Written[], threshold: number): Promise<void> {
  const centralAt = out.position;
  for (const written of records) await out.write(centralRecord(written, threshold));
  const centralSize = out.position - centralAt;
  const zip64 = records.length >= MAX_16 || centralAt >= MAX_32 || centralSize >= MAX_32 || centralAt >= threshold || records.some((r) => r.zip64);
  if (zip64) {
    const endAt = out.position;
    const record = Buffer.alloc(56);
    record.writeUInt32LE(ZIP64_END_OF_CENTRAL, 0);
    record.writeBigUInt64LE(44n, 4); // the record's size after this field
    record.writeUInt16LE(MADE_BY_UNIX | 45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(records.length), 24);
    record.writeBigUInt64LE(BigInt(records.length), 32);
    record.writeBigUInt64LE(BigInt(centralSize), 40);
    record.writeBigUInt64LE(BigInt(centralAt), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(ZIP64_LOCATOR, 0);
    locator.writeBigUInt64LE(BigInt(endAt), 8);
    locator.writeUInt32LE(1, 16);
    await out.write(Buffer.concat([record, locator]));
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL, 0);
  end.writeUInt16LE(zip64 ? MAX_16 : records.length, 8);
  end.writeUInt16LE(zip64 ? MAX_16 : records.length, 10);
  end.writeUInt32LE(zip64 ? MAX_32 : centralSize, 12);
  end.writeUInt32LE(zip64 ? MAX_32 : centralAt, 16);
  await out.write(end);
}

/** Writes the zip of a tar stream's files, directories and symlinks to `file`; its entry count and size. */
export async function tarToZipFile(tar: Readable, file: string, options: ZipFileOptions = {}): Promise<{ entries: number; bytes: number }> {
  const threshold = options.zip64Threshold ?? MAX_32 - 0x4000000;
  const handle = await open(file, 'w', 0o600);
  try {
    const out = new Output(handle);
    const records: Written[] = [];
    await forEachArchiveEntry(tar, async (entry) => {
      records.push(await writeEntry(out, entry, threshold));
    });
    await writeEnd(out, records, threshold);
    return { entries: records.length, bytes: out.position };
  } finally {
    await handle.close();
  }
}
