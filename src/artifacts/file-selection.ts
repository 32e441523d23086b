// Which files of a job's project directory a cache or artifact takes, with the semantics of the
// runner's file archiver (runner-behavior.md §6.4, §7.2): each `paths` entry is a doublestar glob
// relative to the project dir and every match is taken recursively; `untracked` adds every file git
// does not track; `exclude` globs drop matching paths (not recursive: `dir/**`, not `dir`).
// Pure: decisions are made per archive entry as the project's files stream past.
import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { ArchiveEntryInfo } from '../platform/archive.js';

export interface SelectionSpec {
  /** Globs, already runner-expanded; relative to the project dir or absolute inside it. */
  paths: readonly string[];
  exclude: readonly string[];
  untracked: boolean;
  /** Files git tracks (relative paths); everything else counts as untracked. */
  tracked: ReadonlySet<string>;
}

interface CountedMatcher {
  pattern: string;
  test: (path: string) => boolean;
  count: number;
}

/** A project-relative, cleaned pattern; null when it points outside the project dir. */
export function relativePattern(pattern: string, projectDir: string): string | null {
  let p = pattern;
  const root = projectDir.replace(/\/+$/, '');
  if (p.startsWith('/')) {
    if (p === root) return '.';
    if (!p.startsWith(`${root}/`)) return null;
    p = p.slice(root.length + 1);
  }
  const clean = posix.normalize(p).replace(/\/+$/, '');
  if (clean === '..' || clean.startsWith('../') || clean.startsWith('/')) return null;
  return clean === '' ? '.' : clean;
}

/** The directory a pattern's matches all live under (what to copy out of the environment). */
function baseOf(pattern: string): string {
  if (pattern === '.') return '.';
  const scan = picomatch.scan(pattern);
  if (!scan.isGlob) return pattern;
  return scan.base === '' ? '.' : scan.base;
}

/** Minimal set of bases: `.` alone when anything needs the whole tree, no base inside another. */
function minimalBases(bases: string[]): string[] {
  if (bases.includes('.')) return ['.'];
  const sorted = [...new Set(bases)].sort();
  return sorted.filter((b) => !sorted.some((other) => other !== b && b.startsWith(`${other}/`)));
}

function matcher(pattern: string): CountedMatcher {
  if (pattern === '.') return { pattern, test: () => true, count: 0 };
  const isMatch = picomatch(pattern, { dot: true });
  return { pattern, test: (path) => isMatch(path), count: 0 };
}

/** A compiled selection: feed it every entry of the project tree, then read the counts for the log. */
export class FileSelection {
  /** Paths (relative to the project dir) to copy out of the environment; empty when nothing can match. */
  readonly bases: string[];
  /** Patterns that point outside the project dir (the runner rejects them). */
  readonly rejected: string[] = [];
  private readonly includes: CountedMatcher[] = [];
  private readonly excludes: CountedMatcher[] = [];
  private untrackedCount = 0;

  constructor(
    private readonly spec: SelectionSpec,
    projectDir: string,
  ) {
    const bases: string[] = spec.untracked ? ['.'] : [];
    for (const raw of spec.paths) {
      const rel = relativePattern(raw, projectDir);
      if (rel === null) {
        this.rejected.push(raw);
        continue;
      }
      this.includes.push(matcher(rel));
      bases.push(baseOf(rel));
    }
    for (const raw of spec.exclude) {
      const rel = relativePattern(raw, projectDir);
      if (rel !== null) this.excludes.push(matcher(rel));
    }
    this.bases = minimalBases(bases);
  }

  /** Whether `entry` belongs to the selection (and counts it: excluded entries count only as excluded). */
  accept(entry: ArchiveEntryInfo): boolean {
    const matched = this.includes.filter((m) => selfOrAncestorMatches(m.test, entry.path));
    const untracked = this.isUntracked(entry);
    if (matched.length === 0 && !untracked) return false;
    const excluded = this.excludes.find((m) => m.test(entry.path));
    if (excluded) {
      excluded.count++;
      return false;
    }
    matched.forEach((m) => m.count++);
    if (untracked) this.untrackedCount++;
    return true;
  }

  /** The runner's per-pattern report lines, in its wording. */
  report(workingDir: string): { info: string[]; warnings: string[] } {
    const info: string[] = [];
    const warnings = this.rejected.map((p) => `${p}: artifact path is not a subpath of project directory: ${workingDir}`);
    for (const m of this.includes) {
      if (m.count > 0) info.push(`${m.pattern}: found ${m.count} matching artifact files and directories`);
      else warnings.push(`${m.pattern}: no matching files. Ensure that the artifact path is relative to the working directory (${workingDir})`);
    }
    if (this.spec.untracked) info.push(`untracked: found ${this.untrackedCount} files`);
    for (const m of this.excludes) if (m.count > 0) info.push(`${m.pattern}: excluded ${m.count} files`);
    return { info, warnings };
  }

  private isUntracked(entry: ArchiveEntryInfo): boolean {
    if (!this.spec.untracked || entry.type === 'directory') return false;
    if (entry.path === '.git' || entry.path.startsWith('.git/')) return false;
    return !this.spec.tracked.has(entry.path);
  }
}

function selfOrAncestorMatches(test: (path: string) => boolean, path: string): boolean {
  for (let p = path; p !== ''; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') {
    if (test(p)) return true;
  }
  return false;
}
