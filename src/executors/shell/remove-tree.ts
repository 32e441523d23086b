// `rm -rf` for a job's build folder. Node's recursive rm walks a tree with one thread-pool trip per
// lstat, rmdir attempt and readdir, level after level: ~5 ms for the ~15 entries a small job leaves,
// on the way from a job's last command to the start of the jobs that wait for it. A small tree is
// removed synchronously instead (one readdir per folder, one unlink or rmdir per entry: well under a
// millisecond); a large one (a job that installed dependencies) still asynchronously, so the event
// loop keeps serving the other jobs meanwhile.
import { type Dirent, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Up to this many entries a tree is removed synchronously. */
const SYNC_LIMIT = 200;

interface SmallTree {
  files: string[];
  /** Parents before children. */
  dirs: string[];
}

/** The tree under `dir` when it has at most SYNC_LIMIT entries; null when larger; empty when `dir` is missing. */
function smallTree(dir: string): SmallTree | null {
  const tree: SmallTree = { files: [], dirs: [] };
  const queue = [dir];
  let count = 0;
  while (queue.length > 0) {
    const current = queue.shift() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch (error) {
      if (current === dir && (error as NodeJS.ErrnoException).code === 'ENOENT') return tree;
      return null; // not a folder, unreadable: the general path decides
    }
    tree.dirs.push(current);
    count += entries.length;
    if (count > SYNC_LIMIT) return null;
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) queue.push(path);
      else tree.files.push(path);
    }
  }
  return tree;
}

/** Removes `dir` and everything in it; a missing `dir` is no error. */
export async function removeTree(dir: string): Promise<void> {
  const tree = smallTree(dir);
  if (tree) {
    try {
      for (const file of tree.files) unlinkSync(file);
      for (const folder of tree.dirs.reverse()) rmdirSync(folder);
      return;
    } catch {
      // Something changed under us or cannot be removed: Node's rm retries and reports it.
    }
  }
  await rm(dir, { recursive: true, force: true });
}
