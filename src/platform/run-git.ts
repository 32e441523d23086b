// Runs one git command and collects its output. Uses node:child_process rather than execa on purpose:
// `list`/`lint` start-up pays for every module loaded, and execa costs ~100 modules (DESIGN.md habit 10).
import { execFile } from 'node:child_process';

export interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * A failing git (no repository, no commit) is an expected answer here, not an error: `ok` says which.
 * `env` replaces the process environment (git hooks pass the index to read in GIT_INDEX_FILE).
 */
export function runGit(dir: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = execFile('git', [...args], { cwd: dir, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', ...(env ? { env } : {}) }, (error, stdout, stderr) => {
      resolve({ ok: error === null, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end();
  });
}
