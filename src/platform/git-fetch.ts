// The runner's get_sources on its own host, in GitLab Runner's steps and with its job-log lines
// (runner-behavior.md §4.3; shells/abstract.go): `git init`, `remote add|set-url origin`, `fetch` of
// the payload's refspecs, `checkout -f -q <sha>`, `clean`, submodules. The clone URL holds the job
// token: git gets it only in the remote's config and arguments, never the log; every line git prints
// passes through a redaction of the token (and of any `user:password@` in a URL) first.
import { spawn } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecutorError } from '../errors.js';

export type GitFetchLineKind = 'print' | 'info' | 'warn' | 'error';
export type GitFetchPrint = (kind: GitFetchLineKind, message: string) => void;

export interface GitFetchOptions {
  /** The project directory on the runner host. */
  dir: string;
  /** `git_info.repo_url`, `gitlab-ci-token:<job token>@` included. */
  repoUrl: string;
  sha: string;
  ref: string;
  refType: string;
  /** The payload's refspecs; none: the ref's own (`+refs/heads/<ref>:refs/remotes/origin/<ref>`). */
  refspecs: readonly string[];
  /** 0: the whole history. */
  depth: number;
  strategy: 'clone' | 'fetch' | 'none' | 'empty';
  submoduleStrategy: 'none' | 'normal' | 'recursive';
  /** GIT_SUBMODULE_DEPTH; default `depth`. */
  submoduleDepth?: number;
  /** GIT_CHECKOUT=false leaves the working tree as fetched. */
  checkout: boolean;
  /** GIT_CLEAN_FLAGS; `none` skips `git clean`. */
  cleanFlags: string;
  fetchExtraFlags: string;
  objectFormat?: 'sha1' | 'sha256';
  /** Environment of every git (the job's GIT_LFS_SKIP_SMUDGE, proxies, ...), on top of the process's. */
  env?: Readonly<Record<string, string>>;
  /** TLS files for the remote's host only (GitLab Runner's sslCAInfo, sslCert and sslKey for its URL). */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** More values never to print; the token of `repoUrl` is always redacted. */
  secrets?: readonly string[];
  print: GitFetchPrint;
  signal: AbortSignal;
}

interface GitOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `text` without credentials in URLs and without any of `secrets`. */
export function redactGitOutput(text: string, secrets: readonly string[]): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('[MASKED]');
  return out;
}

function secretsOf(options: GitFetchOptions): string[] {
  const secrets = [...(options.secrets ?? [])];
  try {
    const url = new URL(options.repoUrl);
    if (url.password) secrets.push(decodeURIComponent(url.password), url.password);
  } catch {
    // Not a URL (a local path): nothing of it is secret.
  }
  return secrets;
}

/**
 * `http.<origin>/.ssl*` settings as GIT_CONFIG_KEY_n/VALUE_n (git ≥ 2.31), so the CA and client
 * certificate apply to the remote's host only, never to submodules elsewhere, and are never written
 * into the repository's config.
 */
function tlsConfig(options: GitFetchOptions, env: NodeJS.ProcessEnv): void {
  const tls = options.tls;
  if (!tls) return;
  let origin: string;
  try {
    const url = new URL(options.repoUrl);
    if (url.protocol !== 'https:') return;
    origin = `${url.protocol}//${url.host}/`;
  } catch {
    return;
  }
  const settings: Array<[string, string, string | undefined]> = [['sslCAInfo', 'GIT_SSL_CAINFO', tls.caFile], ['sslCert', 'GIT_SSL_CERT', tls.certFile], ['sslKey', 'GIT_SSL_KEY', tls.keyFile]];
  let count = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  const set = (key: string, value: string) => {
    env[`GIT_CONFIG_KEY_${count}`] = key;
    env[`GIT_CONFIG_VALUE_${count}`] = value;
    count++;
  };
  for (const [name, variable, path] of settings) {
    if (path === undefined) continue;
    // git's GIT_SSL_* variables beat every http.* setting: one set on the machine becomes the
    // unscoped setting it stood for, so that GitLab's own (more specific) setting wins for its URL.
    const machineWide = env[variable];
    if (machineWide !== undefined) {
      delete env[variable];
      set(`http.${name}`, machineWide);
    }
    set(`http.${origin}.${name}`, path);
  }
  env.GIT_CONFIG_COUNT = String(count);
}

function gitEnv(options: GitFetchOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', GIT_LFS_SKIP_SMUDGE: '1', ...options.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'Never' };
  // The runner's own repository must not leak into the job's (git hooks set these).
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_ASKPASS', 'SSH_ASKPASS']) delete env[key];
  tlsConfig(options, env);
  return env;
}

