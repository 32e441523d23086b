// Slugs GitLab derives from names: the generic one (gitlab-ci-yaml.md §7.5, Gitlab::Utils.slugify) and the
// environment one (§5.19, Gitlab::Slug::Environment), which is shorter and made unique with a hash suffix.
import { createHash } from 'node:crypto';

const SLUG_MAX = 63;

/** `CI_COMMIT_REF_SLUG` & co: lowercase, every other character → `-`, first 63, trim `-`. */
export function slugify(s: string): string {
  // One `-` per character (code point); runs are not collapsed, and truncation comes before trimming.
  const replaced = s.toLowerCase().replace(/[^a-z0-9]/gu, '-');
  return replaced.slice(0, SLUG_MAX).replace(/^-+|-+$/g, '');
}

const ENV_SLUG_MAX = 24;
const ENV_SLUG_KEEP = 17;

/** Last 6 base-36 digits of SHA-256(name) read as an integer. */
function environmentSuffix(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return BigInt(`0x${hex}`).toString(36).slice(-6);
}

/** The environment slug with an injectable suffix (GitLab's own tests pin the suffix the same way). */
export function buildEnvironmentSlug(name: string, suffixOf: (name: string) => string): string {
  let slug = name.toLowerCase().replace(/[^a-z0-9]/gu, '-');
  if (!/^[a-z]/.test(slug)) slug = `env-${slug}`;
  slug = slug.replace(/-+/g, '-');
  // Too long for OpenShift, or lossy: shorten and add a suffix so different names keep different slugs.
  if (slug.length > ENV_SLUG_MAX || slug !== name) {
    slug = slug.slice(0, ENV_SLUG_KEEP);
    if (!slug.endsWith('-')) slug += '-';
    return slug + suffixOf(name);
  }
  return slug.replace(/-$/, '');
}

/** `CI_ENVIRONMENT_SLUG`: at most 24 characters, DNS-safe, unique per environment name. */
export function environmentSlug(name: string): string {
  return buildEnvironmentSlug(name, environmentSuffix);
}
