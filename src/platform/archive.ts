// Tar archives on the host: the only module that imports node-tar. Executors use it for copyIn/copyOut,
// artifacts/ for filtering archives into the local artifact and cache store. Extraction never writes
// outside its target directory: node-tar refuses `..` entries (which fails the extraction here).
// node-tar is imported on first use, not with the module: most runs never archive anything, and
// loading it cost every `glci run` start-up.
import { mkdir } from 'node:fs/promises';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type * as tarTypes from 'tar';

type Tar = typeof tarTypes;
let tarModule: Promise<Tar> | undefined;

function loadTar(): Promise<Tar> {
  tarModule ??= import('tar');
  return tarModule;
}

/** What lazyStream needs of node-tar's (minipass) streams. */
interface TarSource {
  pipe(destination: PassThrough): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

/** A stream to hand out at once, fed by what `make` builds once node-tar is loaded. */
function lazyStream(make: (tar: Tar) => TarSource): Readable {
  const output = new PassThrough();
  loadTar().then(
    (tar) => {
      const source = make(tar);
      source.on('error', (error) => output.destroy(error instanceof Error ? error : new Error(String(error))));
      source.pipe(output);
    },
    (error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return output;
}

export type ArchiveEntryType = 'file' | 'directory' | 'symlink' | 'other';

/** What a filter sees of one archive entry. */
export interface ArchiveEntryInfo {
  /** Normalised relative path: no leading `./`, no trailing `/`; `''` for the root directory entry. */
  path: string;
  type: ArchiveEntryType;
  size: number;
  /** Modification time stored in the archive (second precision), when present. */
  mtime: Date | undefined;
}

/** A tar stream of `paths` (relative to `cwd`, directories recursively); symlinks stay links. */
export function packPaths(cwd: string, paths: string[]): Readable {
  if (paths.length === 0) return emptyArchive();
  return lazyStream((tar) => tar.c({ cwd, portable: true, follow: false }, paths));
}

/** An archive with no entries (two zero blocks). */
export function emptyArchive(): Readable {
  return Readable.from([Buffer.alloc(1024)]);
}

/** Extracts a tar stream into `dir` (created when missing), overwriting existing files. */
export async function extractArchive(input: Readable, dir: string): Promise<void> {
  const [tar] = await Promise.all([loadTar(), mkdir(dir, { recursive: true })]);
  const unpack = tar.x({ cwd: dir, preserveOwner: false });
  await new Promise<void>((resolve, reject) => {
    const empty = watchForData(input);
    unpack.on('finish', () => resolve());
    // node-tar raises an archive with no entries as an unrecoverable TAR_BAD_ARCHIVE error.
    unpack.on('error', (error: Error & { code?: string }) => (empty.isEmptyArchive(error.code) ? resolve() : reject(error)));
    input.on('error', reject);
    rejectOnWarnings(unpack, empty, reject);
    input.pipe(unpack);
  });
}

/** Tells an archive holding only zero blocks (no entries: valid, but "unrecognized" to node-tar) from garbage. */
function watchForData(input: Readable): { isEmptyArchive(code: string | undefined): boolean } {
  let sawData = false;
  const watch = (chunk: Uint8Array) => {
    if (chunk.some((byte) => byte !== 0)) {
      sawData = true;
      input.off('data', watch);
    }
  };
  input.on('data', watch);
  return { isEmptyArchive: (code) => code === 'TAR_BAD_ARCHIVE' && !sawData };
}

/** node-tar reports damaged archives and refused entries as warnings; treat them as errors, informational ones aside. */
function rejectOnWarnings(emitter: tarTypes.Parser | tarTypes.Unpack, empty: { isEmptyArchive(code: string): boolean }, reject: (error: Error) => void): void {
  emitter.on('warn', (code: string, message: string | Error) => {
    if (code === 'TAR_ENTRY_INFO' || empty.isEmptyArchive(code)) return;
    reject(new Error(`${code}: ${message instanceof Error ? message.message : message}`));
  });
}

/** `./a/b/` → `a/b`; `.` and `./` → `''`. Returns null for paths that would leave the root. */
export function normalizeEntryPath(raw: string): string | null {
  const parts: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return null;
    parts.push(part);
  }
  if (raw.startsWith('/')) return null;
  return parts.join('/');
}

function entryType(type: string): ArchiveEntryType {
  if (type === 'File' || type === 'OldFile' || type === 'ContiguousFile') return 'file';
  if (type === 'Directory') return 'directory';
  if (type === 'SymbolicLink') return 'symlink';
  return 'other';
}

function describe(entry: tarTypes.ReadEntry): ArchiveEntryInfo | null {
  const path = normalizeEntryPath(entry.path);
  if (path === null) return null;
  return { path, type: entryType(entry.type), size: entry.size ?? 0, mtime: entry.mtime };
}

/** Runs a node-tar parser over `input`; `onEntry` must consume or resume every entry it gets. */
async function parse(input: Readable, onEntry: (entry: tarTypes.ReadEntry, info: ArchiveEntryInfo | null) => void): Promise<void> {
  const tar = await loadTar();
  const parser = new tar.Parser();
  const done = new Promise<void>((resolve, reject) => {
    parser.on('end', () => resolve());
    parser.on('error', reject);
    input.on('error', reject);
    rejectOnWarnings(parser, watchForData(input), reject);
  });
  parser.on('entry', (entry: tarTypes.ReadEntry) => onEntry(entry, describe(entry)));
  input.pipe(parser);
  await done;
}

/**
 * Copies the entries of `input` that `keep` accepts into a new tar written to `output`, streaming
 * (nothing is held in memory). Entries whose path would leave the root are dropped.
 */
export async function filterArchive(input: Readable, keep: (entry: ArchiveEntryInfo) => boolean, output: Writable): Promise<void> {
  const tar = await loadTar();
  const pack = new tar.Pack({ portable: true });
  const written = finished(output);
  pack.pipe(output);
  try {
    await parse(input, (entry, info) => {
      if (info !== null && info.path !== '' && keep(info)) pack.add(entry);
      else entry.resume();
    });
  } catch (error) {
    pack.end();
    await written.catch(() => undefined);
    throw error;
  }
  pack.end();
  await written;
}

/** Reads the contents of the file entries `want` accepts (for small files: reports, key files). */
export async function readArchiveFiles(input: Readable, want: (entry: ArchiveEntryInfo) => boolean): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  await parse(input, (entry, info) => {
    if (info === null || info.type !== 'file' || !want(info)) {
      entry.resume();
      return;
    }
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.on('end', () => files.set(info.path, Buffer.concat(chunks)));
  });
  return files;
}

/** Lists the entries of an archive without keeping their contents. */
export async function listArchive(input: Readable): Promise<ArchiveEntryInfo[]> {
  const entries: ArchiveEntryInfo[] = [];
  await parse(input, (entry, info) => {
    if (info !== null && info.path !== '') entries.push(info);
    entry.resume();
  });
  return entries;
}

/** One source archive of `joinArchives` and how its entry paths are renamed (null drops the entry). */
export interface ArchivePart {
  open: () => Promise<Readable | null>;
  rename: (path: string) => string | null;
}

/**
 * One tar stream made of several archives whose entries are renamed on the way (the docker engine's
 * archive API roots each path at its basename; the executor contract wants paths relative to the
 * project). Streams: each part is opened only when the previous one is done.
 */
export function joinArchives(parts: ArchivePart[], options: { owner?: { uid: number; gid: number } } = {}): Readable {
  const owner = options.owner;
  const output = new PassThrough();
  void (async () => {
    let pack: tarTypes.Pack | undefined;
    try {
      const tar = await loadTar();
      // With an owner every entry is re-owned (files a container's user must be able to change).
      pack = new tar.Pack({ portable: owner === undefined });
      pack.pipe(output);
      for (const part of parts) {
        const input = await part.open();
        if (input === null) continue;
        await parse(input, (entry, info) => {
          const renamed = info === null || info.path === '' ? null : part.rename(info.path);
          if (renamed === null || renamed === '') {
            entry.resume();
            return;
          }
          entry.path = entry.type === 'Directory' ? `${renamed}/` : renamed;
          if (owner) {
            entry.uid = owner.uid;
            entry.gid = owner.gid;
            entry.uname = entry.gname = undefined;
          }
          pack?.add(entry);
        });
      }
      pack.end();
    } catch (error) {
      output.destroy(error as Error);
      pack?.end();
    }
  })();
  return output;
}

/** An archive holding only directory entries (the parents of each path too), owned by `owner`. */
export function directoriesArchive(paths: string[], owner: { uid: number; gid: number }): Readable {
  return lazyStream((tar) => directoryEntries(tar, paths, owner));
}

function directoryEntries(tar: Tar, paths: string[], owner: { uid: number; gid: number }): tarTypes.Pack {
  const pack = new tar.Pack({ portable: false });
  const seen = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/').filter((p) => p !== '');
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (seen.has(dir)) continue;
      seen.add(dir);
      const header = new tar.Header({ path: `${dir}/`, type: 'Directory', mode: 0o755, uid: owner.uid, gid: owner.gid, mtime: new Date(), size: 0 });
      header.encode();
      const entry = new tar.ReadEntry(header);
      entry.end();
      pack.add(entry);
    }
  }
  pack.end();
  return pack;
}

