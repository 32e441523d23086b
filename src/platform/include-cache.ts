// The on-disk cache of fetched include files (GitLab API, templates, remote URLs), so `--offline`
// and a machine without network still resolve a configuration that an earlier run fetched.
//   <dir>/<kind>/<host>/<hash of the key>.json   one entry: the key, what it is, ref, fetch time, content
// The key names what the file is (instance, project, ref, path / template name / URL), never who
// fetched it: tokens are not part of it. Entries are private to the user (0600 in 0700 folders)
// because they may hold private projects' files. Writing is best-effort: a cache that cannot be
// written never fails a pipeline.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type CacheKind = 'project-file' | 'project-tree' | 'component-version' | 'template' | 'remote';

export interface CacheKey {
  kind: CacheKind;
  /** The GitLab instance's URL (API kinds). */
  instance?: string;
  /** Project full path, lower case (GitLab compares them case-insensitively). */
  project?: string;
  /** The ref asked for (`HEAD` for the default branch), or a component version as written. */
  ref?: string;
  /** A file path in the project, a template name, or a folder of a tree listing. */
  path?: string;
  url?: string;
}

export interface CacheEntry {
  key: CacheKey;
  /** How the file is named in notes and errors, e.g. `include:template Jobs/SAST.gitlab-ci.yml`. */
  what: string;
  /** ISO time of the fetch. */
  fetchedAt: string;
  /** The ref the content was read at, when it differs from the key's (a resolved component version). */
  ref?: string;
  sha?: string;
  origin?: string;
  content: string;
  /**
   * GitLab answered that the file does not exist (404 File Not Found): a component is then read from
   * its other form (`templates/<name>/template.yml`), offline as well.
   */
  absent?: boolean;
}

export class IncludeCache {
  constructor(readonly dir: string) {}

  async get(key: CacheKey): Promise<CacheEntry | null> {
    const text = await readFile(this.#file(key), 'utf8').catch(() => null);
    if (text === null) return null;
    try {
      const entry = JSON.parse(text) as Partial<CacheEntry>;
      if (typeof entry.content !== 'string' || typeof entry.fetchedAt !== 'string' || typeof entry.what !== 'string') return null;
      return entry as CacheEntry;
    } catch {
      return null;
    }
  }

  async put(entry: CacheEntry): Promise<void> {
    const file = this.#file(entry.key);
    try {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      // Written aside and renamed, so a concurrent run never reads half an entry.
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, file);
    } catch {
      // Best-effort: the fetched content is used either way.
    }
  }

  #file(key: CacheKey): string {
    const normalised = JSON.stringify([key.kind, key.instance ?? '', key.project ?? '', key.ref ?? '', key.path ?? '', key.url ?? '']);
    const hash = createHash('sha256').update(normalised).digest('hex').slice(0, 40);
    return join(this.dir, key.kind, folderName(key.instance ?? key.url ?? ''), `${hash}.json`);
  }
}

/** The host of a URL as a folder name (readable when browsing the cache); `-` without one. */
function folderName(url: string): string {
  try {
    const host = new URL(url).host;
    return host.replace(/[^A-Za-z0-9.-]/g, '_') || '-';
  } catch {
    return '-';
  }
}
