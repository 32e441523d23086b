// Files of a project on a GitLab instance, through the repository files API (raw content) and the
// repository tree API (listings for `rules:exists`), each through the include cache. GitLab's 404
// bodies say what is missing (`404 Project Not Found`, `404 File Not Found`, `404 Commit Not Found`).
import type { FileResult } from '../config/source-reader.js';
import { noCopyHint, notCachedMessage, throughCache, type CachePolicy } from './cached-fetch.js';
import { projectEndpoint, type ApiAnswer, type GitLabApi } from './gitlab-api.js';

/** How a file is named in notes and errors, and how the user can do without the instance. */
export interface SourceLabel {
  /** e.g. `include:project group/lib (ref v1.2) file ci/build.yml`. */
  what: string;
  /** e.g. `map it with GLCI_INCLUDE_PROJECT_DIRS`. */
  mapping: string;
}

const MAX_TREE_PAGES = 100;

export async function readProjectFile(api: GitLabApi, policy: CachePolicy, project: string, ref: string | null, path: string, label: SourceLabel): Promise<FileResult> {
  const origin = `${api.url}/${project}/-/blob/${ref ?? 'HEAD'}/${path}`;
  return throughCache<FileResult>(policy, {
    key: { kind: 'project-file', instance: api.url, project: project.toLowerCase(), ref: ref ?? 'HEAD', path },
    what: label.what,
    async online() {
      const query = ref === null ? '' : `?ref=${encodeURIComponent(ref)}`;
      const answer = await api.get(`${projectEndpoint(project)}/repository/files/${encodeURIComponent(path)}/raw${query}`);
      if (answer.kind === 'network') return answer;
      if (answer.kind === 'ok') return { kind: 'fetched', result: { status: 'ok', content: answer.body, origin }, store: { content: answer.body, origin } };
      const result = await refused(api, answer, project);
      return result.status === 'missing-file' ? { kind: 'absent', result } : { kind: 'answer', result };
    },
    fromCache: (entry) => ({ status: 'ok', content: entry.content, origin: entry.origin ?? origin }),
    absent: () => ({ status: 'missing-file' }),
    missing: (unreachable) => missing(label, unreachable),
  });
}

/** Every file below `directory` of `project` at `ref`; null when the project cannot be read. */
export async function listProjectFiles(api: GitLabApi, policy: CachePolicy, project: string, ref: string | null, directory: string, label: SourceLabel): Promise<string[] | null> {
  return throughCache<string[] | null>(policy, {
    key: { kind: 'project-tree', instance: api.url, project: project.toLowerCase(), ref: ref ?? 'HEAD', path: directory },
    what: label.what,
    async online() {
      const files: string[] = [];
      let page = '1';
      for (let count = 0; page !== '' && count < MAX_TREE_PAGES; count++) {
        const params = new URLSearchParams({ recursive: 'true', per_page: '100', page });
        if (ref !== null) params.set('ref', ref);
        if (directory !== '') params.set('path', directory);
        const answer = await api.get(`${projectEndpoint(project)}/repository/tree?${params.toString()}`);
        if (answer.kind === 'network') return answer;
        if (answer.kind !== 'ok') return { kind: 'answer', result: null };
        for (const entry of parseArray(answer.body)) {
          const item = entry as { path?: unknown; type?: unknown };
          if (item.type === 'blob' && typeof item.path === 'string') files.push(item.path);
        }
        page = answer.headers.get('x-next-page') ?? '';
      }
      return { kind: 'fetched', result: files, store: { content: JSON.stringify(files) } };
    },
    fromCache: (entry) => parseArray(entry.content).filter((item): item is string => typeof item === 'string'),
    missing: () => null,
  });
}

/** A file result for GitLab's refusal of a project request. */
export async function refused(api: GitLabApi, answer: Exclude<ApiAnswer, { kind: 'ok' } | { kind: 'network' }>, project: string): Promise<FileResult> {
  if (answer.kind === 'failed') return { status: 'unavailable', message: answer.detail, hint: `check GLCI_GITLAB_URL (${api.url})` };
  if (answer.status === 404) {
    if (/project/i.test(answer.message)) return { status: 'missing-project', hint: await api.projectNotFoundHint(project) };
    if (/commit|ref|branch|tag/i.test(answer.message)) return { status: 'missing-ref' };
    return { status: 'missing-file' };
  }
  const { message, hint } = await api.refusal(answer, `project \`${project}\``);
  return { status: 'unavailable', message, hint };
}

/** Not in the cache: offline, one clear error; without network, the failure plus what is missing. */
export function missing(label: SourceLabel, unreachable: string | null): FileResult {
  if (unreachable === null) return { status: 'not-cached', message: notCachedMessage(label.what, label.mapping) };
  return { status: 'unavailable', message: unreachable, hint: noCopyHint(label.what, label.mapping) };
}

export function parseArray(text: string): unknown[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}