/** One archive entry with everything a format conversion needs (contents held in memory). */
export interface ArchiveEntryFull extends ArchiveEntryInfo {
  mode: number;
  /** Symlink target. */
  linkpath?: string;
  /** File contents (files only). */
  data?: Buffer;
}

/** Reads every entry of an archive with its mode and contents, in archive order (for zip conversion). */
export async function readArchiveEntries(input: Readable): Promise<ArchiveEntryFull[]> {
  const entries: ArchiveEntryFull[] = [];
  await parse(input, (entry, info) => {
    if (info === null || info.path === '' || info.type === 'other') {
      entry.resume();
      return;
    }
    const full: ArchiveEntryFull = { ...info, mode: entry.mode ?? (info.type === 'directory' ? 0o755 : 0o644) };
    if (info.type === 'symlink') full.linkpath = entry.linkpath ?? '';
    entries.push(full);
    if (info.type !== 'file') {
      entry.resume();
      return;
    }
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.on('end', () => {
      full.data = Buffer.concat(chunks);
    });
  });
  return entries;
}

/** One archive entry as `forEachArchiveEntry` hands it over: files with their contents as a stream. */
export interface ArchiveEntryStreamed extends ArchiveEntryInfo {
  mode: number;
  linkpath?: string;
  /** Files only; must be read to its end (or resumed) before `visit` resolves. */
  data?: Readable;
}

