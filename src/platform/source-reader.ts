// The real SourceReader (port in config/source-reader.ts): the project's working tree, other
// projects from local clones (a `ref` is read with git, no ref from the working tree) or from
// GitLab's repository files API, remote includes over HTTP(S), templates and components from
// configured directories.
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { FileResult, RemoteResult, SourceProject, SourceReader } from '../config/source-reader.js';

export interface FileSourceReaderOptions {
  projectDir: string;
  /** Project full path (`group/project`) → local clone directory. Also GLCI_INCLUDE_PROJECT_DIRS. */
  projectDirs?: Record<string, string>;
  /** Directories holding GitLab CI templates (`Jobs/SAST.gitlab-ci.yml`). Also GLCI_TEMPLATE_DIRS. */
  templateDirs?: string[];
  /** Component project `<fqdn>/<project path>` → directory. Also GLCI_COMPONENT_DIRS. */
  componentDirs?: Record<string, string>;
  /** GitLab instance for projects without a local clone. Also GLCI_GITLAB_URL. */
  gitlabUrl?: string;
  /** Token for the GitLab API (`PRIVATE-TOKEN`). Also GLCI_GITLAB_TOKEN. */
  gitlabToken?: string;
  /** Timeout of each HTTP request (default 10 s). */
  fetchTimeoutMs?: number;
  /** Environment to read the GLCI_* settings from (default: the process environment). */
  env?: Readonly<Record<string, string | undefined>>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const SOCKET_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE']);

export function createFileSourceReader(options: FileSourceReaderOptions): SourceReader {
  const env = options.env ?? process.env;
  const base = resolve(options.projectDir);
  const projectDirs = dirMap(base, { ...parseDirList(env.GLCI_INCLUDE_PROJECT_DIRS), ...options.projectDirs });
  const componentDirs = dirMap(base, { ...parseDirList(env.GLCI_COMPONENT_DIRS), ...options.componentDirs });
  const templateDirs = (options.templateDirs ?? splitList(env.GLCI_TEMPLATE_DIRS)).map((dir) => resolve(base, dir));
  const timeout = options.fetchTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = options.gitlabUrl ?? env.GLCI_GITLAB_URL;
  const api = url ? new GitLabFilesApi(url.replace(/\/+$/, ''), options.gitlabToken ?? env.GLCI_GITLAB_TOKEN ?? '', timeout) : null;
  const self = new Checkout(base, null, base);

  const checkout = async (project: SourceProject): Promise<Checkout | null> => {
    if (project.kind === 'self') return self;
    const dir = (project.kind === 'project' ? projectDirs : componentDirs).get(project.path.toLowerCase());
    if (!dir || !(await isDirectory(dir))) return null;
    // Components are read from the mapped directory whatever the version (local development).
    return new Checkout(dir, project.kind === 'project' ? project.ref : null, base);
  };
  const apiRef = (project: SourceProject): string | null =>
    project.kind === 'project' ? project.ref : project.kind === 'component' && project.version !== '~latest' ? project.version : null;

  return {
    async readFile(project, path) {
      const local = await checkout(project);
      if (local) return local.read(path);
      if (api && project.kind !== 'self') return api.read(project.path, apiRef(project), path);
      return { status: 'missing-project', hint: missingProjectHint(project) };
    },
    async listFiles(project, directory) {
      const local = await checkout(project);
      if (local) return local.list(directory);
      if (api && project.kind !== 'self') return api.list(project.path, apiRef(project), directory);
      return null;
    },
    fetchRemote: (target) => fetchRemote(target, timeout),
    readTemplate: (name) => readTemplate(templateDirs, name, base),
  };
}

/** A directory holding a repository, read at `ref` through git or, without a ref, from disk. */
class Checkout {
  constructor(
    private readonly dir: string,
    private readonly ref: string | null,
    private readonly base: string,
  ) {}

  async read(path: string): Promise<FileResult> {
    const full = inside(this.dir, path);
    if (!full) return { status: 'missing-file' };
    const origin = displayPath(this.base, full);
    if (this.ref === null) {
      const content = await readFile(full, 'utf8').catch(() => null);
      return content === null ? { status: 'missing-file' } : { status: 'ok', content, origin };
    }
    if (!(await git(this.dir, ['rev-parse', '--verify', '--quiet', `${this.ref}^{commit}`]))) return { status: 'missing-ref' };
    const content = await git(this.dir, ['show', `${this.ref}:${path}`]);
    return content === null ? { status: 'missing-file' } : { status: 'ok', content, origin: `${origin}@${this.ref}` };
  }

  async list(directory: string): Promise<string[] | null> {
    const scope = directory === '' ? '.' : directory;
    if (this.ref !== null) {
      const out = await git(this.dir, ['ls-tree', '-r', '-z', '--name-only', this.ref, '--', scope]);
      return out === null ? null : out.split('\0').filter(Boolean);
    }
    const out = await git(this.dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', scope]);
    if (out !== null) return out.split('\0').filter(Boolean);
    const start = inside(this.dir, directory);
    return start ? walk(this.dir, start) : [];
  }
}

/** GitLab's repository files API: raw file content and the recursive tree. */
class GitLabFilesApi {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeout: number,
  ) {}

