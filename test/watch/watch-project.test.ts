// The real watcher on a real git repository: change sets hold project-relative paths of edited, added
// and deleted files, and never what .gitignore ignores (at start or after a new .gitignore line), nor
// `.git/` or the state directory. Waits for events, never for a fixed time: an ignored write is followed
// by a watched one, and the set that carries the watched one must not carry the ignored one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchProject, type ProjectWatch } from '../../src/watch/watch-project.js';

const WAIT_MS = 15_000;

let dir: string;
let watch: ProjectWatch | undefined;
let sets: string[][];
let waiters: (() => void)[];

function git(...args: string[]): void {
  execFileSync('git', args, { cwd: dir, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
}

function write(rel: string, text = 'x\n'): void {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

/** Resolves with every set seen so far once one of them holds `path`. */
function setsUntil(path: string): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no change set with ${path}; saw ${JSON.stringify(sets)}`)), WAIT_MS);
    const check = () => {
      if (!sets.some((s) => s.includes(path))) return;
      clearTimeout(timer);
      resolve(sets.slice());
    };
    waiters.push(check);
    check();
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glci-watch-'));
  sets = [];
  waiters = [];
  git('init', '-q', '-b', 'main');
  write('.gitignore', 'node_modules/\n*.log\n');
  write('src/a.ts');
  write('node_modules/pkg/index.js');
  git('add', '-A');
  git('commit', '-qm', 'init');
  mkdirSync(join(dir, '.glci'));
  watch = await watchProject({
    projectDir: dir,
    excludeDirs: [join(dir, '.glci')],
    debounceMs: 50,
    onChanges: (paths) => {
      sets.push(paths);
      for (const w of waiters.slice()) w();
    },
    onError: (error) => {
      throw error;
    },
  });
});

afterEach(async () => {
  await watch?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('watchProject', () => {
  it('reports edited, added and deleted files, relative with / separators', async () => {
    appendFileSync(join(dir, 'src/a.ts'), 'more\n');
    write('src/deep/new.ts');
    const seen = await setsUntil('src/deep/new.ts');
    expect(seen.flat()).toContain('src/a.ts');
    unlinkSync(join(dir, 'src/a.ts'));
    await setsUntil('src/a.ts');
    expect(sets.at(-1)).toContain('src/a.ts');
  });

  it('leaves out what git ignores, .git and the state directory', async () => {
    write('node_modules/pkg/other.js');
    write('debug.log');
    write('.glci/builds/job/out.txt');
    write('.git/glci-test');
    write('src/sentinel.ts');
    const seen = (await setsUntil('src/sentinel.ts')).flat();
    expect(seen).toEqual(['src/sentinel.ts']);
  });

  it('asks git again before emitting, so a new .gitignore line counts at once', async () => {
    write('.gitignore', 'node_modules/\n*.log\ngenerated/\n');
    await setsUntil('.gitignore');
    write('generated/out.ts');
    write('src/sentinel.ts');
    const seen = (await setsUntil('src/sentinel.ts')).flat();
    expect(seen).not.toContain('generated/out.ts');
  });

  it('emits nothing once closed', async () => {
    await watch?.close();
    watch = undefined;
    // A second watcher proves the writes were observable, and tells when they have been seen.
    const secondSets: string[][] = [];
    let seenSentinel: () => void = () => undefined;
    const sentinel = new Promise<void>((resolve) => {
      seenSentinel = resolve;
    });
    const second = await watchProject({
      projectDir: dir,
      excludeDirs: [],
      debounceMs: 50,
      onChanges: (paths) => {
        secondSets.push(paths);
        if (paths.includes('src/sentinel.ts')) seenSentinel();
      },
      onError: () => undefined,
    });
    try {
      write('src/after-close.ts');
      write('src/sentinel.ts');
      await sentinel;
      expect(secondSets.flat()).toContain('src/after-close.ts');
      expect(sets).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
