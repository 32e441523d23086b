// When an include is fetched and when it comes from the cache, decided in one place:
// - online, every file is fetched again and the cache refreshed: GitLab itself always reads the
//   current content (a branch moves, `~latest` changes), so a local run must not pin old copies;
// - `--offline` (GLCI_OFFLINE=1) reads only the cache;
// - online without network (DNS, refused connection, timeout) falls back to the cache.
// Each file read from the cache is reported (`onCacheUse`) so the user sees how old it is.
import type { CacheEntry, CacheKey, IncludeCache } from './include-cache.js';

export interface CacheUse {
  /** e.g. `include:template Jobs/SAST.gitlab-ci.yml`. */
  what: string;
  fetchedAt: Date;
  /** Why the network was not used: null with --offline, else what failed (e.g. `gitlab.com: ENOTFOUND`). */
  unreachable: string | null;
}

export interface CachePolicy {
  cache: IncludeCache | null;
  offline: boolean;
  onCacheUse: (use: CacheUse) => void;
  now: () => Date;
}

export type OnlineOutcome<T> =
  /** Fetched: returned and stored. */
  | { kind: 'fetched'; result: T; store: Pick<CacheEntry, 'content'> & Partial<Pick<CacheEntry, 'ref' | 'sha' | 'origin'>> }
  /** GitLab's answer that is not content (401, 404 Project Not Found): returned, never cached, never replaced by a cached copy. */
  | { kind: 'answer'; result: T }
  /** GitLab said the file does not exist: returned, and remembered, so offline knows it too. */
  | { kind: 'absent'; result: T }
  /** No network: the cache decides. */
  | { kind: 'network'; detail: string };

export interface CachedRequest<T> {
  key: CacheKey;
  what: string;
  online: () => Promise<OnlineOutcome<T>>;
  fromCache: (entry: CacheEntry) => T;
  /** A remembered `absent` answer (requests that give one). */
  absent?: () => T;
  /** Not in the cache: offline (`unreachable` null) or without network. */
  missing: (unreachable: string | null) => T;
  /** A step of another file's resolution (a component version): no note of its own. */
  quiet?: boolean;
}

export async function throughCache<T>(policy: CachePolicy, request: CachedRequest<T>): Promise<T> {
  if (policy.offline) return fromCache(policy, request, null);
  const outcome = await request.online();
  if (outcome.kind === 'network') return fromCache(policy, request, outcome.detail);
  if (outcome.kind === 'fetched' && policy.cache) {
    await policy.cache.put({ key: request.key, what: request.what, fetchedAt: policy.now().toISOString(), ...outcome.store });
  }
  if (outcome.kind === 'absent' && policy.cache) {
    await policy.cache.put({ key: request.key, what: request.what, fetchedAt: policy.now().toISOString(), content: '', absent: true });
  }
  return outcome.result;
}

async function fromCache<T>(policy: CachePolicy, request: CachedRequest<T>, unreachable: string | null): Promise<T> {
  const entry = policy.cache ? await policy.cache.get(request.key) : null;
  if (!entry) return request.missing(unreachable);
  if (entry.absent) return request.absent ? request.absent() : request.missing(unreachable);
  // Named as asked now: one cached file can serve several includes (`@1.2` and `@1.2.3`).
  if (!request.quiet) policy.onCacheUse({ what: request.what, fetchedAt: new Date(entry.fetchedAt), unreachable });
  return request.fromCache(entry);
}

/** The one error of an offline run that needs a file it never fetched. */
export function notCachedMessage(what: string, mapping: string): string {
  return `${what} is not in the cache; run once online, or ${mapping}`;
}

/** The hint when the network failed and the cache has no copy either. */
export function noCopyHint(what: string, mapping: string): string {
  return `${what} is not in the cache either; run once with network access, or ${mapping}`;
}