  async read(project: string, ref: string | null, path: string): Promise<FileResult> {
    const query = ref === null ? '' : `?ref=${encodeURIComponent(ref)}`;
    const endpoint = `${this.#projectUrl(project)}/repository/files/${encodeURIComponent(path)}/raw${query}`;
    const response = await this.#get(endpoint);
    if ('error' in response) return { status: 'unavailable', message: response.error, hint: `check GLCI_GITLAB_URL (${this.url})` };
    const body = await response.text();
    if (response.ok) return { status: 'ok', content: body, origin: `${this.url}/${project}/-/blob/${ref ?? 'HEAD'}/${path}` };
    if (response.status === 401 || response.status === 403) return { status: 'missing-project', hint: 'check GLCI_GITLAB_TOKEN' };
    if (response.status !== 404) return { status: 'unavailable', message: `HTTP ${response.status} from ${this.url}` };
    if (/project/i.test(body)) return { status: 'missing-project' };
    if (/commit|ref|branch|tag/i.test(body)) return { status: 'missing-ref' };
    return { status: 'missing-file' };
  }

  async list(project: string, ref: string | null, directory: string): Promise<string[] | null> {
    const files: string[] = [];
    for (let page = '1'; page !== ''; ) {
      const params = new URLSearchParams({ recursive: 'true', per_page: '100', page });
      if (ref !== null) params.set('ref', ref);
      if (directory !== '') params.set('path', directory);
      const response = await this.#get(`${this.#projectUrl(project)}/repository/tree?${params.toString()}`);
      if ('error' in response || !response.ok) return null;
      const entries = (await response.json()) as Array<{ path?: unknown; type?: unknown }>;
      for (const entry of entries) if (entry.type === 'blob' && typeof entry.path === 'string') files.push(entry.path);
      page = response.headers.get('x-next-page') ?? '';
    }
    return files;
  }

  #projectUrl(project: string): string {
    return `${this.url}/api/v4/projects/${encodeURIComponent(project)}`;
  }

  async #get(endpoint: string): Promise<Response | { error: string }> {
    try {
      const headers: Record<string, string> = this.token ? { 'PRIVATE-TOKEN': this.token } : {};
      return await fetch(endpoint, { headers, signal: AbortSignal.timeout(this.timeout) });
    } catch (error) {
      return { error: describeFetchError(error) };
    }
  }
}

async function fetchRemote(url: string, timeout: number): Promise<RemoteResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeout), redirect: 'follow' });
    const content = await response.text();
    if (response.status >= 400) return { status: 'http-status', code: response.status };
    return { status: 'ok', content };
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { status: 'timeout' };
    const code = causeCode(error);
    if (code !== null && SOCKET_CODES.has(code)) return { status: 'socket', message: code };
    if (error instanceof TypeError) return { status: 'socket', message: describeFetchError(error) };
    return { status: 'http-error', message: describeFetchError(error) };
  }
}

async function readTemplate(dirs: string[], name: string, base: string): Promise<FileResult> {
  for (const dir of dirs) {
    const full = inside(dir, name);
    const content = full ? await readFile(full, 'utf8').catch(() => null) : null;
    if (full && content !== null) return { status: 'ok', content, origin: displayPath(base, full) };
  }
  const where = dirs.length > 0 ? `looked in ${dirs.join(', ')}` : 'no template directory is configured';
  return { status: 'missing-file', hint: `${where} (set GLCI_TEMPLATE_DIRS to a directory of templates)` };
}

function missingProjectHint(project: SourceProject): string {
  if (project.kind === 'component') return `map \`${project.path}\` to a directory with GLCI_COMPONENT_DIRS=<fqdn>/<project path>=<dir>`;
  const path = project.kind === 'project' ? project.path : '';
  return `map \`${path}\` to a local clone with GLCI_INCLUDE_PROJECT_DIRS=<project path>=<dir>, or set GLCI_GITLAB_URL and GLCI_GITLAB_TOKEN`;
}

/** Runs git in `dir`; stdout, or null when git fails. */
function git(dir: string, args: string[]): Promise<string | null> {
  return new Promise((done) => {
    execFile('git', ['-C', dir, ...args], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout) => {
      done(error ? null : stdout);
    });
  });
}

async function walk(root: string, start: string): Promise<string[]> {
  const files: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile()) files.push(relative(root, full).split(sep).join('/'));
    }
  };
  await visit(start);
  return files;
}

/**
 * `dir/path` for a plain repository path. GitLab looks paths up as written, so `./x`, `a//b` and
 * `..` name no file there either (and nothing outside the repository can be reached).
 */
function inside(dir: string, path: string): string | null {
  if (path !== '' && path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return null;
  const full = resolve(dir, path);
  const rel = relative(dir, full);
  return rel.startsWith('..') || isAbsolute(rel) ? null : full;
}

function displayPath(base: string, full: string): string {
  const rel = relative(base, full).split(sep).join('/');
  return rel === '' ? full : rel;
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** `key=dir` entries separated by newlines or commas (GLCI_INCLUDE_PROJECT_DIRS, GLCI_COMPONENT_DIRS). */
function parseDirList(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of splitList(text)) {
    const eq = item.indexOf('=');
    if (eq > 0) out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

function splitList(text: string | undefined): string[] {
  return (text ?? '').split(/[\n,]/).map((item) => item.trim()).filter(Boolean);
}

function dirMap(base: string, entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries).map(([key, dir]) => [key.toLowerCase(), resolve(base, dir)]));
}

function causeCode(error: unknown): string | null {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : null;
}

function describeFetchError(error: unknown): string {
  const code = causeCode(error);
  if (code) return code;
  return error instanceof Error ? error.message : String(error);
}
