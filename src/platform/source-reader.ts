// The real SourceReader (port in config/source-reader.ts): which source serves each include.
// - the project's own files: its working tree;
// - `include:project` / `include:component`: a mapped local directory (GLCI_INCLUDE_PROJECT_DIRS,
//   GLCI_COMPONENT_DIRS) first, else the GitLab instance's API (gitlab-files.ts, component-source.ts);
// - `include:template`: template directories, else the instance (template-source.ts);
// - `include:remote`: HTTP(S) (remote-include.ts).
// Whatever comes from the network goes through the include cache (cached-fetch.ts).
import { resolve } from 'node:path';
import type { SourceProject, SourceReader } from '../config/source-reader.js';
import type { CachePolicy, CacheUse } from './cached-fetch.js';
import { listComponentFiles, readComponentFile } from './component-source.js';
import { GitLabApi, type GitLabInstance } from './gitlab-api.js';
import { listProjectFiles, readProjectFile, type SourceLabel } from './gitlab-files.js';
import { IncludeCache } from './include-cache.js';
import { Checkout, isDirectory } from './local-checkout.js';
import { fetchRemote } from './remote-include.js';
import { readTemplate } from './template-source.js';

export type { CacheUse } from './cached-fetch.js';
export type { GitLabCredential, GitLabInstance } from './gitlab-api.js';

