// A job's copy of the project gets a git repository of its own, as GitLab's fresh clone would give it:
// HEAD detached at the pipeline's commit (runner-behavior.md §4.3), objects borrowed from the user's
// repository through `objects/info/alternates` (nothing is copied), the index set to HEAD's tree so the
// copied uncommitted edits show as changes. Whatever the job does with git stays in its copy: without
// this, git in the job would walk up to the user's repository (e.g. `git reset --hard` on their tree).
// Per job this costs one git process (read-tree): the repository skeleton is written directly, and
// the source's facts are read once per run (every job of a pipeline runs the same commit).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from './run-git.js';

interface SourceRepository {
  objectsDir: string;
  /** HEAD's commit, or null before the first commit. */
  head: string | null;
}

const sources = new Map<string, Promise<SourceRepository | null>>();

async function readSource(sourceDir: string): Promise<SourceRepository | null> {
  const [objects, head] = await Promise.all([
    runGit(sourceDir, ['rev-parse', '--path-format=absolute', '--git-path', 'objects']),
    runGit(sourceDir, ['rev-parse', '--verify', '-q', 'HEAD']),
  ]);
  if (!objects.ok) return null;
  return { objectsDir: objects.stdout.trim(), head: head.ok ? head.stdout.trim() : null };
}

function sourceOf(sourceDir: string): Promise<SourceRepository | null> {
  let source = sources.get(sourceDir);
  if (!source) {
    source = readSource(sourceDir);
    sources.set(sourceDir, source);
  }
  return source;
}

/** What `git init` writes that git needs to recognise a repository. */
async function writeSkeleton(gitDir: string, source: SourceRepository): Promise<void> {
  await Promise.all([mkdir(join(gitDir, 'objects', 'info'), { recursive: true }), mkdir(join(gitDir, 'refs', 'heads'), { recursive: true }), mkdir(join(gitDir, 'refs', 'tags'), { recursive: true })]);
  await Promise.all([
    writeFile(join(gitDir, 'config'), '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n'),
    writeFile(join(gitDir, 'objects', 'info', 'alternates'), `${source.objectsDir}\n`),
    // Detached at the commit, as the runner's `git checkout -f -q <sha>`; an unborn branch before any commit.
    writeFile(join(gitDir, 'HEAD'), source.head ? `${source.head}\n` : 'ref: refs/heads/main\n'),
  ]);
}

/** Returns false when `sourceDir` is not in a git work tree (the copy then has no repository, like the source). */
export async function initJobRepository(sourceDir: string, targetDir: string): Promise<boolean> {
  const source = await sourceOf(sourceDir);
  if (source === null) return false;
  await writeSkeleton(join(targetDir, '.git'), source);
  if (source.head === null) return true;
  const index = await runGit(targetDir, ['read-tree', 'HEAD']);
  if (!index.ok) throw new Error(`git read-tree failed in ${targetDir}: ${index.stderr.trim()}`);
  return true;
}
