// Cache keys: what GitLab computes before the job (key:files digests, default prefixes; gitlab-ci-yaml.md
// §5.16, GitLab lib/gitlab/ci/pipeline/seed/build/cache.rb) and what the runner does to the final key
// (sanitisation; runner-behavior.md §6.1, gitlab-runner shells/abstract.go sanitizeCacheKey). Pure.
import { createHash } from 'node:crypto';

export interface SanitizedKey {
  /** The key to use; '' when it could not be sanitised (the cache entry is then skipped). */
  key: string;
  /** The runner's warning when the key was changed or rejected. */
  warning: string | null;
}

const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u;

/** Go's `path.Clean` for a rooted path: `.` and empty segments dropped, `..` resolved, never above `/`. */
function cleanRooted(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** Go's %q for the strings a key can hold (JSON string syntax is the same for printable text). */
function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * The runner's cache key sanitisation: `%2F`/`%2E` decoded, `\` → `/`, `.`/`..` resolved inside a
 * virtual root, trailing whitespace trimmed from the last segment (dropping segments that become empty).
 */
export function sanitizeCacheKey(raw: string): SanitizedKey {
  if (raw === '') return { key: '', warning: null };
  const decoded = raw.replace(/%2[eE]/g, '.').replace(/%2[fF]/g, '/').replaceAll('\\', '/');
  let cleaned = cleanRooted(decoded);
  let key = '';
  while (cleaned !== '') {
    const slash = cleaned.lastIndexOf('/');
    const dir = cleaned.slice(0, slash + 1);
    const file = cleaned.slice(slash + 1).replace(GO_SPACE, '');
    if (file === '') {
      cleaned = dir.slice(0, -1);
      continue;
    }
    key = dir.length > 1 ? `${dir.slice(1)}${file}` : file;
    break;
  }
  if (key === '') return { key: '', warning: `cache key ${quote(raw)} could not be sanitized` };
  if (key !== raw) return { key, warning: `cache key ${quote(raw)} sanitized to ${quote(key)}` };
  return { key, warning: null };
}

/** `git hash-object` of a file's content: SHA-1 of `blob <length>\0<content>`. */
export function gitBlobId(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}

/** GitLab's digest of key:files: SHA-1 of the sorted, de-duplicated blob ids joined by `-`; null for none. */
export function filesDigest(blobIds: readonly string[]): string | null {
  const ids = [...new Set(blobIds)].sort();
  if (ids.length === 0) return null;
  return createHash('sha1').update(ids.join('-')).digest('hex');
}

/**
 * The prefix GitLab uses when key:files has no `prefix`: the cache's index in the job's list, then each
 * file entry cut at its first `.` (`0`, [Gemfile.lock, package.json] → `0_Gemfile_package`). For keys
 * without files (key:files_commits, or key:prefix alone) it is the index.
 */
export function defaultKeyPrefix(index: number, files: readonly string[] | undefined): string {
  if (files === undefined || files.length === 0) return String(index);
  return [String(index), ...files.map((f) => f.split('.')[0] ?? '')].join('_');
}

/** `<prefix>-<digest>`, `default` standing in for a digest when no file matched; empty parts dropped. */
export function composeFilesKey(prefix: string, digest: string | null): string {
  return [prefix, digest ?? 'default'].filter((part) => part !== '').join('-');
}

/**
 * GitLab's wildcard for key:files (Repository#search_files_by_wildcard_path): `**` matches anything,
 * `*` anything but `/`, everything else literally, anchored at both ends. Null for a literal path.
 */
export function keyFilePattern(entry: string): RegExp | null {
  if (!entry.includes('*')) return null;
  const source = entry
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((literal) => literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
        .join('[^/]*?'),
    )
    .join('.*?');
  return new RegExp(`^${source}$`, 'su');
}
