// get_sources for the container executors (runner-behavior.md §4.3): the state GitLab Runner's fetch
// and checkout leave — the working tree the user sees and a shallow repository detached at the
// pipeline's commit — as one tar (platform/checkout-archive.ts), with the runner's lines. GIT_STRATEGY
// none and empty leave the project folder empty. Each executor only says how a tar rooted at `/`
// reaches the job (docker: the engine's archive API; kubernetes: tar over exec in the helper).
import type { Readable } from 'node:stream';
import type { RunnerLineKind } from '../../log/runner-lines.js';
import { directoriesArchive } from '../../platform/archive.js';
import { checkoutArchive } from '../../platform/checkout-archive.js';
import type { PrepareOptions } from '../executor.js';

/** GitLab's project default for `git_depth` (the runner receives it as `git_info.depth`). */
const DEFAULT_GIT_DEPTH = 20;

/** GIT_STRATEGY as the runner reads it: clone, fetch, none or empty; anything else is fetch. */
export function gitStrategy(variable: (key: string) => string | undefined): string {
  const value = variable('GIT_STRATEGY') ?? 'fetch';
  return ['clone', 'fetch', 'none', 'empty'].includes(value) ? value : 'fetch';
}

export interface SourcesInput {
  /** Extracts a tar stream at `/` of the job's filesystem. */
  put: (tar: Readable) => Promise<void>;
  /** Numeric owner of every entry: the job image's user. */
  owner: { uid: number; gid: number };
  signal: AbortSignal;
  log: (kind: RunnerLineKind, message: string) => void;
  prepare: PrepareOptions;
  projectDir: string;
  /** GIT_STRATEGY: clone, fetch, none or empty. */
  strategy: string;
  variable: (key: string) => string | undefined;
}

export async function deliverSources(input: SourcesInput): Promise<void> {
  const { put, owner, signal, log, prepare, projectDir, strategy, variable } = input;
  if (strategy === 'none' || strategy === 'empty') {
    // No checkout to carry the folders: create them (owned by the job's user) on their own. With a
    // checkout they come in its archive, and the scripts make the `.tmp` folder when they need it.
    const tmpDir = `${projectDir}.tmp`;
    await put(directoriesArchive([projectDir.slice(1), tmpDir.slice(1)], owner));
  }
  if (strategy === 'none') return log('print', 'Skipping Git repository setup');
  if (strategy === 'empty') return log('print', 'Skipping Git repository setup and creating an empty build directory');
  const depth = Number(variable('GIT_DEPTH') ?? DEFAULT_GIT_DEPTH);
  const gitDepth = Number.isInteger(depth) && depth >= 0 ? depth : DEFAULT_GIT_DEPTH;
  log('info', gitDepth > 0 ? `Fetching changes with git depth set to ${gitDepth}...` : 'Fetching changes...');
  const sha = variable('CI_COMMIT_SHA');
  const refName = variable('CI_COMMIT_REF_NAME');
  const remoteUrl = variable('CI_REPOSITORY_URL');
  const archive = await checkoutArchive({
    sourceDir: prepare.sourceDir,
    stateDir: prepare.stateDir,
    prefix: projectDir.slice(1),
    depth: gitDepth,
    owner,
    signal,
    ...(sha && !/^0+$/.test(sha) ? { commit: sha } : {}),
    ...(refName ? { ref: { name: refName, kind: variable('CI_COMMIT_TAG') ? 'tag' : 'branch' } } : {}),
    ...(remoteUrl ? { remoteUrl } : {}),
  });
  await put(archive.stream);
  if (archive.sha) {
    log('print', `Initialized empty Git repository in ${projectDir}/.git/`);
    log('print', 'Created fresh repository.');
    log('print', `Checking out ${archive.sha.slice(0, 8)} as detached HEAD (ref is ${refName ?? 'HEAD'})...`);
  } else {
    log('print', 'Skipping Git checkout');
  }
  log('print', 'Skipping Git submodules setup');
}
