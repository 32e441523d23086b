// The project as one tar stream for a container (the docker executor puts it at `/` with the engine's
// putArchive): the working tree the user sees (tracked plus untracked-not-ignored files, uncommitted
// edits included, as the shell executor's copy) under `<prefix>/`, and a `.git` that is a real,
// self-contained shallow repository detached at the commit, as after GitLab Runner's
// `git fetch --depth N` + `git checkout -f -q <sha>` (runner-behavior.md §4.2–4.3). Nothing has to be
// installed in the image and no helper container runs: the git work happens once per commit and depth
// on the host (platform/shallow-repository.ts); per job only the files are read and streamed.
import { join } from 'node:path';
import { addAbortSignal, Readable } from 'node:stream';
import { listProjectFiles } from './project-files.js';
import { relativeInside } from './relative-inside.js';
import { ensureShallowRepository, readSourceRepository, shippedRepositoryFiles, type GitRunner, type SourceRepository } from './shallow-repository.js';
import { diskEntries, tarChunks, withParentDirectories, type DiskPath, type TarEntry } from './tar-writer.js';

export interface CheckoutArchiveOptions {
  /** Absolute path of the user's project (a git work tree, or a plain folder: then no .git is shipped). */
  sourceDir: string;
  /** glci's state directory; excluded from the archive when it lies inside sourceDir. */
  stateDir: string;
  /** Where the project goes inside the archive, relative, no leading slash: `builds/group/project`. Parent directories are emitted as entries too. */
  prefix: string;
  /** History to ship: the last N commits (GIT_DEPTH); 0 = full history. */
  depth: number;
  /** Owner of every entry (the image's user), numeric. */
  owner: { uid: number; gid: number };
  /** Lists the files to ship (default: platform/project-files listProjectFiles). */
  listFiles?: (dir: string) => Promise<string[]>;
  signal?: AbortSignal;
  /** Commit to ship (full sha; default: the source's HEAD). Pins every job of a pipeline to one commit even if the user commits meanwhile. */
  commit?: string;
  /** The pipeline's ref, shipped at the commit as `refs/remotes/origin/<name>` (branch) or `refs/tags/<name>` (tag); default: the source's branch, none when detached. */
  ref?: { name: string; kind: 'branch' | 'tag' };
  /** `remote.origin.url` of the shipped repository (e.g. CI_REPOSITORY_URL); no remote is configured without it. */
  remoteUrl?: string;
  /** Runs git (default: platform/run-git). */
  git?: GitRunner;
}

export interface CheckoutArchive {
  stream: Readable;
  /** HEAD commit shipped, or null (no repository / no commit). */
  sha: string | null;
  /** number of files */
  files: number;
}

const STREAM_HIGH_WATER_MARK = 1024 * 1024;

/** `builds/group/project` from `/builds/group/project/` and the like; refuses paths that climb out. */
function normalizePrefix(prefix: string): string {
  const parts = prefix.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new Error(`checkout archive prefix must not contain '..': ${prefix}`);
  return parts.join('/');
}

/** `path` relative to `root` with `/` separators, or null when it is root itself or outside it. */
function insideRelative(root: string, path: string): string | null {
  const rel = relativeInside(root, path);
  return rel === '' ? null : rel;
}

/** The listed files that are shipped: never the user's `.git` (the archive has its own) nor glci's state. */
function selectFiles(listed: readonly string[], stateRel: string | null): string[] {
  const under = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);
  const selected: string[] = [];
  for (const raw of listed) {
    const path = raw.replace(/\/+$/, ''); // `nested/`: a nested repository listed by `--others`
    if (path === '' || under(path, '.git') || (stateRel !== null && under(path, stateRel))) continue;
    selected.push(path);
  }
  return selected;
}

/** A git ref name safe to write as a file under `.git/refs` (a subset of `git check-ref-format`). */
function isSafeRefName(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.endsWith('/') || name.endsWith('.lock') || name.endsWith('.')) return false;
  if (name.includes('..') || name.includes('//') || name.includes('@{') || name.split('/').some((part) => part.startsWith('.'))) return false;
  return !/[\x00-\x20\x7f~^:?*[\\]/.test(name);
}

function configValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
}

function repositoryConfig(source: SourceRepository, remoteUrl: string | undefined): string {
  const sha256 = source.objectFormat !== 'sha1';
  const lines = ['[core]', `\trepositoryformatversion = ${sha256 ? 1 : 0}`, '\tfilemode = true', '\tbare = false', '\tlogallrefupdates = true'];
  if (sha256) lines.push('[extensions]', `\tobjectformat = ${source.objectFormat}`);
  if (remoteUrl !== undefined) lines.push('[remote "origin"]', `\turl = ${configValue(remoteUrl)}`, '\tfetch = +refs/heads/*:refs/remotes/origin/*');
  return `${lines.join('\n')}\n`;
}

