// Git runs hooks with variables that point git at the user's repository (GIT_INDEX_FILE always for
// pre-commit, GIT_DIR and GIT_WORK_TREE in some set-ups). Every git started later inherits them, so
// the job repositories glci builds (`git read-tree HEAD` in a job's copy) would write the user's index
// and unstage what they are committing. They are taken out of the process once, before anything runs.
import { isAbsolute, resolve } from 'node:path';

const REPOSITORY_VARIABLES = [
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR', 'GIT_PREFIX', 'GIT_NAMESPACE', 'GIT_QUARANTINE_PATH',
];

const PATH_VARIABLES = new Set(['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR']);

export interface HookGitEnvironment {
  /** The environment for git commands that must see the user's repository as the hook saw it. */
  userGit: NodeJS.ProcessEnv;
}

/**
 * Removes the repository-locating GIT_* variables from `env` (default: the process environment) and
 * returns an environment that keeps them, paths made absolute against the hook's working directory
 * (git may give them relative, and glci runs git from other directories).
 */
export function detachFromHookGit(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): HookGitEnvironment {
  const userGit: NodeJS.ProcessEnv = { ...env };
  for (const name of REPOSITORY_VARIABLES) {
    const value = env[name];
    if (value === undefined) continue;
    delete env[name];
    userGit[name] = PATH_VARIABLES.has(name) && value !== '' && !isAbsolute(value) ? resolve(cwd, value) : value;
  }
  return { userGit };
}

/** All of stdin (pre-push's ref lines), or null when it is a terminal: nothing would ever arrive. */
export async function readStdin(stream: NodeJS.ReadStream = process.stdin): Promise<string | null> {
  if (stream.isTTY) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
