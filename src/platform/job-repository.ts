// A job's copy of the project gets a git repository of its own, as GitLab's fresh clone would give it:
// HEAD detached at the pipeline's commit (runner-behavior.md §4.3), objects borrowed from the user's
// repository through `objects/info/alternates` (nothing is copied), the index set to HEAD's tree so the
// copied uncommitted edits show as changes. Whatever the job does with git stays in its copy: without
// this, git in the job would walk up to the user's repository (e.g. `git reset --hard` on their tree).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from './run-git.js';

/** Returns false when `sourceDir` is not in a git work tree (the copy then has no repository, like the source). */
export async function initJobRepository(sourceDir: string, targetDir: string): Promise<boolean> {
  const [objects, head] = await Promise.all([
    runGit(sourceDir, ['rev-parse', '--path-format=absolute', '--git-path', 'objects']),
    runGit(sourceDir, ['rev-parse', '--verify', '-q', 'HEAD']),
  ]);
  if (!objects.ok) return false;
  const init = await runGit(targetDir, ['-c', 'init.defaultBranch=main', 'init', '-q', '.']);
  if (!init.ok) throw new Error(`git init failed in ${targetDir}: ${init.stderr.trim()}`);
  await writeFile(join(targetDir, '.git', 'objects', 'info', 'alternates'), `${objects.stdout.trim()}\n`);
  const sha = head.ok ? head.stdout.trim() : '';
  if (sha === '') return true; // no commit yet: an empty repository, as a clone of an empty project
  await writeFile(join(targetDir, '.git', 'HEAD'), `${sha}\n`);
  const index = await runGit(targetDir, ['read-tree', 'HEAD']);
  if (!index.ok) throw new Error(`git read-tree failed in ${targetDir}: ${index.stderr.trim()}`);
  return true;
}
