// Zip archives, the format GitLab stores artifacts (`artifact_format: zip`) and distributed caches in,
// converted from and to the tar streams executors copy in and out (runner-behavior.md §7.2). Written with
// node:zlib (deflate, crc32) rather than a library: the subset needed — stored/deflated entries, Unix
// modes and symlinks in the external attributes, no zip64 — is small, and GitLab Runner's own archives
// use nothing more for artifacts under 4 GiB.
import { Readable } from 'node:stream';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { readArchiveEntries } from './archive.js';
import { tarChunks, type TarEntry, type TarOwner } from './tar-writer.js';
import { CENTRAL_HEADER, DEFLATE, dosTime, END_OF_CENTRAL, entryKind, FLAG_UTF8, fromDosTime, LOCAL_HEADER, MADE_BY_UNIX, STORE, unixAttributes } from './zip-format.js';

const VERSION_UNIX = MADE_BY_UNIX | 20; // made by: Unix, zip 2.0

export interface ZipEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  mtime: Date;
  data: Buffer;
}

/** Writes a zip of `entries` (directories named with a trailing `/`, as zip tools expect). */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.type === 'directory' ? `${entry.path}/` : entry.path, 'utf8');
    const compressed = entry.type === 'file' && entry.data.length > 0 ? deflateRawSync(entry.data) : entry.data;
    const method = entry.type === 'file' && entry.data.length > 0 && compressed.length < entry.data.length ? DEFLATE : STORE;
    const body = method === DEFLATE ? compressed : entry.data;
    const checksum = crc32(entry.data);
    const { time, date } = dosTime(entry.mtime);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(VERSION_UNIX, 4);
    local.copy(central, 6, 4, 30); // version needed … name length share the local header's layout
    central.writeUInt32LE(unixAttributes(entry.type, entry.mode), 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** Reads a zip through its central directory (stored and deflated entries). Throws on damage. */
export function readZip(zip: Buffer): ZipEntry[] {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_CENTRAL) end--;
  if (end < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error('damaged zip archive (central directory)');
    const method = zip.readUInt16LE(at + 10);
    const mtime = fromDosTime(zip.readUInt16LE(at + 12), zip.readUInt16LE(at + 14));
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const external = zip.readUInt32LE(at + 38);
    const localAt = zip.readUInt32LE(at + 42);
    const rawName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + skip;
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const stored = zip.subarray(dataAt, dataAt + size);
    const data = method === DEFLATE ? inflateRawSync(stored) : method === STORE ? Buffer.from(stored) : null;
    if (data === null) throw new Error(`zip entry ${rawName} uses compression method ${method}, which glci cannot read`);
    const { type, mode } = entryKind(rawName, external);
    entries.push({ path: rawName.replace(/\/+$/, ''), type, mode, mtime, data });
  }
  return entries;
}

/** The zip of a tar stream's files, directories and symlinks (contents held in memory). */
export async function tarToZip(tar: Readable): Promise<{ zip: Buffer; entries: number }> {
  const entries = (await readArchiveEntries(tar)).map((entry): ZipEntry => ({
    path: entry.path,
    type: entry.type === 'directory' ? 'directory' : entry.type === 'symlink' ? 'symlink' : 'file',
    mode: entry.mode & 0o7777,
    mtime: entry.mtime ?? new Date(),
    data: entry.type === 'symlink' ? Buffer.from(entry.linkpath ?? '', 'utf8') : (entry.data ?? Buffer.alloc(0)),
  }));
  return { zip: writeZip(entries), entries: entries.length };
}

/** A tar stream of a zip's entries, every one owned by `owner` (paths leaving the root are dropped). */
export function zipToTar(zip: Buffer, owner: TarOwner = { uid: 0, gid: 0 }): Readable {
  const entries: TarEntry[] = [];
  for (const entry of readZip(zip)) {
    if (entry.path === '' || entry.path.split('/').includes('..') || entry.path.startsWith('/')) continue;
    const mtime = Math.floor(entry.mtime.getTime() / 1000);
    if (entry.type === 'directory') entries.push({ type: 'directory', path: entry.path, mode: entry.mode, mtime });
    else if (entry.type === 'symlink') entries.push({ type: 'symlink', path: entry.path, target: entry.data.toString('utf8'), mtime });
    else entries.push({ type: 'data', path: entry.path, mode: entry.mode, mtime, data: entry.data });
  }
  return Readable.from(tarChunks(entries, owner));
}
