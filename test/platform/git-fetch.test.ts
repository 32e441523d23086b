import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutorError } from '../../src/errors.js';
import { fetchSources, redactGitOutput, type GitFetchOptions } from '../../src/platform/git-fetch.js';
import { gitFetchSettings } from '../../src/platform/git-fetch-settings.js';
import { commitToFixtureRepository, gitHttpHandler, makeFixtureRepository } from '../support/coordinator/git-http.js';

const TOKEN = 'glcbt-64_fetchtoken';

describe('fetchSources over smart HTTP', () => {
  let root: string;
  let server: Server;
  let base: string;
  let firstSha: string;
  const repoDir = () => join(root, 'origin');

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'glci-git-fetch-'));
    makeFixtureRepository(repoDir(), { 'README.md': 'one\n' });
    firstSha = commitToFixtureRepository(repoDir(), { 'README.md': 'two\n', 'src/a.txt': 'a\n' });
    const handler = gitHttpHandler({ projectPath: 'group/project', repoDir: repoDir(), validToken: (t) => t === TOKEN });
    makeFixtureRepository(join(root, 'sub'), { 'lib.txt': 'library\n' });
    const subHandler = gitHttpHandler({ projectPath: 'group/sub', repoDir: join(root, 'sub'), validToken: (t) => t === TOKEN });
    server = createServer((req, res) => {
      if (!handler(req, res) && !subHandler(req, res)) {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(root, { recursive: true, force: true });
  });

  function request(dir: string, overrides: Partial<GitFetchOptions> = {}): { options: GitFetchOptions; lines: string[] } {
    const lines: string[] = [];
    const options: GitFetchOptions = {
      dir,
      repoUrl: `${base.replace('http://', `http://gitlab-ci-token:${TOKEN}@`)}/group/project.git`,
      sha: firstSha,
      ref: 'main',
      refType: 'branch',
      refspecs: ['+refs/heads/main:refs/remotes/origin/main'],
      depth: 20,
      strategy: 'fetch',
      submoduleStrategy: 'none',
      checkout: true,
      cleanFlags: '-ffdx',
      fetchExtraFlags: '--prune --quiet',
      print: (_kind, message) => lines.push(message),
      signal: new AbortController().signal,
      ...overrides,
    };
    return { options, lines };
  }

  const head = (dir: string) => execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();

  it('clones into a fresh directory with GitLab Runner lines, and fetches again reusing it', async () => {
    const dir = join(root, 'build');
    const first = request(dir, { strategy: 'clone' });
    await fetchSources(first.options);
    expect(first.lines).toEqual([
      'Fetching changes with git depth set to 20...',
      `Initialized empty Git repository in ${dir}/.git/`,
      'Created fresh repository.',
      `Checking out ${firstSha.slice(0, 8)} as detached HEAD (ref is main)...`,
      'Skipping Git submodules setup',
    ]);
    expect(head(dir)).toBe(firstSha);
    expect(await readFile(join(dir, 'src', 'a.txt'), 'utf8')).toBe('a\n');

    const nextSha = commitToFixtureRepository(repoDir(), { 'src/b.txt': 'b\n' });
    await writeFile(join(dir, 'leftover.txt'), 'from the last job');
    const second = request(dir, { sha: nextSha });
    await fetchSources(second.options);
    expect(second.lines[1]).toBe(`Reinitialized existing Git repository in ${dir}/.git/`);
    expect(second.lines).not.toContain('Created fresh repository.');
    expect(second.lines).toContain('Removing leftover.txt');
    expect(head(dir)).toBe(nextSha);
    expect(existsSync(join(dir, 'leftover.txt'))).toBe(false);
    expect([...first.lines, ...second.lines].join('\n')).not.toContain(TOKEN);
  });

  it('initializes submodules with GIT_SUBMODULE_STRATEGY normal, through the job token of the relative URL', async () => {
    const git = (args: string[]) => execFileSync('git', args, { cwd: repoDir(), encoding: 'utf8' }).trim();
    git(['-c', 'protocol.file.allow=always', 'submodule', '--quiet', 'add', join(root, 'sub'), 'sub']);
    git(['config', '-f', '.gitmodules', 'submodule.sub.url', '../sub.git']);
    git(['commit', '--quiet', '-am', 'Submodule']);
    const sha = git(['rev-parse', 'HEAD']);
    const dir = join(root, 'with-submodule');
    const { options, lines } = request(dir, { sha, submoduleStrategy: 'normal', depth: 0 });
    await fetchSources(options);
    expect(lines).toContain('Updating/initializing submodules...');
    expect(await readFile(join(dir, 'sub', 'lib.txt'), 'utf8')).toBe('library\n');
    expect(lines.join('\n')).not.toContain(TOKEN);
    git(['rm', '--quiet', 'sub']);
    git(['commit', '--quiet', '-m', 'No submodule']);
  });

  it('fetches one commit with depth 1', async () => {
    const dir = join(root, 'shallow');
    const { options, lines } = request(dir, { depth: 1, sha: execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoDir(), encoding: 'utf8' }).trim() });
    await fetchSources(options);
    expect(lines[0]).toBe('Fetching changes with git depth set to 1...');
    expect(execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim()).toBe('1');
  });

  it('leaves the directory alone with GIT_STRATEGY none, and empties it with empty', async () => {
    const dir = join(root, 'untouched');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'keep.txt'), 'kept');
    const none = request(dir, { strategy: 'none' });
    await fetchSources(none.options);
    expect(none.lines).toEqual(['Skipping Git repository setup']);
    expect(await readFile(join(dir, 'keep.txt'), 'utf8')).toBe('kept');
    const empty = request(dir, { strategy: 'empty' });
    await fetchSources(empty.options);
    expect(empty.lines).toEqual(['Skipping Git repository setup and creating an empty build directory']);
    expect(existsSync(join(dir, 'keep.txt'))).toBe(false);
  });

  it('skips the checkout with GIT_CHECKOUT false', async () => {
    const dir = join(root, 'no-checkout');
    const { options, lines } = request(dir, { checkout: false, depth: 0 });
    await fetchSources(options);
    expect(lines[0]).toBe('Fetching changes...');
    expect(lines).toContain('Skipping Git checkout');
    expect(existsSync(join(dir, 'README.md'))).toBe(false);
  });

  it('fails with a clear error that names neither the token nor a wrong one', async () => {
    const wrong = 'glcbt-64_wrongtoken';
    const { options, lines } = request(join(root, 'denied'), { repoUrl: `${base.replace('http://', `http://gitlab-ci-token:${wrong}@`)}/group/project.git`, secrets: [TOKEN] });
    const error = await fetchSources(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutorError);
    const message = (error as ExecutorError).message;
    expect(message).toMatch(/^git fetch failed: .*(Authentication failed|could not read Username)/);
    for (const text of [message, ...lines]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(TOKEN);
    }
  });
});