export interface FileSourceReaderOptions {
  projectDir: string;
  /** Project full path (`group/project`) → local clone directory. Also GLCI_INCLUDE_PROJECT_DIRS. */
  projectDirs?: Record<string, string>;
  /** Directories holding GitLab CI templates (`Jobs/SAST.gitlab-ci.yml`). Also GLCI_TEMPLATE_DIRS. */
  templateDirs?: string[];
  /** Component project `<fqdn>/<project path>` → directory. Also GLCI_COMPONENT_DIRS. */
  componentDirs?: Record<string, string>;
  /** GitLab instance for projects, components and templates without a local directory. Also GLCI_GITLAB_URL. */
  gitlabUrl?: string;
  /** Token for that instance (`PRIVATE-TOKEN`). Also GLCI_GITLAB_TOKEN. */
  gitlabToken?: string;
  /** The instance with its token lookup (app/include-sources.ts); wins over gitlabUrl and gitlabToken. */
  gitlab?: GitLabInstance;
  /**
   * Used when no instance is configured: its template collection serves `include:template`, and
   * components whose address names its host come from it (the app passes https://gitlab.com).
   * Projects never do: a path alone does not say which instance it lives on.
   */
  publicGitlab?: GitLabInstance;
  /** Where fetched files are cached; no cache without. */
  cacheDir?: string;
  /** Only the cache, never the network. */
  offline?: boolean;
  /** Called for each file read from the cache instead of the network. */
  onCacheUse?: (use: CacheUse) => void;
  now?: () => Date;
  /** Timeout of each HTTP request (default 10 s). */
  fetchTimeoutMs?: number;
  /** Environment to read the GLCI_* settings from (default: the process environment). */
  env?: Readonly<Record<string, string | undefined>>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function createFileSourceReader(options: FileSourceReaderOptions): SourceReader {
  const env = options.env ?? process.env;
  const base = resolve(options.projectDir);
  const projectDirs = dirMap(base, { ...parseDirList(env.GLCI_INCLUDE_PROJECT_DIRS), ...options.projectDirs });
  const componentDirs = dirMap(base, { ...parseDirList(env.GLCI_COMPONENT_DIRS), ...options.componentDirs });
  const templateDirs = (options.templateDirs ?? splitList(env.GLCI_TEMPLATE_DIRS)).map((dir) => resolve(base, dir));
  const timeout = options.fetchTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const configured = configuredInstance(options, env);
  const api = configured ? new GitLabApi(configured, timeout) : null;
  const publicApi = !api && options.publicGitlab ? new GitLabApi(options.publicGitlab, timeout) : null;
  const policy: CachePolicy = {
    cache: options.cacheDir ? new IncludeCache(options.cacheDir) : null,
    offline: options.offline ?? false,
    onCacheUse: options.onCacheUse ?? (() => undefined),
    now: options.now ?? (() => new Date()),
  };
  const self = new Checkout(base, null, base);

  const checkout = async (project: SourceProject): Promise<Checkout | null> => {
    if (project.kind === 'self') return self;
    const dir = (project.kind === 'project' ? projectDirs : componentDirs).get(project.path.toLowerCase());
    if (!dir || !(await isDirectory(dir))) return null;
    // Components are read from the mapped directory whatever the version (local development).
    return new Checkout(dir, project.kind === 'project' ? project.ref : null, base);
  };
  /** The instance a component address names, when glci may ask it. */
  const componentApi = (address: string): GitLabApi | null => {
    const host = address.slice(0, address.indexOf('/')).toLowerCase();
    const candidate = api ?? publicApi;
    return candidate && candidate.host === host ? candidate : null;
  };

  return {
    async readFile(project, path) {
      const local = await checkout(project);
      if (local) return local.read(path);
      if (project.kind === 'project' && api) return readProjectFile(api, policy, project.path, project.ref, path, projectLabel(project.path, project.ref, path));
      if (project.kind === 'component') {
        const instance = componentApi(project.path);
        if (instance) return readComponentFile(instance, policy, project.path, project.version, path);
      }
      return { status: 'missing-project', hint: missingProjectHint(project, api) };
    },
    async listFiles(project, directory) {
      const local = await checkout(project);
      if (local) return local.list(directory);
      if (project.kind === 'project' && api) return listProjectFiles(api, policy, project.path, project.ref, directory, projectLabel(project.path, project.ref, `${directory || '.'}/`));
      if (project.kind === 'component') {
        const instance = componentApi(project.path);
        if (instance) return listComponentFiles(instance, policy, project.path, project.version, directory);
      }
      return null;
    },
    fetchRemote: (target) => fetchRemote(target, policy, timeout),
    readTemplate: (name) => {
      const instance = api ?? publicApi;
      return readTemplate(templateDirs, name, base, instance ? { api: instance, policy } : null);
    },
  };
}

function configuredInstance(options: FileSourceReaderOptions, env: Readonly<Record<string, string | undefined>>): GitLabInstance | null {
  if (options.gitlab) return options.gitlab;
  const url = options.gitlabUrl ?? env.GLCI_GITLAB_URL;
  if (!url) return null;
  const token = options.gitlabToken ?? env.GLCI_GITLAB_TOKEN;
  return { url, ...(token ? { credential: () => Promise.resolve({ token, source: 'GLCI_GITLAB_TOKEN' }) } : {}) };
}

function projectLabel(project: string, ref: string | null, path: string): SourceLabel {
  return { what: `include:project ${project} (ref ${ref ?? 'HEAD'}) file ${path}`, mapping: 'map it with GLCI_INCLUDE_PROJECT_DIRS' };
}

function missingProjectHint(project: SourceProject, api: GitLabApi | null): string {
  if (project.kind === 'component') {
    const host = project.path.slice(0, project.path.indexOf('/'));
    const map = `map \`${project.path}\` to a directory with GLCI_COMPONENT_DIRS=<fqdn>/<project path>=<dir>`;
    if (api) return `the address names ${host}, but GLCI_GITLAB_URL is ${api.url} and GitLab includes only its own instance's components: ${map}`;
    return `${map}, or set GLCI_GITLAB_URL=https://${host}`;
  }
  const path = project.kind === 'project' ? project.path : '';
  return `map \`${path}\` to a local clone with GLCI_INCLUDE_PROJECT_DIRS=<project path>=<dir>, or set GLCI_GITLAB_URL (and GLCI_GITLAB_TOKEN or a glab login)`;
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
