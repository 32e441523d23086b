// Which shell runs the job scripts: bash when it is installed, else sh — the same preference order as
// GitLab Runner's shell detection (runner-behavior.md §1.3).
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

async function onPath(name: string, pathVariable: string | undefined): Promise<boolean> {
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      await access(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** `sh` when asked for; otherwise `bash` if it is on PATH, else `sh`. */
export async function findShell(preferred: 'bash' | 'sh' | undefined, pathVariable: string | undefined): Promise<'bash' | 'sh'> {
  if (preferred === 'sh') return 'sh';
  return (await onPath('bash', pathVariable)) ? 'bash' : 'sh';
}
