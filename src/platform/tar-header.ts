// POSIX ustar header blocks written straight into the archive buffer, with every entry's owner set.
// node-tar's Header builds each field through string padding and was, with the garbage it leaves, the
// largest cost of archiving 10,000 small files; node-tar stays in platform/archive.ts. Anything ustar
// cannot hold (long or non-ASCII names, huge sizes or ids) goes into a pax extended header before the
// entry (POSIX.1-2001 `x` records), which Docker's Go archive/tar, GNU tar and node-tar all read.

export const BLOCK = 512;

/** What a header says about one entry. */
export interface HeaderFields {
  path: string;
  /** Symlink target, for `type: '2'`. */
  linkpath?: string;
  /** ustar type flag: `0` file, `2` symlink, `5` directory, `x` pax extended header. */
  type: '0' | '2' | '5' | 'x';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
}

const MAX_OCTAL_8 = 0o7777777;
const MAX_OCTAL_12 = 0o77777777777;

function isPlainAscii(text: string): boolean {
  return !/[^\x20-\x7e]/.test(text);
}

/** `[prefix, name]` for ustar's split name fields, or null when the path does not fit them. */
function splitName(path: string): [string, string] | null {
  if (!isPlainAscii(path)) return null;
  if (path.length <= 100) return ['', path];
  for (let slash = path.indexOf('/', path.length - 101); slash !== -1 && slash <= 155; slash = path.indexOf('/', slash + 1)) {
    if (path.length - slash - 1 <= 100 && slash < path.length - 1) return [path.slice(0, slash), path.slice(slash + 1)];
  }
  return null;
}

function octal(buf: Buffer, off: number, width: number, value: number): void {
  buf.write(Math.floor(value).toString(8).padStart(width - 1, '0'), off, width - 1, 'latin1');
}

function sum(buf: Buffer, from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i += 1) total += buf[i]!;
  return total;
}

/** Writes the ustar block at `off` (the area must be zero-filled). */
function writeBlock(buf: Buffer, off: number, fields: HeaderFields, name: [string, string]): void {
  buf.write(name[1], off, 100, 'latin1');
  octal(buf, off + 100, 8, fields.mode);
  octal(buf, off + 108, 8, Math.min(fields.uid, MAX_OCTAL_8));
  octal(buf, off + 116, 8, Math.min(fields.gid, MAX_OCTAL_8));
  octal(buf, off + 124, 12, Math.min(fields.size, MAX_OCTAL_12));
  octal(buf, off + 136, 12, Math.min(Math.max(fields.mtime, 0), MAX_OCTAL_12));
  buf.fill(0x20, off + 148, off + 156); // the checksum is computed with its own field as spaces
  buf.write(fields.type, off + 156, 1, 'latin1');
  const link = fields.linkpath ?? '';
  const linkFits = isPlainAscii(link) && link.length <= 100;
  if (linkFits) buf.write(link, off + 157, 100, 'latin1');
  buf.write('ustar\u000000', off + 257, 8, 'latin1');
  buf.write(name[0], off + 345, 155, 'latin1');
  // Only the written bytes count (the rest is zero): summing all 512 was a sixth of the archive's time.
  const written = sum(buf, off, off + name[1].length) + sum(buf, off + 100, off + 157 + (linkFits ? link.length : 0));
  const checksum = written + sum(buf, off + 257, off + 265) + sum(buf, off + 345, off + 345 + name[0].length);
  buf.write(`${checksum.toString(8).padStart(6, '0')}\u0000 `, off + 148, 8, 'latin1');
}

function needsPax(fields: HeaderFields, name: [string, string] | null): boolean {
  const link = fields.linkpath ?? '';
  if (name === null || !isPlainAscii(link) || link.length > 100) return true;
  return fields.size > MAX_OCTAL_12 || fields.uid > MAX_OCTAL_8 || fields.gid > MAX_OCTAL_8;
}

/** One pax record, `<length> <key>=<value>\n`, where the length counts its own digits. */
function paxRecord(key: string, value: string | number): string {
  const base = Buffer.byteLength(` ${key}=${value}\n`);
  let length = base + 1;
  while (length !== base + String(length).length) length = base + String(length).length;
  return `${length} ${key}=${value}\n`;
}

function paxBody(fields: HeaderFields): string {
  const records = [paxRecord('path', fields.path)];
  if (fields.linkpath !== undefined) records.push(paxRecord('linkpath', fields.linkpath));
  if (fields.size > MAX_OCTAL_12) records.push(paxRecord('size', fields.size));
  if (fields.uid > MAX_OCTAL_8) records.push(paxRecord('uid', fields.uid));
  if (fields.gid > MAX_OCTAL_8) records.push(paxRecord('gid', fields.gid));
  return records.join('');
}

/** Upper bound of the bytes `writeHeader` writes for `fields` (two blocks, pax records, their padding). */
export function headerBound(fields: Pick<HeaderFields, 'path' | 'linkpath'>): number {
  return 4 * BLOCK + 3 * (fields.path.length + (fields.linkpath?.length ?? 0));
}

/** Writes the entry's header (pax header first when needed) at `off` of a zero-filled area; returns its length. */
export function writeHeader(buf: Buffer, off: number, fields: HeaderFields): number {
  const name = splitName(fields.path);
  if (!needsPax(fields, name)) {
    writeBlock(buf, off, fields, name!);
    return BLOCK;
  }
  // Readers without pax support still get a usable (truncated, ASCII-only) name.
  const fallback = fields.path.replace(/[^\x20-\x7e]/g, '_').slice(-100).replace(/^\/+/, '');
  const body = paxBody(fields);
  const bodyLength = Buffer.byteLength(body);
  const paxName = `PaxHeader/${fallback.slice(fallback.lastIndexOf('/', fallback.length - 2) + 1)}`.slice(0, 100);
  writeBlock(buf, off, { ...fields, path: paxName, linkpath: undefined, type: 'x', mode: 0o644, size: bodyLength }, ['', paxName]);
  buf.write(body, off + BLOCK, bodyLength, 'utf8');
  const entry = off + BLOCK + Math.ceil(bodyLength / BLOCK) * BLOCK;
  writeBlock(buf, entry, fields, ['', fallback]);
  return entry + BLOCK - off;
}
