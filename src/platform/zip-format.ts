// The parts of the zip format (PKWARE's APPNOTE) that glci's three zip modules share: record
// signatures, limits of the classic format, Unix file kinds in the external attributes, and MS-DOS
// date and time (local time, two-second steps, from 1980), as zip tools write them.

export const LOCAL_HEADER = 0x04034b50;
export const CENTRAL_HEADER = 0x02014b50;
export const END_OF_CENTRAL = 0x06054b50;
export const ZIP64_END_OF_CENTRAL = 0x06064b50;
export const ZIP64_LOCATOR = 0x07064b50;
/** Extra field id of the zip64 extended information. */
export const ZIP64_EXTRA = 0x0001;
/** A 32-bit field holding this (a 16-bit one 0xffff) means: see the zip64 record. */
export const MAX_32 = 0xffffffff;
export const MAX_16 = 0xffff;
export const STORE = 0;
export const DEFLATE = 8;
/** General purpose flag bit 11: names are UTF-8. */
export const FLAG_UTF8 = 0x0800;
/** "Version made by": Unix, in the high byte. */
export const MADE_BY_UNIX = 3 << 8;
export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;

export function dosTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

export function fromDosTime(time: number, date: number): Date {
  return new Date(((date >> 9) & 0x7f) + 1980, ((date >> 5) & 0x0f) - 1, date & 0x1f, (time >> 11) & 0x1f, (time >> 5) & 0x3f, (time & 0x1f) * 2);
}

/** External attributes of an entry: its Unix kind and mode in the high 16 bits, MS-DOS's directory bit. */
export function unixAttributes(type: 'file' | 'directory' | 'symlink', mode: number): number {
  const kind = type === 'directory' ? S_IFDIR : type === 'symlink' ? S_IFLNK : S_IFREG;
  return (((kind | (mode & 0o7777)) << 16) | (type === 'directory' ? 0x10 : 0)) >>> 0;
}

/** An entry's type and mode from its name and external attributes (modes default as zip tools leave them). */
export function entryKind(rawName: string, external: number): { type: 'file' | 'directory' | 'symlink'; mode: number } {
  const unixMode = external >>> 16;
  const kind = unixMode & S_IFMT;
  const directory = rawName.endsWith('/') || kind === S_IFDIR;
  const type = directory ? 'directory' : kind === S_IFLNK ? 'symlink' : 'file';
  return { type, mode: unixMode & 0o7777 || (directory ? 0o755 : 0o644) };
}
