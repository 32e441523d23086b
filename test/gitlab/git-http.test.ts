import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitHttpHandler, makeFixtureRepository } from '../support/coordinator/git-http.js';

const TOKEN = 'glcbt-64_gittoken';

function gitClone(url: string, dir: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', GIT_CONFIG_NOSYSTEM: '1' };
    execFile('git', ['clone', '--quiet', url, dir], { env }, (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr: String(stderr) }));
  });
}

describe('git over smart HTTP with the job token', () => {
  let root: string;
  let server: Server;
  let base: string;
  let sha: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'glci-git-http-'));
    sha = makeFixtureRepository(join(root, 'repo'), { 'README.md': 'hello\n', 'src/a.txt': 'a\n' });
    const handler = gitHttpHandler({ projectPath: 'group/project', repoDir: join(root, 'repo'), validToken: (t) => t === TOKEN });
    server = createServer((req, res) => {
      if (!handler(req, res)) {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(root, { recursive: true, force: true });
  });

  it('makeFixtureRepository returns the commit sha', () => {
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('clones with gitlab-ci-token:<job token>', async () => {
    const result = await gitClone(`http://gitlab-ci-token:${TOKEN}@${base}/group/project.git`, join(root, 'clone-ok'));
    expect(result).toMatchObject({ code: 0 });
    expect(await readFile(join(root, 'clone-ok', 'src', 'a.txt'), 'utf8')).toBe('a\n');
  });

  it.each([
    ['no credentials', ''],
    ['a wrong token', 'gitlab-ci-token:wrong@'],
    ['another user name', `someone:${TOKEN}@`],
  ])('refuses %s', async (what, credentials) => {
    const result = await gitClone(`http://${credentials}${base}/group/project.git`, join(root, `clone-${what.replace(/ /g, '-')}`));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Authentication failed|could not read Username|401/);
  });

  it('answers 401 with GitLab realm, and leaves other paths to the server', async () => {
    const refs = await fetch(`http://${base}/group/project.git/info/refs?service=git-upload-pack`);
    expect(refs.status).toBe(401);
    expect(refs.headers.get('www-authenticate')).toBe('Basic realm="GitLab"');
    expect((await fetch(`http://${base}/group/other.git/info/refs`)).status).toBe(404);
  });

  it('advertises refs to an authenticated client', async () => {
    const auth = `Basic ${Buffer.from(`gitlab-ci-token:${TOKEN}`).toString('base64')}`;
    const refs = await fetch(`http://${base}/group/project.git/info/refs?service=git-upload-pack`, { headers: { authorization: auth } });
    expect(refs.status).toBe(200);
    expect(refs.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');
    expect(await refs.text()).toContain(`${sha} refs/heads/main`);
  });
});
