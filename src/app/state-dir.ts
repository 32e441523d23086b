// Where a project's state directory is, the same way for every command that reads it (`run` creates it).
import { join, resolve } from 'node:path';

/** `<project>/.glci` unless given; a relative `stateDir` is taken from the current directory, as `run` does. */
export function resolveStateDir(options: { cwd?: string; stateDir?: string }): { projectDir: string; stateDir: string } {
  const projectDir = resolve(options.cwd ?? process.cwd());
  return { projectDir, stateDir: resolve(options.stateDir ?? join(projectDir, '.glci')) };
}
