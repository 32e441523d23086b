// `changes` and `exists` clauses against the pipeline's changed files and the repository's files
// (spec §5.14 rules:changes / rules:exists, §5.15 only:changes), including GitLab's comparison caps.
import { fnmatch, isExactGlob } from '../glob/fnmatch.js';

/** Beyond this many path × glob comparisons GitLab stops matching and assumes the clause is true. */
const MAX_PATTERN_COMPARISONS = 50_000;

/** `**\/*.ext` globs GitLab checks as a plain suffix (`path.end_with?('.ext')`). */
const NESTED_WILDCARD = '**/*';

/** Repository paths for `exists`, indexed once per plan. */
export class RepositoryFiles {
  private readonly fileSet: Set<string>;
  private directorySet: Set<string> | undefined;
  private topLevel: string[] | undefined;

  constructor(private readonly files: readonly string[]) {
    this.fileSet = new Set(files);
  }

  hasFile(path: string): boolean {
    return this.fileSet.has(path);
  }

  allFiles(): readonly string[] {
    return this.files;
  }

  topLevelFiles(): readonly string[] {
    this.topLevel ??= this.files.filter((f) => !f.includes('/'));
    return this.topLevel;
  }

  /** Every directory that holds a file (`a/b/c.txt` → `a`, `a/b`), for `exists` globs ending in `/`. */
  directories(): Set<string> {
    if (this.directorySet === undefined) {
      const dirs = new Set<string>();
      for (const file of this.files) {
        for (let i = file.indexOf('/'); i !== -1; i = file.indexOf('/', i + 1)) dirs.add(file.slice(0, i));
      }
      this.directorySet = dirs;
    }
    return this.directorySet;
  }
}

/**
 * `changes`: true when any changed file matches any glob. `changed === null` means no diff is
 * available for this pipeline (tags, schedules, web/API runs, new branches): then always true.
 */
export function changesMatch(globs: readonly string[], changed: readonly string[] | null): boolean {
  if (changed === null) return true;
  if (changed.length === 0) return false;
  const unique = [...new Set(globs)];
  if (unique.length === 0) return false;
  if (changed.length * unique.length > MAX_PATTERN_COMPARISONS) return true;
  return changed.some((path) => unique.some((glob) => fnmatch(glob, path)));
}

/** `exists`: true when any glob names an existing file, or with a trailing `/` a directory (GitLab 18.2+). */
export function existsMatch(globs: readonly string[], repo: RepositoryFiles): boolean {
  const fileGlobs: string[] = [];
  const dirGlobs: string[] = [];
  for (const glob of globs) {
    if (glob.endsWith('/') && glob.length > 1) dirGlobs.push(glob.replace(/\/+$/, ''));
    else fileGlobs.push(glob);
  }
  return filesMatch(fileGlobs, repo) || directoriesMatch(dirGlobs, repo);
}

function filesMatch(globs: readonly string[], repo: RepositoryFiles): boolean {
  if (globs.length === 0) return false;
  const patterns: string[] = [];
  const suffixes: string[] = [];
  for (const glob of globs) {
    if (isExactGlob(glob)) {
      if (repo.hasFile(glob)) return true;
    } else if (isSuffixGlob(glob)) {
      suffixes.push(glob.slice(NESTED_WILDCARD.length));
    } else {
      patterns.push(glob);
    }
  }
  if (suffixes.length > 0 && repo.allFiles().some((f) => suffixes.some((s) => f.endsWith(s)))) return true;
  if (patterns.length === 0) return false;
  // GitLab only lists top-level paths when every glob is a top-level one.
  const paths = globs.every(isTopLevelGlob) ? repo.topLevelFiles() : repo.allFiles();
  if (paths.length * patterns.length > MAX_PATTERN_COMPARISONS) return true;
  return patterns.some((glob) => paths.some((path) => fnmatch(glob, path)));
}

function directoriesMatch(globs: readonly string[], repo: RepositoryFiles): boolean {
  if (globs.length === 0) return false;
  const dirs = repo.directories();
  const patterns = globs.filter((glob) => !isExactGlob(glob) || dirs.has(glob));
  if (patterns.some((glob) => isExactGlob(glob))) return true;
  if (patterns.length === 0) return false;
  if (dirs.size * patterns.length > MAX_PATTERN_COMPARISONS) return true;
  for (const dir of dirs) if (patterns.some((glob) => fnmatch(glob, dir))) return true;
  return false;
}

function isSuffixGlob(glob: string): boolean {
  if (!glob.startsWith(NESTED_WILDCARD)) return false;
  const rest = glob.slice(NESTED_WILDCARD.length);
  return rest.startsWith('.') && !rest.includes('/') && isExactGlob(rest);
}

function isTopLevelGlob(glob: string): boolean {
  return !glob.includes('/') && !glob.includes('**');
}
