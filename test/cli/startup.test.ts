// Start-up is a feature (DESIGN.md habit 10): the commands people run many times a day (list, lint,
// explain, the pre-commit hook when no job would run) evaluate no Docker, Kubernetes, ink, chokidar,
// execa or tar code and no executor or engine, and load nothing of those from node_modules.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, isolatedEnv } from '../acceptance/fixture-git.js';
import { recordedRun, root, type RecordedRun } from './startup-support.js';

/** Parts of the bundle, by module path, that only `run`, the docker commands or the live view need. */
const HEAVY_CODE = [
  'node_modules/execa/', 'node_modules/tar/', 'node_modules/dockerode/', 'node_modules/ink/', 'node_modules/react/',
  'node_modules/chokidar/', 'node_modules/@kubernetes/', 'src/executors/', 'src/engine/', 'src/reporters/live/', 'src/watch/',
];
/** Files outside the bundle that the same commands must not load. */
const HEAVY_FILES = [
  '/node_modules/dockerode/', '/dist/vendor/dockerode', '/node_modules/@kubernetes/', '/node_modules/ink/', '/node_modules/react/',
  '/node_modules/chokidar/', '/dist/live-reporter.js',
];

const hello = join(root, 'examples/hello');
const project = mkdtempSync(join(tmpdir(), 'glci-startup-hook-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

// A pre-commit hook for which no job would run: `unit` needs changes in src/, only README.md is staged.
beforeAll(async () => {
  writeFileSync(join(project, '.gitlab-ci.yml'), 'stages: [build, test]\ncompile:\n  stage: build\n  script: [echo compile]\nunit:\n  stage: test\n  script: [echo unit]\n  rules:\n    - changes: ["src/**/*"]\n');
  await git(project, ['init', '-q', '-b', 'main']);
  await git(project, ['add', '.']);
  await git(project, ['commit', '-q', '-m', 'init']);
  writeFileSync(join(project, 'README.md'), 'changed\n');
  await git(project, ['add', 'README.md']);
});

function expectLean(res: RecordedRun, command: string): void {
  expect(res.exitCode, res.stderr).toBe(0);
  // The recording itself must work: the command's own module ran, the bundle was loaded.
  expect(res.evaluated).toContain(`src/commands/${command}.ts`);
  expect(res.loaded.some((f) => f.endsWith('/dist/glci.cjs'))).toBe(true);
  expect(res.evaluated.filter((m) => HEAVY_CODE.some((h) => m.includes(h)))).toEqual([]);
  expect(res.loaded.filter((f) => HEAVY_FILES.some((h) => f.includes(h)))).toEqual([]);
}

describe('start-up', () => {
  it('glci list evaluates and loads nothing heavy', async () => {
    expectLean(await recordedRun(['list', '--cwd', hello], root), 'list');
  });

  it('glci lint evaluates and loads nothing heavy', async () => {
    expectLean(await recordedRun(['lint', '--cwd', hello], root), 'lint');
  });

  it('glci explain JOB evaluates and loads nothing heavy', async () => {
    expectLean(await recordedRun(['explain', 'unit', '--cwd', hello], root), 'explain');
  });

  it('glci hook run with no job to run evaluates and loads nothing heavy', async () => {
    const res = await recordedRun(['hook', 'run'], project, isolatedEnv());
    expect(res.stderr).toContain('no job of stage "test" would run');
    expectLean(res, 'hook/run');
  });

  it('glci --version loads neither the bundle nor oclif', async () => {
    const res = await recordedRun(['--version'], root);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^glci\/\S+ \S+ node-v\S+$/);
    expect(res.loaded.filter((f) => f.includes('/dist/glci.cjs') || f.includes('/@oclif/'))).toEqual([]);
  });
});
