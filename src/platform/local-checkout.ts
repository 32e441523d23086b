// A repository on this machine that include files are read from: the project's working tree, or a
// mapped clone of another project (GLCI_INCLUDE_PROJECT_DIRS) or component (GLCI_COMPONENT_DIRS).
// With a ref the files are read with git at that ref, never from the working tree.
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { FileResult } from '../config/source-reader.js';

/** A directory holding a repository, read at `ref` through git or, without a ref, from disk. */
export class Checkout {
  constructor(
    private readonly dir: string,
    private readonly ref: string | null,
    private readonly base: string,
  ) {}

  async read(path: string): Promise<FileResult> {
    const full = inside(this.dir, path);
    if (!full) return { status: 'missing-file' };
    const origin = displayPath(this.base, full);
    if (this.ref === null) {
      const content = await readFile(full, 'utf8').catch(() => null);
      return content === null ? { status: 'missing-file' } : { status: 'ok', content, origin };
    }
    if (!(await git(this.dir, ['rev-parse', '--verify', '--quiet', `${this.ref}^{commit}`]))) return { status: 'missing-ref' };
    const content = await git(this.dir, ['show', `${this.ref}:${path}`]);
    return content === null ? { status: 'missing-file' } : { status: 'ok', content, origin: `${origin}@${this.ref}` };
  }

  async list(directory: string): Promise<string[] | null> {
    const scope = directory === '' ? '.' : directory;
    if (this.ref !== null) {
      const out = await git(this.dir, ['ls-tree', '-r', '-z', '--name-only', this.ref, '--', scope]);
      return out === null ? null : out.split('\0').filter(Boolean);
    }
    const out = await git(this.dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', scope]);
    if (out !== null) return out.split('\0').filter(Boolean);
    const start = inside(this.dir, directory);
    return start ? walk(this.dir, start) : [];
  }
}

/**
 * `dir/path` for a plain repository path. GitLab looks paths up as written, so `./x`, `a//b` and
 * `..` name no file there either (and nothing outside the repository can be reached).
 */
export function inside(dir: string, path: string): string | null {
  if (path !== '' && !isPlainPath(path)) return null;
  const full = resolve(dir, path);
  const rel = relative(dir, full);
  return rel.startsWith('..') || isAbsolute(rel) ? null : full;
}

/** A repository path without empty, `.` or `..` segments. */
export function isPlainPath(path: string): boolean {
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

export function displayPath(base: string, full: string): string {
  const rel = relative(base, full).split(sep).join('/');
  return rel === '' ? full : rel;
}

export async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** Runs git in `dir`; stdout, or null when git fails. */
function git(dir: string, args: string[]): Promise<string | null> {
  return new Promise((done) => {
    execFile('git', ['-C', dir, ...args], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout) => {
      done(error ? null : stdout);
    });
  });
}

async function walk(root: string, start: string): Promise<string[]> {
  const files: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile()) files.push(relative(root, full).split(sep).join('/'));
    }
  };
  await visit(start);
  return files;
}
