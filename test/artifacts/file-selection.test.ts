// The runner's file archiver semantics (runner-behavior.md §6.4, §7.2; gitlab-ci-yaml.md §5.17).
import { describe, expect, it } from 'vitest';
import { FileSelection, relativePattern } from '../../src/artifacts/file-selection.js';
import type { ArchiveEntryInfo } from '../../src/platform/archive.js';

const PROJECT = '/builds/group/project';

function entry(path: string): ArchiveEntryInfo {
  const type = path.endsWith('/') ? 'directory' : 'file';
  return { path: path.replace(/\/$/, ''), type, size: 1, mtime: undefined };
}

const TREE = [
  'README.md',
  'notes.txt',
  'docs/guide.txt',
  'dist/',
  'dist/app.js',
  'dist/app.js.map',
  'dist/sub/',
  'dist/sub/lib.js',
  'dist/sub/lib.js.map',
  'reports/',
  'reports/unit.xml',
  'reports/deep/it.xml',
  '.hidden/',
  '.hidden/secret.txt',
  '.git/',
  '.git/config',
].map(entry);

function select(spec: Partial<{ paths: string[]; exclude: string[]; untracked: boolean; tracked: string[] }>): { selection: FileSelection; kept: string[] } {
  const selection = new FileSelection(
    { paths: spec.paths ?? [], exclude: spec.exclude ?? [], untracked: spec.untracked ?? false, tracked: new Set(spec.tracked ?? []) },
    PROJECT,
  );
  return { selection, kept: TREE.filter((e) => selection.accept(e)).map((e) => e.path) };
}

describe('relativePattern', () => {
  it.each([
    ['dist/', 'dist'],
    ['./dist/app.js', 'dist/app.js'],
    [`${PROJECT}/dist`, 'dist'],
    [PROJECT, '.'],
    ['a/../b/*.js', 'b/*.js'],
    ['.', '.'],
    ['../outside', null],
    ['/etc/passwd', null],
    ['/builds/group/project-other/x', null],
  ])('%j → %j', (pattern, expected) => {
    expect(relativePattern(pattern, PROJECT)).toBe(expected);
  });
});

describe('FileSelection', () => {
  it('takes a matched directory recursively', () => {
    expect(select({ paths: ['dist/'] }).kept).toEqual(['dist', 'dist/app.js', 'dist/app.js.map', 'dist/sub', 'dist/sub/lib.js', 'dist/sub/lib.js.map']);
  });

  it('matches * within one directory level, dotfiles included', () => {
    expect(select({ paths: ['*.txt', '.hidden/*'] }).kept).toEqual(['notes.txt', '.hidden/secret.txt']);
  });

  it('matches ** at any depth, including none', () => {
    expect(select({ paths: ['**/*.xml'] }).kept).toEqual(['reports/unit.xml', 'reports/deep/it.xml']);
    expect(select({ paths: ['reports/**/*.xml'] }).kept).toEqual(['reports/unit.xml', 'reports/deep/it.xml']);
  });

  it('excludes by glob, not recursively', () => {
    expect(select({ paths: ['dist'], exclude: ['dist/**/*.map'] }).kept).toEqual(['dist', 'dist/app.js', 'dist/sub', 'dist/sub/lib.js']);
    expect(select({ paths: ['dist'], exclude: ['dist/sub'] }).kept).toEqual(['dist', 'dist/app.js', 'dist/app.js.map', 'dist/sub/lib.js', 'dist/sub/lib.js.map']);
    expect(select({ paths: ['dist'], exclude: ['dist/sub/**'] }).kept).toEqual(['dist', 'dist/app.js', 'dist/app.js.map']);
  });

  it('adds untracked files (never directories or .git) and skips tracked ones', () => {
    const { kept } = select({ untracked: true, tracked: ['README.md', 'notes.txt', 'docs/guide.txt', 'dist/app.js'] });
    expect(kept).toEqual(['dist/app.js.map', 'dist/sub/lib.js', 'dist/sub/lib.js.map', 'reports/unit.xml', 'reports/deep/it.xml', '.hidden/secret.txt']);
  });

  it('copies out only what the patterns can reach', () => {
    expect(select({ paths: ['dist/**', 'reports/unit.xml', 'dist/sub'] }).selection.bases).toEqual(['dist', 'reports/unit.xml']);
    expect(select({ paths: ['**/*.xml', 'dist'] }).selection.bases).toEqual(['.']);
    expect(select({ paths: ['dist'], untracked: true }).selection.bases).toEqual(['.']);
    expect(select({ paths: [] }).selection.bases).toEqual([]);
  });

  it('reports per pattern in the runner’s words', () => {
    const { selection } = select({ paths: ['dist', 'missing/', '../outside'], exclude: ['**/*.map'] });
    expect(selection.report(PROJECT)).toEqual({
      info: ['dist: found 4 matching artifact files and directories', '**/*.map: excluded 2 files'],
      warnings: [
        `../outside: artifact path is not a subpath of project directory: ${PROJECT}`,
        `missing: no matching files. Ensure that the artifact path is relative to the working directory (${PROJECT})`,
      ],
    });
  });
});
