// The job's checkout: a copy of the project's working tree (tracked files plus untracked files that
// .gitignore does not exclude). GitLab fetches the commit into the build dir; a copy of the working
// tree lets a local run test uncommitted changes. `.git` is not copied: platform/job-repository.ts gives
// the copy a repository of its own.
import { copyFile, lstat, mkdir, readlink, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const PARALLEL_COPIES = 16;

async function copyOne(sourceDir: string, targetDir: string, rel: string, made: Set<string>): Promise<void> {
  const from = join(sourceDir, rel);
  const to = join(targetDir, rel);
  let stat;
  try {
    stat = await lstat(from);
  } catch {
    return; // tracked but deleted in the working tree
  }
  if (stat.isDirectory()) {
    await mkdir(to, { recursive: true }); // an uninitialised submodule: an empty folder, as GitLab leaves it
    return;
  }
  if (!stat.isFile() && !stat.isSymbolicLink()) return; // sockets, fifos
  const parent = dirname(to);
  if (!made.has(parent)) {
    await mkdir(parent, { recursive: true });
    made.add(parent);
  }
  if (stat.isSymbolicLink()) await symlink(await readlink(from), to);
  else await copyFile(from, to);
}

/**
 * Copies `files` (relative, `/`-separated) from `sourceDir` into `targetDir`, skipping those under
 * `skipPrefix` (glci's own state directory when it lives inside the project). Checks `signal` between
 * batches and throws its reason when aborted.
 */
export async function copyCheckout(
  sourceDir: string,
  targetDir: string,
  files: readonly string[],
  skipPrefix: string | null,
  signal: AbortSignal,
): Promise<number> {
  const selected = files.filter((f) => skipPrefix === null || (f !== skipPrefix && !f.startsWith(`${skipPrefix}/`)));
  await mkdir(targetDir, { recursive: true });
  // Folders known to exist: files at the top level need no mkdir of their own.
  const made = new Set<string>([targetDir]);
  for (let i = 0; i < selected.length; i += PARALLEL_COPIES) {
    signal.throwIfAborted();
    await Promise.all(selected.slice(i, i + PARALLEL_COPIES).map((rel) => copyOne(sourceDir, targetDir, rel, made)));
  }
  return selected.length;
}
