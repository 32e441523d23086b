// Which release a component version names, as GitLab's CI/CD catalog picks it
// (Gitlab::Ci::Components::InstancePath, Ci::Catalog::Resources::Version.latest): `~latest` is the
// highest released semantic version, `1` / `1.2` the highest released `1.x.y` / `1.2.y`; pre-releases
// are never picked that way. Anything else (a full version, a tag, a branch, a SHA) is used as the ref
// itself. GitLab looks only at the project's catalog versions — releases with a semantic-version tag,
// `v` prefix allowed — which the releases API lists. Pure.

export interface Release {
  tag: string;
  /** The commit the release's tag points at. */
  sha: string;
}

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
}

export const LATEST = '~latest';
/** GitLab's SHORTHAND_SEMVER_PATTERN. */
const SHORTHAND = /^\d+(\.\d+)?$/;
const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Whether the version must be looked up among the releases (`~latest`, `1`, `1.2`). */
export function needsReleases(version: string): boolean {
  return version === LATEST || SHORTHAND.test(version);
}

export function parseSemVer(tag: string): SemVer | null {
  const match = SEMVER.exec(tag);
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease: match[4] ?? null };
}

/** The release `version` selects, or null when none does (then GitLab tries the version as a ref). */
export function pickRelease(releases: readonly Release[], version: string): Release | null {
  if (!needsReleases(version)) return null;
  const [major, minor] = version === LATEST ? [] : version.split('.').map(Number);
  let best: { release: Release; semver: SemVer } | null = null;
  for (const release of releases) {
    const semver = parseSemVer(release.tag);
    if (!semver || semver.prerelease !== null) continue;
    if (major !== undefined && semver.major !== major) continue;
    if (minor !== undefined && semver.minor !== minor) continue;
    // Strictly higher only: among equal versions (`v1.2.3` and `1.2.3`) the first listed, the newest, wins.
    if (!best || compare(semver, best.semver) > 0) best = { release, semver };
  }
  return best?.release ?? null;
}

function compare(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
