// Which files of the user's project a job gets. GitLab jobs start from a fresh fetch of the commit;
// locally the job gets the working tree as `git status` sees it: tracked files plus untracked files
// that .gitignore does not exclude (`git ls-files --cached --others --exclude-standard`).
import { readdir } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { runGit } from './run-git.js';

function splitNul(output: string): string[] {
  return [...new Set(output.split('\0').filter((p) => p !== ''))];
}

async function gitLsFiles(dir: string, args: string[]): Promise<string[] | null> {
  const result = await runGit(dir, ['ls-files', '-z', ...args]);
  return result.ok ? splitNul(result.stdout) : null;
}

/** Every non-directory entry under `dir` except `.git` (for projects that are not git repositories). */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) continue;
    const rel = relative(dir, `${entry.parentPath}${sep}${entry.name}`).split(sep).join('/');
    if (rel === '.git' || rel.startsWith('.git/')) continue;
    files.push(rel);
  }
  return files.sort();
}

/**
 * Files a job's checkout copy holds, relative to `dir` with `/` separators: tracked plus untracked but
 * not ignored files; every file when `dir` is not inside a git work tree. Listed paths may be missing
 * from disk (deleted but still tracked); callers skip those.
 */
export async function listProjectFiles(dir: string): Promise<string[]> {
  return (await gitLsFiles(dir, ['--cached', '--others', '--exclude-standard'])) ?? walk(dir);
}

/** Files git tracks under `dir` (relative, `/` separators); empty when `dir` is not in a git work tree. */
export async function listTrackedFiles(dir: string): Promise<string[]> {
  return (await gitLsFiles(dir, ['--cached'])) ?? [];
}
