import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShellExecutor } from '../../src/executors/shell/shell-executor.js';
import { runExecutorContract } from './contract.js';
import { prepareJob, sleepIsGone, testJob, uniqueSleepSeconds } from './contract-support.js';

runExecutorContract('shell', async () => createShellExecutor({ killGraceMs: 500 }));
runExecutorContract('shell (sh)', async () => createShellExecutor({ killGraceMs: 500, shell: 'sh' }));

/** A git project with tracked, untracked, ignored files and glci's state dir inside it. */
function gitProject(): { root: string; sourceDir: string; stateDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'glci-shell-'));
  const sourceDir = join(root, 'my-app');
  mkdirSync(join(sourceDir, 'build'), { recursive: true });
  mkdirSync(join(sourceDir, 'src'), { recursive: true });
  writeFileSync(join(sourceDir, '.gitignore'), '*.log\nbuild/\n');
  writeFileSync(join(sourceDir, 'src', 'tracked.txt'), 'tracked\n');
  writeFileSync(join(sourceDir, 'run.sh'), '#!/bin/sh\necho ran\n');
  chmodSync(join(sourceDir, 'run.sh'), 0o755);
  writeFileSync(join(sourceDir, 'untracked.txt'), 'untracked\n');
  writeFileSync(join(sourceDir, 'debug.log'), 'ignored\n');
  writeFileSync(join(sourceDir, 'build', 'out.bin'), 'ignored\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: sourceDir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.gitignore', 'src/tracked.txt', 'run.sh');
  const stateDir = join(sourceDir, '.glci');
  mkdirSync(join(stateDir, 'old'), { recursive: true });
  writeFileSync(join(stateDir, 'old', 'junk.txt'), 'state\n');
  return { root, sourceDir, stateDir };
}

describe('shell executor', () => {
  let project: ReturnType<typeof gitProject>;
  beforeAll(() => {
    project = gitProject();
  });
  afterAll(() => rmSync(project.root, { recursive: true, force: true }));

  it('copies tracked and untracked-but-not-ignored files, not its own state dir, into a repository of its own', async () => {
    const p = await prepareJob(createShellExecutor(), testJob('copy'), project, 1);
    try {
      const has = (rel: string) => existsSync(join(p.env.projectDir, rel));
      expect(['.gitignore', 'src/tracked.txt', 'run.sh', 'untracked.txt'].filter(has)).toHaveLength(4);
      expect(['debug.log', 'build/out.bin', '.glci'].filter(has)).toEqual([]);
      // The copy's .git is a new repository (HEAD at the source's commit), not a copy of the user's.
      expect(has('.git/objects/info/alternates')).toBe(true);
      expect(statSync(join(p.env.projectDir, 'run.sh')).mode & 0o111).not.toBe(0);
      expect(p.env.projectDir).toBe(join(p.env.buildsDir, 'my-app'));
      expect(p.env.tmpDir).toBe(`${p.env.projectDir}.tmp`);
      expect(p.io.text).toContain('Using Shell (bash) executor...');
      expect((await p.run(['./run.sh'])).exitCode).toBe(0);
      expect(p.io.text).toContain('ran\n');
    } finally {
      await p.env.cleanup();
    }
    expect(existsSync(p.env.buildsDir)).toBe(false);
  });

  it('runs in the real project with inPlace and never deletes it', async () => {
    const p = await prepareJob(createShellExecutor({ inPlace: true }), testJob('in place'), project, 2);
    expect(p.env.projectDir).toBe(project.sourceDir);
    expect((await p.run(['echo written > in-place-output.txt'])).exitCode).toBe(0);
    expect(readFileSync(join(project.sourceDir, 'in-place-output.txt'), 'utf8')).toBe('written\n');
    await p.env.cleanup();
    expect(existsSync(join(project.sourceDir, 'src', 'tracked.txt'))).toBe(true);
    expect(existsSync(p.env.tmpDir)).toBe(false);
  });

  it('stops background processes when the step’s shell exits', async () => {
    const p = await prepareJob(createShellExecutor({ killGraceMs: 500 }), testJob('background'), project, 3);
    const seconds = uniqueSleepSeconds();
    const started = Date.now();
    const outcome = await p.run([`sleep ${seconds} &`, 'echo started']);
    expect(outcome.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await sleepIsGone(seconds)).toBe(true);
    await p.env.cleanup();
  });

  it('falls back to sh when bash is not on PATH', async () => {
    const bin = join(project.root, 'only-sh');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['sh', 'mkdir', 'touch']) {
      symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
    }
    const p = await prepareJob(createShellExecutor({ env: { PATH: bin } }), testJob('no bash'), project, 4);
    expect(p.io.text).toContain('Using Shell (sh) executor...');
    expect((await p.run(['echo "fallback ok"'])).exitCode).toBe(0);
    expect(p.io.text).toContain('fallback ok\n');
    await p.env.cleanup();
  });

  it('extracts into an absolute path inside the environment', async () => {
    const p = await prepareJob(createShellExecutor(), testJob('absolute'), project, 5);
    const source = await p.env.copyOut(['src']);
    await p.env.copyIn(source, join(p.env.projectDir, 'copy'));
    expect(readFileSync(join(p.env.projectDir, 'copy', 'src', 'tracked.txt'), 'utf8')).toBe('tracked\n');
    await p.env.cleanup();
  });
});