function runGitIn(options: GitFetchOptions, args: readonly string[]): Promise<GitOutput> {
  return new Promise((resolve) => {
    const child = spawn('git', [...args], { cwd: options.dir, env: gitEnv(options), stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => resolve({ code: null, stdout: '', stderr: error.message }));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

function printLines(options: GitFetchOptions, text: string, secrets: readonly string[]): void {
  for (const line of redactGitOutput(text, secrets).split(/\r?\n/)) if (line.trim() !== '') options.print('print', line);
}

/** Runs git, passing its output (redacted) to the log; a failure throws with git's last line. */
async function git(options: GitFetchOptions, args: readonly string[], what: string, quiet = false): Promise<GitOutput> {
  if (options.signal.aborted) throw new ExecutorError('SOURCES_CANCELED', 'the job was canceled while its sources were fetched');
  const secrets = secretsOf(options);
  const result = await runGitIn(options, args);
  if (options.signal.aborted) throw new ExecutorError('SOURCES_CANCELED', 'the job was canceled while its sources were fetched');
  if (!quiet || result.code !== 0) printLines(options, `${result.stdout}\n${result.stderr}`, secrets);
  if (result.code !== 0) {
    const last = redactGitOutput(result.stderr, secrets).trim().split('\n').pop() || `git exited with ${result.code ?? 'a signal'}`;
    throw new ExecutorError('SOURCES_FETCH', `${what} failed: ${last}`, 'check that the runner reaches the repository and that the job token is valid');
  }
  return result;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function words(flags: string): string[] {
  return flags.split(/\s+/).filter((w) => w !== '');
}

function refspecsOf(options: GitFetchOptions): string[] {
  if (options.refspecs.length > 0) return [...options.refspecs];
  const ref = options.ref;
  return options.refType === 'tag' ? [`+refs/tags/${ref}:refs/tags/${ref}`] : [`+refs/heads/${ref}:refs/remotes/origin/${ref}`];
}

/** What a killed git leaves behind, which would make the next fetch fail (GitLab Runner removes the same). */
async function removeStaleLocks(dir: string): Promise<void> {
  const stale = ['index.lock', 'shallow.lock', 'HEAD.lock', 'config.lock', join('hooks', 'post-checkout')];
  await Promise.all(stale.map((file) => rm(join(dir, '.git', file), { force: true })));
}

async function initRepository(options: GitFetchOptions): Promise<void> {
  await removeStaleLocks(options.dir);
  const format = options.objectFormat === 'sha256' ? ['--object-format', 'sha256'] : [];
  // git prints `Initialized empty ...` / `Reinitialized existing ...` itself, as in GitLab Runner's log.
  // The initial branch is named so git prints no hint about it: the checkout is detached anyway.
  await git(options, ['-c', 'init.defaultBranch=main', 'init', ...format, options.dir], 'git init');
  const remotes = await git(options, ['remote'], 'git remote', true);
  if (remotes.stdout.split('\n').includes('origin')) {
    await git(options, ['remote', 'set-url', 'origin', options.repoUrl], 'setting the remote', true);
  } else {
    await git(options, ['remote', 'add', 'origin', options.repoUrl], 'adding the remote', true);
    options.print('print', 'Created fresh repository.');
  }
}

async function fetchRefs(options: GitFetchOptions): Promise<void> {
  const depth = options.depth > 0 ? ['--depth', String(options.depth)] : (await exists(join(options.dir, '.git', 'shallow'))) ? ['--unshallow'] : [];
  const args = ['fetch', 'origin', '--no-recurse-submodules', ...refspecsOf(options), ...depth, ...words(options.fetchExtraFlags)];
  await git(options, args, 'git fetch');
}

async function checkoutCommit(options: GitFetchOptions): Promise<void> {
  if (!options.checkout) return options.print('print', 'Skipping Git checkout');
  options.print('print', `Checking out ${options.sha.slice(0, 8)} as detached HEAD (ref is ${options.ref})...`);
  await git(options, ['-c', 'submodule.recurse=false', 'checkout', '-f', '-q', options.sha], 'git checkout');
  if (options.cleanFlags.trim() !== 'none') await git(options, ['clean', ...words(options.cleanFlags || '-ffdx')], 'git clean');
}

async function updateSubmodules(options: GitFetchOptions): Promise<void> {
  const strategy = options.submoduleStrategy;
  if (strategy !== 'normal' && strategy !== 'recursive') return options.print('print', 'Skipping Git submodules setup');
  const depth = options.submoduleDepth ?? options.depth;
  const recursive = strategy === 'recursive' ? ['--recursive'] : [];
  const how = `${strategy === 'recursive' ? ' recursively' : ''}${depth > 0 ? ` with git depth set to ${depth}` : ''}`;
  options.print('info', `Updating/initializing submodules${how}...`);
  await git(options, ['submodule', 'init'], 'git submodule init');
  await git(options, ['submodule', 'sync', ...recursive], 'git submodule sync');
  await git(options, ['submodule', 'update', '--init', ...recursive, ...(depth > 0 ? ['--depth', String(depth)] : [])], 'git submodule update');
  const clean = options.cleanFlags.trim() === 'none' ? 'true' : `git clean ${options.cleanFlags || '-ffdx'}`;
  await git(options, ['submodule', 'foreach', ...recursive, `${clean} && git reset --hard`], 'cleaning the submodules');
}

/** Fetches the job's sources into `options.dir` as GitLab Runner's get_sources does; throws ExecutorError. */
export async function fetchSources(options: GitFetchOptions): Promise<void> {
  const { dir, print } = options;
  if (options.strategy === 'none') {
    print('print', 'Skipping Git repository setup');
    await mkdir(dir, { recursive: true });
    return;
  }
  if (options.strategy === 'empty' || options.strategy === 'clone') await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  if (options.strategy === 'empty') return print('print', 'Skipping Git repository setup and creating an empty build directory');
  print('info', options.depth > 0 ? `Fetching changes with git depth set to ${options.depth}...` : 'Fetching changes...');
  await initRepository(options);
  await fetchRefs(options);
  await checkoutCommit(options);
  await updateSubmodules(options);
}
