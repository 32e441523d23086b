// Component version selection as GitLab's catalog does it: `~latest` and partial versions pick the
// highest released semantic version, pre-releases never; anything else is a ref as written.
import { describe, expect, it } from 'vitest';
import { needsReleases, parseSemVer, pickRelease, type Release } from '../../src/platform/component-versions.js';

const releases: Release[] = [
  { tag: '2.1.0-rc.1', sha: 'rc' },
  { tag: 'v1.10.0', sha: 'v110' },
  { tag: '1.2.3', sha: '123' },
  { tag: 'not-semver', sha: 'x' },
  { tag: '1.2.10', sha: '1210' },
  { tag: '2.0.0', sha: '200' },
  { tag: '1.2.4-beta', sha: 'beta' },
  { tag: 'v2.0.0', sha: 'v200' },
];

describe('pickRelease', () => {
  it('~latest is the highest released version, pre-releases skipped; the newest listed wins a tie', () => {
    expect(pickRelease(releases, '~latest')?.sha).toBe('200');
  });

  it('1 and 1.2 pick the highest matching 1.x.y and 1.2.y, compared as numbers', () => {
    expect(pickRelease(releases, '1')?.tag).toBe('v1.10.0');
    expect(pickRelease(releases, '1.2')?.tag).toBe('1.2.10');
    expect(pickRelease(releases, '2')?.tag).toBe('2.0.0');
  });

  it('finds nothing when no release matches, and never for a full version, tag, branch or SHA', () => {
    expect(pickRelease(releases, '3')).toBeNull();
    expect(pickRelease(releases, '1.3')).toBeNull();
    expect(pickRelease([{ tag: '1.0.0-rc', sha: 'x' }], '~latest')).toBeNull();
    for (const version of ['1.2.3', 'main', 'v1', 'a'.repeat(40)]) {
      expect(needsReleases(version), version).toBe(false);
      expect(pickRelease(releases, version), version).toBeNull();
    }
  });
});

describe('parseSemVer', () => {
  it('reads major.minor.patch with an optional v, pre-release and build metadata', () => {
    expect(parseSemVer('v1.2.3-rc.1+build.5')).toEqual({ major: 1, minor: 2, patch: 3, prerelease: 'rc.1' });
    expect(parseSemVer('10.0.1')).toEqual({ major: 10, minor: 0, patch: 1, prerelease: null });
    expect(parseSemVer('1.2')).toBeNull();
    expect(parseSemVer('release-1.2.3')).toBeNull();
  });
});
