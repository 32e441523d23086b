// The runner's fetch of a job's sources into a folder of the runner host, in GitLab Runner's steps and
// with its job-log lines (runner-behavior.md §4.3, shells/abstract.go writeRefspecFetchCmd and
// writeCheckoutCmd): GIT_STRATEGY (clone, fetch, none, empty), GIT_DEPTH, the payload's refspecs,
// GIT_CHECKOUT, GIT_CLEAN_FLAGS, GIT_FETCH_EXTRA_FLAGS and GIT_SUBMODULE_STRATEGY. The clone URL holds
// the job token: it reaches git only through the remote's config, and every line git prints is
// scrubbed of it (and of any `user:password@`) before it is written.
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecutorError } from '../errors.js';
import { runGit } from './run-git.js';

export type PrintLine = (kind: 'print' | 'info' | 'warn' | 'error', message: string) => void;

export interface SourceFetchRequest {
  dir: string;
  repoUrl: string;
  sha: string;
  ref: string;
  refType: string;
  refspecs: readonly string[];
  /** 0: the whole history. */
  depth: number;
  strategy: string;
  submoduleStrategy: string;
  /** GIT_CHECKOUT=false leaves the working tree as fetched. */
  checkout: boolean;
  cleanFlags: string;
  fetchExtraFlags: string;
  /** Values never to print (the job token). */
  secrets: readonly string[];
  print: PrintLine;
  signal: AbortSignal;
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1');
  for (const secret of secrets) if (secret) out = out.split(secret).join('[MASKED]');
  return out;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Runs git in `dir`; a failure throws with git's scrubbed stderr. */
async function git(request: SourceFetchRequest, args: readonly string[], what: string): Promise<string> {
  if (request.signal.aborted) throw new ExecutorError('SOURCES_CANCELED', 'the job was canceled while its sources were fetched');
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', LC_ALL: 'C' };
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[key];
  const result = await runGit(request.dir, args, env);
  if (!result.ok) {
    const detail = scrub(result.stderr.trim(), request.secrets);
    for (const line of detail.split('\n').filter((l) => l !== '')) request.print('print', line);
    throw new ExecutorError('SOURCES_FETCH', `${what} failed: ${detail.split('\n').pop() ?? 'git failed'}`, 'check that the runner can reach the repository and that the job token is valid');
  }
  return result.stdout;
}

function defaultRefspecs(request: SourceFetchRequest): string[] {
  return request.refType === 'tag' ? [`+refs/tags/${request.ref}:refs/tags/${request.ref}`] : [`+refs/heads/${request.ref}:refs/remotes/origin/${request.ref}`];
}

function words(flags: string): string[] {
  return flags.split(/\s+/).filter((w) => w !== '');
}

export async function fetchSources(request: SourceFetchRequest): Promise<void> {
  const { dir, print } = request;
  if (request.strategy === 'none') {
    await mkdir(dir, { recursive: true });
    return print('print', 'Skipping Git repository setup');
  }
  if (request.strategy === 'empty' || request.strategy === 'clone') await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  if (request.strategy === 'empty') return print('print', 'Skipping Git repository setup and creating an empty build directory');
  const depthText = request.depth > 0 ? ` with git depth set to ${request.depth}` : '';
  print('info', `Fetching changes${depthText}...`);
  const fresh = !(await exists(join(dir, '.git')));
  await git(request, ['init', '--quiet'], 'git init');
  print('print', `${fresh ? 'Initialized empty' : 'Reinitialized existing'} Git repository in ${dir}/.git/`);
  if (fresh) print('print', 'Created fresh repository.');
  const remotes = await git(request, ['remote'], 'git remote');
  const remoteVerb = remotes.split('\n').includes('origin') ? 'set-url' : 'add';
  await git(request, ['remote', remoteVerb, 'origin', request.repoUrl], 'setting the remote');
  const refspecs = request.refspecs.length > 0 ? request.refspecs : defaultRefspecs(request);
  const depth = request.depth > 0 ? ['--depth', String(request.depth)] : [];
  // GitLab Runner's order: `git fetch origin <refspecs> --depth N <GIT_FETCH_EXTRA_FLAGS>` (default `--prune --quiet`).
  await git(request, ['fetch', 'origin', ...refspecs, ...depth, ...words(request.fetchExtraFlags)], 'git fetch');
  if (!request.checkout) {
    print('print', 'Skipping Git checkout');
  } else {
    print('print', `Checking out ${request.sha.slice(0, 8)} as detached HEAD (ref is ${request.ref})...`);
    await git(request, ['-c', 'advice.detachedHead=false', 'checkout', '-f', '-q', request.sha], 'git checkout');
    if (request.cleanFlags !== 'none') await git(request, ['clean', ...words(request.cleanFlags || '-ffdx')], 'git clean');
  }
  await submodules(request);
}

async function submodules(request: SourceFetchRequest): Promise<void> {
  const strategy = request.submoduleStrategy;
  if (strategy !== 'normal' && strategy !== 'recursive') return request.print('print', 'Skipping Git submodules setup');
  const recursive = strategy === 'recursive' ? ['--recursive'] : [];
  request.print('info', strategy === 'recursive' ? 'Updating/initializing submodules recursively...' : 'Updating/initializing submodules...');
  await git(request, ['submodule', 'sync', ...recursive], 'git submodule sync');
  await git(request, ['submodule', 'update', '--init', ...recursive], 'git submodule update');
}
