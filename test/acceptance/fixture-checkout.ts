// Materialises a fixture as a real git repository, so glci reads branch, tag, default branch and
// files exactly as it does in a user's checkout.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { checkoutBranch, sourceFolders, type FixtureContext } from './fixture-context.js';
import { git } from './fixture-git.js';
import { prepareSources } from './fixture-sources.js';

export { isolatedEnv } from './fixture-git.js';

/** Files of a fixture directory that describe the expectation and are not part of the project. */
const FIXTURE_METADATA = new Set([
  'context.json',
  'expected-list.json',
  'expected-merged.json',
  'expected-reason.txt',
  'expected-errors.json',
  'expected-variables.json',
]);

const DEFAULT_BRANCH = 'main';

export interface FixtureCheckout {
  /** The project directory (the repository root, holding `.gitlab-ci.yml`). */
  dir: string;
  /** Environment variables glci runs with on top of the isolated environment (HOME, GLCI_*). */
  env: Record<string, string>;
  remove(): void;
}

/** Removes `dir` and its parents up to (excluding) `top` while they are empty. */
function removeEmptyParents(top: string, dir: string): void {
  for (let current = dir; current.startsWith(`${top}${sep}`); current = dirname(current)) {
    if (!existsSync(current) || readdirSync(current).length > 0) return;
    rmdirSync(current);
  }
}

/** Writes `fixture file <path>` at each path (a path ending in `/` becomes a directory with a `.keep`). */
function createFiles(projectDir: string, files: readonly string[]): void {
  for (const file of files) {
    const target = join(projectDir, file);
    if (file.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, '.keep'), '');
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, `fixture file ${file}\n`);
    }
  }
}

function copyProjectFiles(fixtureDir: string, projectDir: string, context: FixtureContext): void {
  // Other projects, templates and components live in their own folders, outside the checkout.
  const excluded = new Set(sourceFolders(context).map((folder) => resolve(fixtureDir, folder)));
  cpSync(fixtureDir, projectDir, {
    recursive: true,
    filter: (source) =>
      !excluded.has(resolve(source)) && !(dirname(source) === fixtureDir && FIXTURE_METADATA.has(basename(source))),
  });
  for (const folder of excluded) {
    removeEmptyParents(projectDir, dirname(join(projectDir, relative(fixtureDir, folder))));
  }
  createFiles(projectDir, context.files ?? []);
}

async function commitFiles(dir: string, files: readonly string[], message: string): Promise<void> {
  createFiles(dir, files);
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', message]);
}

/** The branch's own commit, the target's later commit, then what is staged and what is only on disk. */
async function addHistory(dir: string, branch: string, context: FixtureContext): Promise<void> {
  if (context.branchFiles) await commitFiles(dir, context.branchFiles, 'glci fixture: branch changes');
  if (context.targetFiles && branch !== DEFAULT_BRANCH) {
    await git(dir, ['checkout', '-q', DEFAULT_BRANCH]);
    await commitFiles(dir, context.targetFiles, 'glci fixture: target branch changes');
    await git(dir, ['update-ref', `refs/remotes/origin/${DEFAULT_BRANCH}`, 'HEAD']);
    await git(dir, ['checkout', '-q', branch]);
  }
  if (context.stagedFiles) {
    createFiles(dir, context.stagedFiles);
    await git(dir, ['add', '--', ...context.stagedFiles]);
  }
  createFiles(dir, context.worktreeFiles ?? []);
}

/**
 * One commit on `main`, `origin/HEAD` pointing at `main` (how glci learns the default branch), then
 * HEAD moved to the context's branch, or detached at the context's tag; then the branch's history.
 */
async function initRepository(dir: string, context: FixtureContext): Promise<void> {
  await git(dir, ['init', '-q', '-b', DEFAULT_BRANCH]);
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', 'glci fixture']);
  await git(dir, ['remote', 'add', 'origin', 'https://gitlab.example.com/glci/fixture.git']);
  await git(dir, ['update-ref', `refs/remotes/origin/${DEFAULT_BRANCH}`, 'HEAD']);
  await git(dir, ['symbolic-ref', 'refs/remotes/origin/HEAD', `refs/remotes/origin/${DEFAULT_BRANCH}`]);
  if (context.tag !== undefined) {
    await git(dir, ['tag', context.tag]);
    await git(dir, ['checkout', '-q', '--detach', context.tag]);
    return;
  }
  const branch = checkoutBranch(context);
  if (branch !== DEFAULT_BRANCH) await git(dir, ['checkout', '-q', '-b', branch]);
  await addHistory(dir, branch, context);
}

/** Copies a fixture into a fresh temporary git repository shaped by its context. */
export async function createCheckout(fixtureDir: string, context: FixtureContext): Promise<FixtureCheckout> {
  const root = mkdtempSync(join(tmpdir(), 'glci-fixture-'));
  const dir = join(root, 'project');
  const remove = (): void => rmSync(root, { recursive: true, force: true });
  try {
    copyProjectFiles(fixtureDir, dir, context);
    await initRepository(dir, context);
    const env = await prepareSources(fixtureDir, root, context);
    return { dir, env, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