/**
 * Visits the entries of an archive one after the other, each file's contents streamed, awaiting each
 * visit before the next: node-tar holds back the rest of the archive while an entry is unread, so a
 * file of any size passes through with bounded memory. Entries leaving the root and `other` kinds are skipped.
 */
export async function forEachArchiveEntry(input: Readable, visit: (entry: ArchiveEntryStreamed) => Promise<void>): Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  let failed: unknown;
  await parse(input, (entry, info) => {
    if (info === null || info.path === '' || info.type === 'other' || failed !== undefined) {
      entry.resume();
      return;
    }
    const streamed: ArchiveEntryStreamed = { ...info, mode: entry.mode ?? (info.type === 'directory' ? 0o755 : 0o644) };
    if (info.type === 'symlink') streamed.linkpath = entry.linkpath ?? '';
    if (info.type === 'file') {
      // node-tar's entries are minipass streams; a PassThrough gives visitors node's stream API.
      const data = new PassThrough();
      entry.pipe(data);
      streamed.data = data;
    } else {
      entry.resume();
    }
    // After a failed visit the rest is only drained, so the parser still reaches the end.
    chain = chain.then(async () => {
      if (failed === undefined) {
        try {
          await visit(streamed);
          return;
        } catch (error) {
          failed = error;
        }
      }
      streamed.data?.resume();
    });
  });
  await chain;
  if (failed !== undefined) throw failed instanceof Error ? failed : new Error(String(failed));
}
