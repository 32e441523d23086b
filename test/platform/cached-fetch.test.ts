// The include cache's policy on its own: online refreshes, offline and no network read the cache,
// GitLab's "does not exist" is remembered, its other answers are not.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { throughCache, type CachePolicy, type CacheUse, type OnlineOutcome } from '../../src/platform/cached-fetch.js';
import { IncludeCache } from '../../src/platform/include-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'glci-cached-fetch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function policy(offline: boolean, uses: CacheUse[]): CachePolicy {
  return { cache: new IncludeCache(dir), offline, onCacheUse: (use) => uses.push(use), now: () => new Date('2026-01-01T00:00:00Z') };
}

function request(key: string, online: OnlineOutcome<string>) {
  return {
    key: { kind: 'remote' as const, url: `https://example.com/${key}.yml` },
    what: `include:remote ${key}`,
    online: () => Promise.resolve(online),
    fromCache: (entry: { content: string }) => `cached ${entry.content}`,
    absent: () => 'absent',
    missing: (unreachable: string | null) => `missing ${unreachable ?? 'offline'}`,
  };
}

describe('throughCache', () => {
  it('fetches online and stores; offline and without network it reads the copy and reports it', async () => {
    const uses: CacheUse[] = [];
    expect(await throughCache(policy(false, uses), request('a', { kind: 'fetched', result: 'fresh', store: { content: 'v1' } }))).toBe('fresh');
    expect(uses).toEqual([]);
    expect(await throughCache(policy(true, uses), request('a', { kind: 'fetched', result: 'never', store: { content: 'v2' } }))).toBe('cached v1');
    expect(await throughCache(policy(false, uses), request('a', { kind: 'network', detail: 'example.com could not be reached (ENOTFOUND)' }))).toBe('cached v1');
    expect(uses).toEqual([
      { what: 'include:remote a', fetchedAt: new Date('2026-01-01T00:00:00Z'), unreachable: null },
      { what: 'include:remote a', fetchedAt: new Date('2026-01-01T00:00:00Z'), unreachable: 'example.com could not be reached (ENOTFOUND)' },
    ]);
    const files = readdirSync(join(dir, 'remote', 'example.com'));
    expect(files).toHaveLength(1);
    expect(statSync(join(dir, 'remote', 'example.com', files[0] ?? '')).mode & 0o077).toBe(0);
  });

  it('says what is missing when nothing is cached', async () => {
    expect(await throughCache(policy(true, []), request('b', { kind: 'answer', result: 'x' }))).toBe('missing offline');
    expect(await throughCache(policy(false, []), request('b', { kind: 'network', detail: 'down' }))).toBe('missing down');
  });

  it('remembers "does not exist" but not other answers', async () => {
    expect(await throughCache(policy(false, []), request('c', { kind: 'absent', result: 'gone' }))).toBe('gone');
    expect(await throughCache(policy(true, []), request('c', { kind: 'answer', result: 'x' }))).toBe('absent');
    expect(await throughCache(policy(false, []), request('d', { kind: 'answer', result: '401' }))).toBe('401');
    expect(await throughCache(policy(true, []), request('d', { kind: 'answer', result: 'x' }))).toBe('missing offline');
  });
});
