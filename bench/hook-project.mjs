// The project the hook benchmarks run `glci hook run` in: a git project whose `test` jobs have
// `rules:changes` on src/** and docs/**, with only README.md staged, so no job would run and glci must
// answer after planning, without exporting the index (its fast path). It is its own `origin` (fetched,
// origin/HEAD set), as a clone would be: gitlab-ci-local evaluates rules:changes against origin's
// default branch. Used by hook.mjs and run.js.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from './generate.mjs';

const FAST_LINE = 'no job of stage "test" would run for the 1 changed file';

const CONFIG = `stages: [build, test, deploy]
compile:
  stage: build
  script: [echo compile]
unit:
  stage: test
  script: [echo unit]
  rules:
    - changes: ["src/**/*"]
lint:
  stage: test
  script: [echo lint]
  rules:
    - changes: ["src/**/*", "docs/**/*"]
publish:
  stage: deploy
  script: [echo publish]
`;

/** A new hook project in the temporary directory; the caller removes it. */
export function makeHookProject() {
  const dir = makeProject('glci-bench-hook-', CONFIG);
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('remote', 'add', 'origin', dir);
  git('fetch', '-q', 'origin');
  git('remote', 'set-head', 'origin', 'main');
  writeFileSync(join(dir, 'README.md'), 'changed\n');
  git('add', 'README.md');
  return dir;
}

/** Throws unless the run of `glci hook run` in `dir` (a spawnSync result) took the fast path. */
export function checkHookFastPath(dir, res) {
  if (!res.stderr.includes(FAST_LINE)) throw new Error(`the fast path did not answer; stderr:\n${res.stderr.slice(-2000)}`);
  if (existsSync(join(dir, '.glci'))) throw new Error('the fast path created the state directory: it ran something');
}

/** The process environment without glci's own settings, which would change what is measured. */
export function benchEnv(env = process.env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('GLCI_')));
}