/** The shipped `.git`'s own small files: HEAD (detached at the commit), config, the ref, and the directories git requires. */
function repositorySkeleton(source: SourceRepository, commit: string | null, options: CheckoutArchiveOptions, gitPath: string, mtime: number): TarEntry[] {
  const data = (path: string, text: string): TarEntry => ({ type: 'data', path: `${gitPath}/${path}`, mode: 0o644, mtime, data: Buffer.from(text) });
  const dir = (path: string): TarEntry => ({ type: 'directory', path: `${gitPath}/${path}`, mode: 0o755, mtime });
  const entries: TarEntry[] = [{ type: 'directory', path: gitPath, mode: 0o755, mtime }];
  entries.push(...['objects', 'objects/info', 'objects/pack', 'refs', 'refs/heads', 'refs/tags'].map(dir));
  entries.push(data('HEAD', commit !== null ? `${commit}\n` : `ref: refs/heads/${source.branch ?? 'main'}\n`));
  entries.push(data('config', repositoryConfig(source, options.remoteUrl)));
  const ref = options.ref ?? (source.branch !== null ? { name: source.branch, kind: 'branch' as const } : undefined);
  if (commit !== null && ref !== undefined && isSafeRefName(ref.name)) {
    entries.push(data(ref.kind === 'tag' ? `refs/tags/${ref.name}` : `refs/remotes/origin/${ref.name}`, `${commit}\n`));
  }
  return entries;
}

function* concatEntries(parts: readonly Iterable<TarEntry>[]): Generator<TarEntry> {
  for (const part of parts) yield* part;
}

/** The `.git` entries: skeleton plus, when there is a commit, the cached shallow repository's objects, shallow file and index. */
async function repositoryEntries(source: SourceRepository, commit: string | null, options: CheckoutArchiveOptions, gitPath: string, mtime: number): Promise<Iterable<TarEntry>> {
  const skeleton = repositorySkeleton(source, commit, options, gitPath, mtime);
  if (commit === null) return concatEntries([skeleton]);
  const cached = await ensureShallowRepository(options.stateDir, source, commit, options.depth, options.git);
  const files = await shippedRepositoryFiles(cached);
  return concatEntries([skeleton, diskEntries(files.map((file) => ({ path: `${gitPath}/${file}`, source: join(cached, file) })))]);
}

function checkOptions(options: CheckoutArchiveOptions): void {
  const { uid, gid } = options.owner;
  if (![uid, gid].every((id) => Number.isInteger(id) && id >= 0)) throw new Error(`checkout archive owner must be numeric ids, got ${uid}:${gid}`);
  if (!Number.isInteger(options.depth) || options.depth < 0) throw new Error(`checkout archive depth must be a whole number ≥ 0, got ${options.depth}`);
  if (options.commit !== undefined && !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(options.commit)) throw new Error(`checkout archive commit must be a full sha, got ${options.commit}`);
}

/**
 * Streams the project for a container: see the file header. Git work (once per commit and depth) and
 * listing the files happen before this resolves, so their failures reject it; reading files happens as
 * the stream is consumed, and a failure there (or `signal` aborting) destroys the stream with the error.
 */
export async function checkoutArchive(options: CheckoutArchiveOptions): Promise<CheckoutArchive> {
  checkOptions(options);
  const { sourceDir, signal } = options;
  signal?.throwIfAborted();
  const [source, listed] = await Promise.all([readSourceRepository(sourceDir, options.git), (options.listFiles ?? listProjectFiles)(sourceDir)]);
  signal?.throwIfAborted();
  const prefix = normalizePrefix(options.prefix);
  const within = (path: string): string => (prefix === '' ? path : `${prefix}/${path}`);
  const mtime = Math.floor(Date.now() / 1000);
  const commit = source === null ? null : (options.commit ?? source.head);
  const gitEntries = source === null ? concatEntries([]) : await repositoryEntries(source, commit, options, within('.git'), mtime);
  signal?.throwIfAborted();
  const files = selectFiles(listed, insideRelative(sourceDir, options.stateDir));
  const tree: DiskPath[] = files.map((file) => ({ path: within(file), source: join(sourceDir, file) }));
  const root: TarEntry[] = prefix === '' ? [] : [{ type: 'directory', path: prefix, mode: 0o755, mtime }];
  const entries = withParentDirectories(concatEntries([root, gitEntries, diskEntries(tree)]), mtime);
  const stream = Readable.from(tarChunks(entries, options.owner), { objectMode: false, highWaterMark: STREAM_HIGH_WATER_MARK });
  if (signal !== undefined) addAbortSignal(signal, stream);
  return { stream, sha: commit, files: files.length };
}
