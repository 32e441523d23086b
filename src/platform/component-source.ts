// CI/CD components from a GitLab instance: the version resolved with the releases API
// (component-versions.ts), then the template read at that ref with the repository files API.
// The resolution is cached too (quietly: the note is about the file), so `~latest` works offline
// with the version the last online run found.
import type { FileResult } from '../config/source-reader.js';
import { throughCache, type CachePolicy } from './cached-fetch.js';
import { pickRelease, needsReleases, LATEST, type Release } from './component-versions.js';
import { projectEndpoint, type GitLabApi } from './gitlab-api.js';
import { listProjectFiles, missing, parseArray, readProjectFile, refused, type SourceLabel } from './gitlab-files.js';

const MAPPING = 'map it with GLCI_COMPONENT_DIRS';
const MAX_RELEASE_PAGES = 20;

type Resolution = { kind: 'ref'; ref: string; resolved?: { version: string; sha: string } } | { kind: 'failed'; result: FileResult };

/** `address`: `<fqdn>/<project path>` as written; `version` as written after `@`. */
export async function readComponentFile(api: GitLabApi, policy: CachePolicy, address: string, version: string, path: string): Promise<FileResult> {
  const project = projectOf(address);
  const resolution = await resolveVersion(api, policy, address, version);
  if (resolution.kind === 'failed') return resolution.result;
  const result = await readProjectFile(api, policy, project, resolution.ref, path, label(address, version, path));
  return result.status === 'ok' && resolution.resolved ? { ...result, resolved: resolution.resolved } : result;
}

export async function listComponentFiles(api: GitLabApi, policy: CachePolicy, address: string, version: string, directory: string): Promise<string[] | null> {
  const resolution = await resolveVersion(api, policy, address, version);
  if (resolution.kind === 'failed') return null;
  return listProjectFiles(api, policy, projectOf(address), resolution.ref, directory, label(address, version, `${directory || '.'}/`));
}

async function resolveVersion(api: GitLabApi, policy: CachePolicy, address: string, version: string): Promise<Resolution> {
  if (!needsReleases(version)) return { kind: 'ref', ref: version };
  const project = projectOf(address);
  const what = `include:component ${address}@${version}`;
  // GitLab falls back to the version as a ref when no release matches `1` or `1.2`; never for `~latest`.
  const unmatched = (): Resolution => (version === LATEST ? { kind: 'failed', result: { status: 'no-release' } } : { kind: 'ref', ref: version });
  return throughCache<Resolution>(policy, {
    key: { kind: 'component-version', instance: api.url, project: project.toLowerCase(), ref: version },
    what,
    quiet: true,
    async online() {
      const releases = await listReleases(api, project);
      if (releases.kind === 'network') return releases;
      if (releases.kind === 'failed') return { kind: 'answer', result: { kind: 'failed', result: releases.result } };
      const picked = pickRelease(releases.list, version);
      if (!picked) return { kind: 'absent', result: unmatched() };
      return { kind: 'fetched', result: chosen(picked), store: { content: JSON.stringify(picked), ref: picked.tag, sha: picked.sha } };
    },
    fromCache: (entry) => {
      const release = storedRelease(entry.content);
      return release ? chosen(release) : { kind: 'failed', result: missing({ what, mapping: MAPPING }, null) };
    },
    absent: unmatched,
    missing: (unreachable) => ({ kind: 'failed', result: missing({ what, mapping: MAPPING }, unreachable) }),
  });
}

/** `$[[ component.version ]]` is the release's version as tagged (GitLab's matched catalog version). */
function chosen(release: Release): Resolution {
  return { kind: 'ref', ref: release.tag, resolved: { version: release.tag, sha: release.sha } };
}

function storedRelease(text: string): Release | null {
  try {
    const value = JSON.parse(text) as Partial<Release>;
    return typeof value.tag === 'string' && typeof value.sha === 'string' ? { tag: value.tag, sha: value.sha } : null;
  } catch {
    return null;
  }
}

type Releases = { kind: 'list'; list: Release[] } | { kind: 'network'; detail: string } | { kind: 'failed'; result: FileResult };

/** Every release of the project (GitLab lists the newest first), 100 a page. */
async function listReleases(api: GitLabApi, project: string): Promise<Releases> {
  const list: Release[] = [];
  let page = '1';
  for (let count = 0; page !== '' && count < MAX_RELEASE_PAGES; count++) {
    const answer = await api.get(`${projectEndpoint(project)}/releases?per_page=100&page=${encodeURIComponent(page)}`);
    if (answer.kind === 'network') return answer;
    if (answer.kind !== 'ok') return { kind: 'failed', result: await refused(api, answer, project) };
    for (const item of parseArray(answer.body)) {
      const release = item as { tag_name?: unknown; commit?: { id?: unknown } };
      if (typeof release.tag_name !== 'string') continue;
      list.push({ tag: release.tag_name, sha: typeof release.commit?.id === 'string' ? release.commit.id : '' });
    }
    page = answer.headers.get('x-next-page') ?? '';
  }
  return { kind: 'list', list };
}

/** The project path of a component address: without the instance's host. */
function projectOf(address: string): string {
  return address.slice(address.indexOf('/') + 1);
}

function label(address: string, version: string, path: string): SourceLabel {
  return { what: `include:component ${address}@${version} file ${path}`, mapping: MAPPING };
}
