// `include:remote`: a public HTTP(S) GET without authentication (GitLab sends no token either),
// through the include cache. GitLab's failure words (timeout, socket error, HTTP code) stay as
// they are when the cache has no copy.
import type { RemoteResult } from '../config/source-reader.js';
import { noCopyHint, notCachedMessage, throughCache, type CachePolicy } from './cached-fetch.js';
import { hostOf, httpGet } from './http-get.js';

const MAPPING = 'vendor it into the repository and include it with `local:`';

export async function fetchRemote(url: string, policy: CachePolicy, timeoutMs: number): Promise<RemoteResult> {
  const what = `include:remote ${url}`;
  let failure = { timeout: false, detail: '' };
  return throughCache<RemoteResult>(policy, {
    key: { kind: 'remote', url },
    what,
    async online() {
      const result = await httpGet(url, { timeoutMs });
      if (result.kind === 'network') {
        failure = { timeout: result.reason === 'timeout', detail: result.detail };
        return { kind: 'network', detail: `${hostOf(url)} could not be reached (${result.detail})` };
      }
      if (result.kind === 'failed') return { kind: 'answer', result: { status: 'http-error', message: result.detail } };
      if (result.status >= 400) return { kind: 'answer', result: { status: 'http-status', code: result.status } };
      return { kind: 'fetched', result: { status: 'ok', content: result.body }, store: { content: result.body } };
    },
    fromCache: (entry) => ({ status: 'ok', content: entry.content }),
    missing: (unreachable) => {
      if (unreachable === null) return { status: 'not-cached', message: notCachedMessage(what, MAPPING) };
      const hint = noCopyHint(what, MAPPING);
      return failure.timeout ? { status: 'timeout', hint } : { status: 'socket', message: failure.detail, hint };
    },
  });
}
