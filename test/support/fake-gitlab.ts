// A stand-in GitLab instance on 127.0.0.1 answering the API calls include resolution makes, with
// GitLab's shapes: the templates API (`{name, content}`; a key outside `[\w.-]+` does not match the
// route), repository files raw and tree, releases, and the error bodies GitLab sends
// (`{"message":"401 Unauthorized"}`, `404 Project Not Found`, `404 File Not Found`,
// `404 Commit Not Found`, Grape's own `{"error":"404 Not Found"}`). Records every request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeProject {
  /** Only with the valid token; without one GitLab answers 404 Project Not Found. */
  private?: boolean;
  /** ref → path → content; `HEAD` is what a request without `ref` reads. */
  refs: Record<string, Record<string, string>>;
  releases?: Array<{ tag: string; sha: string }>;
}

export interface FakeGitLabOptions {
  /** The one token the instance accepts. */
  token: string;
  projects: Record<string, FakeProject>;
  /** Templates API keys (`Bash`) → content. */
  templates?: Record<string, string>;
  /** Other paths (remote includes) → content. */
  files?: Record<string, string>;
}

export interface FakeGitLab {
  url: string;
  host: string;
  requests: Array<{ path: string; token: string | undefined }>;
  close(): Promise<void>;
}

export async function startFakeGitLab(options: FakeGitLabOptions): Promise<FakeGitLab> {
  const requests: FakeGitLab['requests'] = [];
  const server = createServer((request, response) => {
    const token = request.headers['private-token'] as string | undefined;
    requests.push({ path: request.url ?? '', token });
    answer(options, request, response, token);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function answer(options: FakeGitLabOptions, request: IncomingMessage, response: ServerResponse, token: string | undefined): void {
  const url = new URL(request.url ?? '/', 'http://fake');
  const raw = (request.url ?? '/').split('?')[0] ?? '/';
  if (!raw.startsWith('/api/v4/')) {
    const file = options.files?.[raw];
    if (file === undefined) response.writeHead(404).end('not found');
    else response.writeHead(200, { 'content-type': 'text/plain' }).end(file);
    return;
  }
  // GitLab rejects a wrong token on every endpoint, public ones included.
  if (token !== undefined && token !== options.token) return json(response, 401, { message: '401 Unauthorized' });
  const template = /^\/api\/v4\/templates\/gitlab_ci_ymls\/([^/]+)$/.exec(raw);
  if (template) {
    if (!/^[\w.-]+$/.test(template[1] ?? '')) return json(response, 404, { error: '404 Not Found' });
    const content = options.templates?.[template[1] ?? ''];
    return content === undefined ? json(response, 404, { message: '404 gitlab_ci_yml Not Found' }) : json(response, 200, { name: template[1], content });
  }
  const projectRoute = /^\/api\/v4\/projects\/([^/]+)\/(.+)$/.exec(raw);
  if (!projectRoute) return json(response, 404, { error: '404 Not Found' });
  const name = decodeURIComponent(projectRoute[1] ?? '').toLowerCase();
  const project = Object.entries(options.projects).find(([path]) => path.toLowerCase() === name)?.[1];
  if (!project || (project.private && token !== options.token)) return json(response, 404, { message: '404 Project Not Found' });
  const rest = projectRoute[2] ?? '';
  if (rest === 'releases') {
    const list = (project.releases ?? []).map((release) => ({ tag_name: release.tag, name: release.tag, commit: { id: release.sha } }));
    return json(response, 200, list);
  }
  const ref = url.searchParams.get('ref') ?? 'HEAD';
  const files = project.refs[ref];
  const fileRoute = /^repository\/files\/([^/]+)\/raw$/.exec(rest);
  if (fileRoute) {
    if (!files) return json(response, 404, { message: '404 Commit Not Found' });
    const content = files[decodeURIComponent(fileRoute[1] ?? '')];
    if (content === undefined) return json(response, 404, { message: '404 File Not Found' });
    response.writeHead(200, { 'content-type': 'text/plain' }).end(content);
    return;
  }
  if (rest === 'repository/tree') {
    if (!files) return json(response, 404, { message: '404 Tree Not Found' });
    const prefix = url.searchParams.get('path');
    const paths = Object.keys(files).filter((path) => !prefix || path.startsWith(`${prefix}/`));
    return json(response, 200, paths.map((path) => ({ path, type: 'blob' })), { 'x-next-page': '' });
  }
  json(response, 404, { error: '404 Not Found' });
}
