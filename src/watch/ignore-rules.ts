// Which paths the watcher never reports. Decided synchronously (chokidar asks for every path while it
// scans), from git's own list of ignored entries taken at start, plus `.git/` and glci's state directory.
// Paths ignored later (a new .gitignore line) are filtered by asking git again before a set is emitted.
import { isAbsolute, relative, sep } from 'node:path';

export interface IgnoreRules {
  /** True for an absolute path the watcher should neither descend into nor report. */
  ignores(absolutePath: string): boolean;
  /** `absolutePath` relative to the project with `/` separators; null when outside it. */
  relativePath(absolutePath: string): string | null;
}

export interface IgnoreRuleOptions {
  projectDir: string;
  /** Git's ignored entries relative to the project, directories ending in `/` (`git ls-files --directory`). */
  ignoredEntries: readonly string[];
  /** Absolute directories never reported (the state directory, wherever it is). */
  excludeDirs: readonly string[];
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export function createIgnoreRules(options: IgnoreRuleOptions): IgnoreRules {
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const entry of options.ignoredEntries) {
    if (entry.endsWith('/')) dirs.add(entry.slice(0, -1));
    else files.add(entry);
  }
  const relativePath = (absolutePath: string): string | null => {
    if (!isInside(options.projectDir, absolutePath)) return null;
    return relative(options.projectDir, absolutePath).split(sep).join('/');
  };
  const ignores = (absolutePath: string): boolean => {
    if (options.excludeDirs.some((dir) => isInside(dir, absolutePath))) return true;
    const rel = relativePath(absolutePath);
    if (rel === null) return true;
    if (rel === '') return false;
    if (files.has(rel)) return true;
    const parts = rel.split('/');
    // Any `.git` segment: the repository's own, and those of nested repositories and submodules.
    if (parts.includes('.git')) return true;
    for (let i = 1; i <= parts.length; i += 1) {
      if (dirs.has(parts.slice(0, i).join('/'))) return true;
    }
    return false;
  };
  return { ignores, relativePath };
}
