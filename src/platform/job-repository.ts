// A job's copy of the project gets a git repository of its own, as GitLab's fresh clone would give it:
// HEAD detached at the pipeline's commit (runner-behavior.md §4.3), objects borrowed from the user's
// repository through `objects/info/alternates` (nothing is copied), the index set to HEAD's tree so the
// copied uncommitted edits show as changes. Whatever the job does with git stays in its copy: without
// this, git in the job would walk up to the user's repository (e.g. `git reset --hard` on their tree).
//
// Every job of a pipeline runs the same commit, so what the repositories share is made once per
// pipeline (`readJobRepositoryTemplate`: one `rev-parse`, then one `read-tree` into a throw-away
// repository of the same shape as a job's). Each job's repository is then written directly — seven
// small files, no git process — while the job's files are being copied.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runGit } from './run-git.js';

/** What every job repository of one pipeline holds alike. */
export interface JobRepositoryTemplate {
  objectsDir: string;
  /** HEAD's commit, or null before the first commit. */
  head: string | null;
  /** The index `git read-tree HEAD` writes (no stat data, so it fits any copy); null before the first commit. */
  index: Buffer | null;
  /** The source's `shallow` file (a shallow clone, as a runner's GIT_DEPTH fetch makes), copied so history stops where the source's does. */
  shallow?: Buffer;
}

const CONFIG = '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n';

/**
 * What `git init` writes that git needs to recognise a repository, plus the alternates and HEAD.
 * Synchronous on purpose: six small writes, each microseconds, cheaper than as many trips through
 * libuv's thread pool while the job's copy is using it.
 */
function writeSkeleton(gitDir: string, objectsDir: string, head: string | null): void {
  for (const dir of [join(gitDir, 'objects', 'info'), join(gitDir, 'refs', 'heads'), join(gitDir, 'refs', 'tags')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(gitDir, 'config'), CONFIG);
  writeFileSync(join(gitDir, 'objects', 'info', 'alternates'), `${objectsDir}\n`);
  writeFileSync(join(gitDir, 'HEAD'), headFile(head));
}

/** Detached at the commit, as the runner's `git checkout -f -q <sha>`; an unborn branch before any commit. */
function headFile(head: string | null): string {
  return head ? `${head}\n` : 'ref: refs/heads/main\n';
}

/** HEAD's tree as an index file, read in a throw-away repository shaped like a job's (same config, same alternates). */
async function readIndex(objectsDir: string, head: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'glci-index-'));
  try {
    writeSkeleton(dir, objectsDir, head);
    const result = await runGit(dir, ['--git-dir', dir, 'read-tree', 'HEAD']);
    if (!result.ok) throw new Error(`git read-tree ${head} failed: ${result.stderr.trim()}`);
    return await readFile(join(dir, 'index'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The source's objects folder and HEAD, and HEAD's index; null when `sourceDir` is not in a git work
 * tree (the copies then get no repository, like the source). Read once per pipeline.
 */
export async function readJobRepositoryTemplate(sourceDir: string): Promise<JobRepositoryTemplate | null> {
  // One process for both: the objects path is printed first, then HEAD's commit when there is one.
  const parsed = await runGit(sourceDir, ['rev-parse', '--path-format=absolute', '--git-path', 'objects', '--verify', '-q', 'HEAD']);
  const [objectsDir, headLine] = parsed.stdout.split('\n');
  if (!objectsDir) return null;
  const head = parsed.ok && headLine && /^[0-9a-f]{40,64}$/.test(headLine) ? headLine : null;
  const [index, shallow] = await Promise.all([head ? readIndex(objectsDir, head) : null, readFile(join(dirname(objectsDir), 'shallow')).catch(() => undefined)]);
  return { objectsDir, head, index, ...(shallow ? { shallow } : {}) };
}

/** Writes the job's repository into `targetDir/.git` (`targetDir` may still be filling with the copy). */
export function writeJobRepository(targetDir: string, template: JobRepositoryTemplate): void {
  const gitDir = join(targetDir, '.git');
  writeSkeleton(gitDir, template.objectsDir, template.head);
  // The index grows by ~100 bytes a file: still one short write.
  if (template.index) writeFileSync(join(gitDir, 'index'), template.index);
  if (template.shallow) writeFileSync(join(gitDir, 'shallow'), template.shallow);
}
