// What .gitignore (with .git/info/exclude and core.excludesFile) ignores, answered by git itself so the
// watcher agrees with `git status` and with the files a job's checkout gets (project-files.ts), instead
// of a second gitignore implementation drifting from git's.
import { spawn } from 'node:child_process';
import { runGit } from './run-git.js';

function splitNul(output: string): string[] {
  return output.split('\0').filter((p) => p !== '');
}

/**
 * Untracked paths git ignores under `dir`, relative with `/` separators; a wholly ignored directory is
 * one entry ending in `/` (`--directory`), so `node_modules/` costs one line. Empty outside a work tree.
 */
export async function listIgnoredEntries(dir: string): Promise<string[]> {
  const result = await runGit(dir, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']);
  return result.ok ? splitNul(result.stdout) : [];
}

/**
 * The subset of `paths` (relative to `dir`) that git ignores; tracked files never are. Outside a work
 * tree, or when git refuses (a path inside a submodule), nothing is ignored: a spurious re-run is
 * better than a missed one.
 */
export function ignoredAmong(dir: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return Promise.resolve(new Set());
  return new Promise((resolve) => {
    const child = spawn('git', ['check-ignore', '-z', '--stdin'], { cwd: dir, stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', () => resolve(new Set()));
    // Exit status 1 means "none ignored"; 128 is a fatal error, whose output is not trusted.
    child.on('close', (code) => resolve(code === 0 ? new Set(splitNul(stdout)) : new Set()));
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${paths.join('\0')}\0`);
  });
}
