// The real SourceReader on a temporary directory: working tree, globs, a project clone read at a ref
// with git, GitLab's files API and remote includes served from 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRawConfig } from '../../../src/config/resolve.js';
import { ConfigError } from '../../../src/errors.js';
import { createFileSourceReader, type FileSourceReaderOptions } from '../../../src/platform/source-reader.js';

let root: string;
let project: string;
let clone: string;
let server: Server;
let base: string;
const requests: Array<{ url: string; token: string | undefined }> = [];

function write(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { stdio: 'ignore' });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glci-reader-'));
  project = join(root, 'project');
  clone = join(root, 'lib');
  write(project, { 'ci/b.yml': 'b: 1\n', 'ci/a.yml': 'a: 1\n', 'ci/sub/c.yml': 'c: 1\n', 'templates/Jobs/T.gitlab-ci.yml': 't: 1\n' });
  write(clone, { 'ci/lib.yml': 'include: ci/nested.yml\nlib: v1\n', 'ci/nested.yml': 'nested: v1\n' });
  git(clone, 'init', '-q');
  git(clone, 'add', '.');
  git(clone, 'commit', '-q', '-m', 'v1');
  git(clone, 'tag', 'v1');
  write(clone, { 'ci/lib.yml': 'include: ci/nested.yml\nlib: worktree\n', 'ci/nested.yml': 'nested: worktree\n' });
  server = createServer((request, response) => {
    const url = request.url ?? '';
    requests.push({ url, token: request.headers['private-token'] as string | undefined });
    if (url === '/api/v4/projects/group%2Fapi/repository/files/ci%2Fapi.yml/raw?ref=main') {
      response.end('api: main\n');
    } else if (url.startsWith('/api/v4/projects/')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(url.includes('group%2Fapi') ? '{"message":"404 File Not Found"}' : '{"message":"404 Project Not Found"}');
    } else if (url === '/remote.yml') {
      response.end('remote: 1\n');
    } else {
      response.writeHead(404).end('nope');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(root, { recursive: true, force: true });
});

async function run(yaml: string, options: Partial<FileSourceReaderOptions> = {}) {
  writeFileSync(join(project, '.gitlab-ci.yml'), yaml);
  const reader = createFileSourceReader({ projectDir: project, env: {}, ...options });
  return resolveRawConfig({ projectDir: project, reader, variables: {} });
}

async function errorsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

describe('createFileSourceReader', () => {
  it('reads local files and expands globs from the working tree (not a git repository)', async () => {
    const result = await run("include: 'ci/*.yml'\n");
    expect(result.root).toEqual({ a: 1, b: 1 });
    expect(result.files).toEqual(['.gitlab-ci.yml', 'ci/a.yml', 'ci/b.yml']);
  });

  it('reads a mapped project clone at a ref with git, and from its working tree without one', async () => {
    const atRef = await run('include: {project: Group/Lib, ref: v1, file: ci/lib.yml}\n', { projectDirs: { 'group/lib': clone } });
    expect(atRef.root).toEqual({ lib: 'v1', nested: 'v1' });
    expect(atRef.files).toEqual(['.gitlab-ci.yml', '../lib/ci/lib.yml@v1', '../lib/ci/nested.yml@v1']);
    const tree = await run('include: {project: group/lib, file: ci/lib.yml}\n', { env: { GLCI_INCLUDE_PROJECT_DIRS: `group/lib=${clone}` } });
    expect(tree.root).toEqual({ lib: 'worktree', nested: 'worktree' });
  });

  it('reports a missing ref, file and project', async () => {
    const options = { projectDirs: { 'group/lib': clone } };
    expect(await errorsOf(run('include:\n  - {project: group/lib, ref: v9, file: ci/lib.yml}\n  - {project: group/lib, ref: v1, file: nope.yml}\n  - {project: other/x, file: a.yml}\n', options))).toEqual([
      'Project `group/lib` reference `v9` does not exist!',
      'Project `group/lib` file `nope.yml` does not exist!',
      'Project `other/x` not found or access denied! Make sure any includes in the pipeline configuration are correctly defined.',
    ]);
  });

  it("reads other projects through GitLab's files API with the token", async () => {
    requests.length = 0;
    const options = { gitlabUrl: base, gitlabToken: 'secret' };
    const result = await run('include: {project: group/api, ref: main, file: ci/api.yml}\n', options);
    expect(result.root).toEqual({ api: 'main' });
    expect(requests).toEqual([{ url: '/api/v4/projects/group%2Fapi/repository/files/ci%2Fapi.yml/raw?ref=main', token: 'secret' }]);
    expect(await errorsOf(run('include:\n  - {project: group/api, ref: main, file: nope.yml}\n  - {project: group/none, file: a.yml}\n', options))).toEqual([
      'Project `group/api` file `nope.yml` does not exist!',
      'Project `group/none` not found or access denied! Make sure any includes in the pipeline configuration are correctly defined.',
    ]);
  });

  it('fetches remote includes and words failures as GitLab does', async () => {
    expect((await run(`include: ${base}/remote.yml\n`)).root).toEqual({ remote: 1 });
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/x.yml`;
    await new Promise((done) => closed.close(done));
    expect(await errorsOf(run(`include:\n  - ${base}/missing.yml\n  - ${dead}\n`))).toEqual([
      `Remote file \`${base}/missing.yml\` could not be fetched because of HTTP code \`404\` error!`,
      `Remote file \`${dead}\` could not be fetched because of a socket error!`,
    ]);
  });

  it('reads templates from the configured directories', async () => {
    expect((await run('include: {template: Jobs/T.gitlab-ci.yml}\n', { templateDirs: ['templates'] })).root).toEqual({ t: 1 });
    const error = await run('include: {template: Jobs/T.gitlab-ci.yml}\n').catch((e: ConfigError) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).hint).toMatch(/no template directory is configured/);
  });

  it('looks paths up as written, inside the repository only', async () => {
    expect(await errorsOf(run('include: [../lib/ci/lib.yml, ./ci/a.yml, ci//a.yml]\n'))).toEqual([
      'Local file `../lib/ci/lib.yml` does not exist!',
      'Local file `./ci/a.yml` does not exist!',
      'Local file `ci//a.yml` does not exist!',
    ]);
  });
});
