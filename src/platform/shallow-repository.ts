// A self-contained shallow repository of one commit, built once on the host and reused: a container
// cannot follow `objects/info/alternates` to the user's object store, so a job's repository needs
// objects of its own, and only the last GIT_DEPTH commits of them, as after GitLab Runner's
// `git fetch --depth N` (runner-behavior.md §4.3). Built under `<stateDir>/git/shallow/<sha>-<depth>`
// from a fetch out of the user's repository, once per commit and depth: every job of a pipeline and
// later runs at the same commit reuse it. Concurrent builders each build in a temporary directory and
// rename it into place; the first rename wins and the others use the winner's.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecutorError } from '../errors.js';
import { runGit, type GitResult } from './run-git.js';

/** Runs git in `dir` (platform/run-git's runGit; tests inject a counting one). */
export type GitRunner = (dir: string, args: readonly string[]) => Promise<GitResult>;

/** What the archive needs to know about the user's repository. */
export interface SourceRepository {
  /** Absolute git directory (`.git`, or a linked worktree's). */
  gitDir: string;
  /** `sha1` or `sha256`. */
  objectFormat: string;
  /** HEAD's commit, or null before the first commit. */
  head: string | null;
  /** HEAD's branch (short name), or null when HEAD is detached. */
  branch: string | null;
}

/** Cached repositories unused for this long are removed when a new one is built (one per commit adds up). */
const UNUSED_FOR_MS = 7 * 24 * 3600 * 1000;

const building = new Map<string, Promise<string>>();

function lines(output: string): string[] {
  return output.split('\n').filter((line) => line !== '');
}

function branchOf(symbolicRef: string | undefined): string | null {
  return symbolicRef?.startsWith('refs/heads/') ? symbolicRef.slice('refs/heads/'.length) : null;
}

/** The repository `dir` belongs to, or null when it is not in a git work tree. One git process when HEAD has a commit. */
export async function readSourceRepository(dir: string, git: GitRunner = runGit): Promise<SourceRepository | null> {
  const facts = await git(dir, ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--show-object-format', 'HEAD', '--symbolic-full-name', 'HEAD']);
  const [, gitDir, objectFormat, head, symbolic] = lines(facts.stdout);
  if (gitDir === undefined || objectFormat === undefined) return null;
  if (facts.ok && head !== undefined) return { gitDir, objectFormat, head, branch: branchOf(symbolic) };
  // No commit yet: rev-parse printed the repository facts, then failed on HEAD.
  const unborn = await git(dir, ['symbolic-ref', '-q', 'HEAD']);
  return { gitDir, objectFormat, head: null, branch: unborn.ok ? branchOf(unborn.stdout.trim()) : null };
}

/** Where the repository of `commit` with `depth` is cached (its `.git` inside). */
export function shallowRepositoryDir(stateDir: string, commit: string, depth: number): string {
  return join(stateDir, 'git', 'shallow', `${commit}-${depth > 0 ? `depth-${depth}` : 'full'}`);
}

async function gitOrThrow(git: GitRunner, cwd: string, args: readonly string[], what: string): Promise<void> {
  const result = await git(cwd, args);
  if (!result.ok) throw new ExecutorError('CHECKOUT_GIT', `cannot ${what}: git ${args.join(' ')} failed: ${result.stderr.trim()}`);
}

/** `git init` + `git fetch --depth` of the one commit + the index of its tree, in `dir`. */
async function build(git: GitRunner, source: SourceRepository, commit: string, depth: number, dir: string): Promise<void> {
  const gitDir = join(dir, '.git');
  // --git-dir on every call: a GIT_DIR in the environment (glci started from a hook) must not redirect these.
  const format = source.objectFormat === 'sha1' ? [] : [`--object-format=${source.objectFormat}`];
  await gitOrThrow(git, dir, [`--git-dir=${gitDir}`, 'init', '-q', '--template=', ...format], 'create the job repository');
  // Protocol v2 lets the local upload-pack serve any reachable commit, not only branch tips (options.commit).
  const fetch = [
    `--git-dir=${gitDir}`,
    ...['-c', 'fetch.unpackLimit=1', '-c', 'gc.auto=0', '-c', 'maintenance.auto=false', '-c', 'protocol.version=2'],
    ...['-c', 'protocol.file.allow=always', 'fetch', '-q', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules'],
    // From a shallow source the full history is the source's: --update-shallow records its boundary.
    ...(depth > 0 ? [`--depth=${depth}`] : ['--update-shallow']),
    source.gitDir,
    commit,
  ];
  await gitOrThrow(git, dir, fetch, `fetch ${commit} from ${source.gitDir}`);
  // --index-output: a GIT_INDEX_FILE in the environment (a pre-commit hook) must not be overwritten.
  await gitOrThrow(git, dir, [`--git-dir=${gitDir}`, 'read-tree', `--index-output=${join(gitDir, 'index')}`, commit], `write the index of ${commit}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function isTakenError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}

/** Removes cached repositories (and abandoned temporary ones) nobody used for UNUSED_FOR_MS. Best effort. */
async function pruneUnused(base: string, now: number): Promise<void> {
  const names = await readdir(base).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const dir = join(base, name);
      const info = await stat(dir).catch(() => null);
      if (info !== null && now - info.mtimeMs > UNUSED_FOR_MS) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }),
  );
}

async function buildIntoPlace(git: GitRunner, source: SourceRepository, commit: string, depth: number, target: string): Promise<void> {
  const base = join(target, '..');
  await mkdir(base, { recursive: true });
  const temp = join(base, `.tmp-${commit.slice(0, 12)}-${randomBytes(6).toString('hex')}`);
  await mkdir(temp);
  try {
    await build(git, source, commit, depth, temp);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (!isTakenError(error)) throw error; // else another process built it first: use theirs
  }
  await pruneUnused(base, Date.now());
}

/**
 * The cached repository of `commit` with the last `depth` commits (0 = all), building it when missing;
 * returns its `.git` directory. A reused one has its mtime refreshed (it is in use, do not prune it).
 */
export async function ensureShallowRepository(
  stateDir: string,
  source: SourceRepository,
  commit: string,
  depth: number,
  git: GitRunner = runGit,
): Promise<string> {
  const target = shallowRepositoryDir(stateDir, commit, depth);
  const gitDir = join(target, '.git');
  if (await exists(gitDir)) {
    const now = new Date();
    await utimes(target, now, now).catch(() => undefined);
    return gitDir;
  }
  let pending = building.get(target);
  if (pending === undefined) {
    pending = buildIntoPlace(git, source, commit, depth, target).then(() => gitDir);
    building.set(target, pending);
    void pending.then(
      () => building.delete(target),
      () => building.delete(target),
    );
  }
  return pending;
}

/** The files of a cached repository that are shipped as they are (objects, shallow, index), relative to `gitDir`. */
export async function shippedRepositoryFiles(gitDir: string): Promise<string[]> {
  const objects = await readdir(join(gitDir, 'objects'), { recursive: true, withFileTypes: true });
  const files = objects
    .filter((entry) => !entry.isDirectory())
    .map((entry) => join(entry.parentPath, entry.name).slice(gitDir.length + 1).split('\\').join('/'));
  const extra = await Promise.all(['shallow', 'index'].map(async (name) => ((await exists(join(gitDir, name))) ? name : null)));
  return [...extra.filter((name): name is string => name !== null), ...files.sort()];
}
