// The shell executor's debug shell (`glci run --shell-on-failure`): the user's own interactive shell on
// the user's terminal, in the job's build copy, with the job's variables on top of the environment the
// job ran with. A small sh launcher first exports what the job wrote to GITLAB_ENV, then execs it.
import { mkdir, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { basename, join } from 'node:path';
import { ExecutorError } from '../../errors.js';
import type { ShellOptions } from '../executor.js';
import { SOURCE_GITLAB_ENV, shellBanner, shellVariables } from '../shell-session.js';
import { findShell } from './find-shell.js';

export interface InteractiveShellSpec {
  /** Where the shell starts (the project copy). */
  cwd: string;
  projectDir: string;
  tmpDir: string;
  /** The environment the job's scripts started with; the job's variables go on top. */
  env: NodeJS.ProcessEnv;
  /** Time between SIGHUP and SIGKILL when the shell must end (forced cancel). */
  killGraceMs: number;
}

/** The user's shell ($SHELL), else bash when installed, else sh (runner-behavior.md §1.3 order). */
async function userShell(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.SHELL && env.SHELL.trim() !== '') return env.SHELL;
  return findShell(undefined, env.PATH);
}

/** Runs the shell to its end; resolves with its exit status (128 + signal number when killed). */
export async function openInteractiveShell(spec: InteractiveShellSpec, options: ShellOptions): Promise<number> {
  const { env, files } = shellVariables(options.variables, spec.tmpDir);
  // The step script writes file-type variables at its start; a job that failed before it never did.
  await mkdir(spec.tmpDir, { recursive: true });
  for (const file of files) await writeFile(join(spec.tmpDir, file.name), file.content, { mode: 0o600 });
  const shell = await userShell(spec.env);
  options.stdout.write(shellBanner(`Interactive ${basename(shell)}`, spec.projectDir, options.variables));
  // Imported here, not at the top: only --shell-on-failure needs execa, and loading it cost every run.
  const { execa } = await import('execa');
  const result = await execa('sh', ['-c', `${SOURCE_GITLAB_ENV}\nexec "$0"`, shell], {
    cwd: spec.cwd,
    env: { ...spec.env, ...env },
    extendEnv: false,
    // The terminal itself, not pipes: the shell is interactive, with job control and line editing.
    stdio: 'inherit',
    reject: false,
    // An interactive shell ignores SIGTERM; SIGHUP is what ends it when its terminal goes away.
    killSignal: 'SIGHUP',
    forceKillAfterDelay: spec.killGraceMs,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  if (result.exitCode !== undefined) return result.exitCode;
  if (result.signal !== undefined) return 128 + (constants.signals[result.signal] ?? 1);
  throw new ExecutorError('SHELL_OPEN', `cannot start ${shell} in ${spec.projectDir}: ${result.message}`);
}
