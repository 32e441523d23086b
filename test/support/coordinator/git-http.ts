// A project repository served over git's smart HTTP protocol, as GitLab serves
// `/<project path>.git/`: `git http-backend` runs as a CGI program per request, behind HTTP basic
// auth with the job token (`gitlab-ci-token:<token>`). Mounted into the coordinator double's
// node:http server; the handler answers only the requests under its mount and says whether it did.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, dirname, join } from 'node:path';

export interface GitHttpOptions {
  /** `group/project`: the repository answers under `/group/project.git/`. */
  projectPath: string;
  /** The repository's directory (a working tree with `.git`, or a bare repository). */
  repoDir: string;
  /** Whether `token` is a job token that may read the project. */
  validToken: (token: string) => boolean;
}

export type GitHttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** The password of `gitlab-ci-token:<password>` basic auth, or null. */
function jobTokenOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || decoded.slice(0, colon) !== 'gitlab-ci-token') return null;
  return decoded.slice(colon + 1);
}

function unauthorized(res: ServerResponse): void {
  res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="GitLab"', 'Content-Type': 'text/plain' });
  res.end('HTTP Basic: Access denied\n');
}

/** Splits CGI output into its header block and body, writing both to `res`. */
function relayCgi(output: Buffer, res: ServerResponse): void {
  let end = output.indexOf('\r\n\r\n');
  let skip = 4;
  if (end < 0) {
    end = output.indexOf('\n\n');
    skip = 2;
  }
  if (end < 0) {
    res.writeHead(502);
    res.end('git http-backend sent no headers\n');
    return;
  }
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of output.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  res.writeHead(status, headers);
  res.end(output.subarray(end + skip));
}

function runBackend(req: IncomingMessage, res: ServerResponse, options: GitHttpOptions, pathInfo: string, query: string): void {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GIT_PROJECT_ROOT: dirname(options.repoDir),
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: `/${basename(options.repoDir)}${pathInfo}`,
    QUERY_STRING: query,
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: 'gitlab-ci-token',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    // http-backend inflates a gzip-encoded request body itself.
    ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
    ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
  };
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.resume();
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
  child.on('close', () => relayCgi(Buffer.concat(chunks), res));
  req.pipe(child.stdin);
}

/** A handler for the coordinator double's server: the repository under `/<projectPath>.git/`, token required. */
export function gitHttpHandler(options: GitHttpOptions): GitHttpHandler {
  const mount = `/${options.projectPath.replace(/^\/+|\/+$/g, '')}.git`;
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== mount && !url.pathname.startsWith(`${mount}/`)) return false;
    const token = jobTokenOf(req);
    if (token === null || !options.validToken(token)) {
      req.resume();
      unauthorized(res);
      return true;
    }
    runBackend(req, res, options, url.pathname.slice(mount.length) || '/', url.search.replace(/^\?/, ''));
    return true;
  };
}

function git(dir: string, args: string[]): string {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };
  return execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
}

/** A repository in `dir` on branch `main` with `files` in one commit; returns the commit's sha. */
export function makeFixtureRepository(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  git(dir, ['config', 'user.name', 'Fixture']);
  git(dir, ['config', 'user.email', 'fixture@example.com']);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  git(dir, ['add', '--all']);
  git(dir, ['commit', '--quiet', '--allow-empty', '-m', 'Fixture commit']);
  return git(dir, ['rev-parse', 'HEAD']);
}

/** Another commit on top of the fixture repository's `main` (for fetch-after-clone tests); returns its sha. */
export function commitToFixtureRepository(dir: string, files: Record<string, string>, message = 'Next commit'): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  git(dir, ['add', '--all']);
  git(dir, ['commit', '--quiet', '--allow-empty', '-m', message]);
  return git(dir, ['rev-parse', 'HEAD']);
}
