// Where includes come from: the include cache directory, glab's config files in glab's order, which
// token goes to which instance, and the note for a file read from the cache.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheNote, describeAge } from '../../src/app/include-notes.js';
import { gitlabCredential, glabConfigFiles, includeCacheDir, includeReaderOptions } from '../../src/app/include-sources.js';

const root = mkdtempSync(join(tmpdir(), 'glci-include-sources-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('includeCacheDir', () => {
  it('is $XDG_CACHE_HOME/glci/includes, else ~/.cache/glci/includes (a relative XDG_CACHE_HOME is ignored)', () => {
    expect(includeCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/glci/includes');
    expect(includeCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.cache/glci/includes');
    expect(includeCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/glci/includes');
  });
});

describe('glabConfigFiles', () => {
  it('is only $GLAB_CONFIG_DIR/config.yml when set', () => {
    expect(glabConfigFiles({ GLAB_CONFIG_DIR: '/g', HOME: '/home/u' }, 'linux')).toEqual(['/g/config.yml']);
  });

  it('is ~/.config/glab-cli, then $XDG_CONFIG_HOME/glab-cli, then on macOS Application Support', () => {
    expect(glabConfigFiles({ HOME: '/home/u', XDG_CONFIG_HOME: '/xdg' }, 'linux')).toEqual(['/home/u/.config/glab-cli/config.yml', '/xdg/glab-cli/config.yml']);
    expect(glabConfigFiles({ HOME: '/Users/u' }, 'darwin')).toEqual(['/Users/u/.config/glab-cli/config.yml', '/Users/u/Library/Application Support/glab-cli/config.yml']);
  });
});

describe('gitlabCredential', () => {
  const glab = join(root, 'glab');
  mkdirSync(glab, { recursive: true });
  writeFileSync(join(glab, 'config.yml'), 'hosts:\n  gitlab.com:\n    token: from-glab-com\n  gitlab.example.com:\n    token: from-glab-example\n');

  it('GLCI_GITLAB_TOKEN belongs to GLCI_GITLAB_URL, and to gitlab.com without it', async () => {
    const env = { GLCI_GITLAB_URL: 'https://gitlab.example.com/', GLCI_GITLAB_TOKEN: 'own', GLAB_CONFIG_DIR: glab };
    expect(await gitlabCredential('https://gitlab.example.com', env)).toEqual({ token: 'own', source: 'GLCI_GITLAB_TOKEN' });
    expect(await gitlabCredential('https://gitlab.com', { GLCI_GITLAB_TOKEN: 'own', GLAB_CONFIG_DIR: glab })).toEqual({ token: 'own', source: 'GLCI_GITLAB_TOKEN' });
  });

  it("else glab's login for the instance's host, named with its file", async () => {
    const env = { GLCI_GITLAB_URL: 'https://gitlab.example.com', GLCI_GITLAB_TOKEN: 'own', GLAB_CONFIG_DIR: glab };
    // The token of GLCI_GITLAB_URL never goes to another instance.
    expect(await gitlabCredential('https://gitlab.com', env)).toEqual({ token: 'from-glab-com', source: `glab's login for gitlab.com (${join(glab, 'config.yml')})` });
    expect(await gitlabCredential('https://gitlab.example.com', { GLAB_CONFIG_DIR: glab })).toMatchObject({ token: 'from-glab-example' });
    expect(await gitlabCredential('https://nowhere.example.org', { GLAB_CONFIG_DIR: glab })).toBeNull();
    expect(await gitlabCredential('https://gitlab.com', { HOME: join(root, 'no-home') })).toBeNull();
  });
});

describe('includeReaderOptions', () => {
  it('asks gitlab.com for templates when no instance is configured, and honours GLCI_OFFLINE', () => {
    const options = includeReaderOptions('/p', {}, { HOME: '/home/u', GLCI_OFFLINE: 'true' });
    expect(options.gitlab).toBeUndefined();
    expect(options.publicGitlab?.url).toBe('https://gitlab.com');
    expect(options.offline).toBe(true);
    expect(options.cacheDir).toBe('/home/u/.cache/glci/includes');
    const configured = includeReaderOptions('/p', { offline: false }, { HOME: '/home/u', GLCI_GITLAB_URL: 'https://gitlab.example.com' });
    expect(configured.gitlab?.url).toBe('https://gitlab.example.com');
    expect(configured.publicGitlab).toBeUndefined();
    expect(configured.offline).toBe(false);
  });

  it('prints one note per cached file and load', () => {
    const written: string[] = [];
    const now = new Date('2026-03-04T12:00:00Z');
    const options = includeReaderOptions('/p', { notes: { write: (text) => written.push(text) }, now: () => now }, { HOME: '/home/u' });
    const use = { what: 'include:template Jobs/SAST.gitlab-ci.yml', fetchedAt: new Date('2026-03-01T11:00:00Z'), unreachable: null };
    options.onCacheUse?.(use);
    options.onCacheUse?.(use);
    expect(written).toEqual(['note: using cached include:template Jobs/SAST.gitlab-ci.yml (fetched 3 days ago)\n']);
  });
});

describe('cacheNote', () => {
  it('says why the network was not used, when it failed', () => {
    const use = { what: 'include:remote https://example.com/ci.yml', fetchedAt: new Date(0), unreachable: 'example.com could not be reached (ENOTFOUND)' };
    expect(cacheNote(use, new Date(90 * 60_000))).toBe('note: example.com could not be reached (ENOTFOUND); using cached include:remote https://example.com/ci.yml (fetched 1 hour ago)');
  });

  it('words ages in the largest whole unit', () => {
    expect(describeAge(5_000)).toBe('just now');
    expect(describeAge(-5_000)).toBe('just now');
    expect(describeAge(61_000)).toBe('1 minute ago');
    expect(describeAge(59 * 60_000)).toBe('59 minutes ago');
    expect(describeAge(47 * 3600_000)).toBe('47 hours ago');
    expect(describeAge(48 * 3600_000)).toBe('2 days ago');
  });
});
