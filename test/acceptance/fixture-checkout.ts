// Materialises a fixture as a real git repository, so glci reads branch, tag, default branch and
// files exactly as it does in a user's checkout.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { checkoutBranch, type FixtureContext } from './fixture-context.js';

/** Files of a fixture directory that describe the expectation and are not part of the project. */
const FIXTURE_METADATA = new Set([
  'context.json',
  'expected-list.json',
  'expected-merged.json',
  'expected-reason.txt',
  'expected-errors.json',
]);

const DEFAULT_BRANCH = 'main';

export interface FixtureCheckout {
  /** The project directory (the repository root, holding `.gitlab-ci.yml`). */
  dir: string;
  remove(): void;
}

/**
 * An environment without the caller's git, CI and glci settings, so a developer's global git
 * config (signing, default branch) or a surrounding CI job cannot change the outcome.
 */
export function isolatedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(GIT_|CI_|GITLAB_|GLCI_)/.test(name) || name === 'CI') continue;
    env[name] = value;
  }
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: devNull, NO_COLOR: '1' };
}

async function git(cwd: string, args: string[]): Promise<void> {
  const identity = ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'commit.gpgsign=false'];
  await execa('git', [...identity, ...args], { cwd, env: isolatedEnv(), extendEnv: false });
}

function copyProjectFiles(fixtureDir: string, projectDir: string, context: FixtureContext): void {
  cpSync(fixtureDir, projectDir, {
    recursive: true,
    filter: (source) => !(dirname(source) === fixtureDir && FIXTURE_METADATA.has(basename(source))),
  });
  for (const file of context.files ?? []) {
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

/**
 * One commit on `main`, `origin/HEAD` pointing at `main` (how glci learns the default branch), then
 * HEAD moved to the context's branch, or detached at the context's tag.
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
}

/** Copies a fixture into a fresh temporary git repository shaped by its context. */
export async function createCheckout(fixtureDir: string, context: FixtureContext): Promise<FixtureCheckout> {
  const root = mkdtempSync(join(tmpdir(), 'glci-fixture-'));
  const dir = join(root, 'project');
  const remove = (): void => rmSync(root, { recursive: true, force: true });
  try {
    copyProjectFiles(fixtureDir, dir, context);
    await initRepository(dir, context);
  } catch (error) {
    remove();
    throw error;
  }
  return { dir, remove };
}