describe('redactGitOutput', () => {
  it('drops URL credentials and the secrets', () => {
    expect(redactGitOutput("fatal: Authentication failed for 'https://gitlab-ci-token:s3cr3t@host/g/p.git/'", [])).toBe("fatal: Authentication failed for 'https://host/g/p.git/'");
    expect(redactGitOutput('token s3cr3t here', ['s3cr3t'])).toBe('token [MASKED] here');
  });
});

describe('gitFetchSettings', () => {
  const v = (key: string, value: string) => ({ key, value });
  it.each([
    ['defaults with allow_git_fetch', [], true, { strategy: 'fetch', depth: 20, checkout: true, cleanFlags: '-ffdx', fetchExtraFlags: '--prune --quiet', submoduleStrategy: 'none', submoduleDepth: 20 }],
    ['clone without allow_git_fetch', [], false, { strategy: 'clone' }],
    ['GIT_DEPTH over the payload depth', [v('GIT_DEPTH', '3')], true, { depth: 3, submoduleDepth: 3 }],
    ['GIT_SUBMODULE_DEPTH', [v('GIT_SUBMODULE_STRATEGY', 'recursive'), v('GIT_SUBMODULE_DEPTH', '1')], true, { submoduleStrategy: 'recursive', submoduleDepth: 1 }],
    ['the later entry wins', [v('GIT_STRATEGY', 'clone'), v('GIT_STRATEGY', 'none')], true, { strategy: 'none' }],
    ['GIT_CHECKOUT, GIT_CLEAN_FLAGS, GIT_FETCH_EXTRA_FLAGS', [v('GIT_CHECKOUT', 'false'), v('GIT_CLEAN_FLAGS', 'none'), v('GIT_FETCH_EXTRA_FLAGS', '')], true, { checkout: false, cleanFlags: 'none', fetchExtraFlags: '' }],
  ])('%s', (_what, variables, allowGitFetch, expected) => {
    expect(gitFetchSettings(variables, 20, allowGitFetch).settings).toMatchObject(expected);
  });

  it('warns about an invalid value and uses the default', () => {
    const { settings, warnings } = gitFetchSettings([v('GIT_STRATEGY', 'rsync'), v('GIT_DEPTH', 'deep')], 5, false);
    expect([settings.strategy, settings.depth]).toEqual(['clone', 5]);
    expect(warnings).toEqual(['GIT_DEPTH "deep" is not a number: using 5', 'GIT_STRATEGY "rsync" is not one of clone, fetch, none, empty: using clone']);
  });
});
