// Where a path lies relative to a folder, for the checkouts of both executors: `/`-separated relative
// path, `''` for the folder itself, null when it points outside.
import { isAbsolute, relative, resolve, sep } from 'node:path';

export function relativeInside(root: string, path: string): string | null {
  const rel = relative(root, resolve(root, path));
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}
