// Slug algorithms: gitlab-ci-yaml.md §7.5 (generic) and §5.19 (environments).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { environmentSlug, slugify } from '../../src/variables/index.js';
import { buildEnvironmentSlug } from '../../src/variables/slug.js';

describe('slugify', () => {
  it.each([
    ['Feature/ABC_123', 'feature-abc-123'],
    ['release--1.0', 'release--1-0'],
    ['-x-', 'x'],
    ['main', 'main'],
    ['Über/ß', 'ber'],
    ['build 1/3', 'build-1-3'],
    ['deploy: [aws, app1]', 'deploy---aws--app1'],
    ['', ''],
    ['---', ''],
  ])('%j → %j', (input, expected) => {
    expect(slugify(input)).toBe(expected);
  });

  it('truncates to 63 characters before trimming dashes', () => {
    expect(slugify(`${'a'.repeat(62)}/b`)).toBe('a'.repeat(62));
    expect(slugify('a'.repeat(70))).toBe('a'.repeat(63));
    expect(slugify(`/${'a'.repeat(70)}`)).toBe('a'.repeat(62));
  });
});

describe('environment slug', () => {
  // GitLab's own table pins the hash suffix to `q517sa`; the rest is the algorithm of §5.19.
  const slug = (name: string) => buildEnvironmentSlug(name, () => 'q517sa');

  it.each([
    ['staging-12345678901234567', 'staging-123456789-q517sa'],
    ['9-staging-123456789012345', 'env-9-staging-123-q517sa'],
    ['staging-1234567890123456', 'staging-1234567890123456'],
    ['staging-1234567890123456-', 'staging-123456789-q517sa'],
    ['production', 'production'],
    ['PRODUCTION', 'production-q517sa'],
    ['review/1-foo', 'review-1-foo-q517sa'],
    ['1-foo', 'env-1-foo-q517sa'],
    ['1/foo', 'env-1-foo-q517sa'],
    ['foo-', 'foo'],
    ['foo--bar', 'foo-bar-q517sa'],
    ['foo**bar', 'foo-bar-q517sa'],
    ['*-foo', 'env-foo-q517sa'],
    ['staging-12345678-', 'staging-12345678'],
    ['staging-12345678-01234567', 'staging-12345678-q517sa'],
    ['', 'env-q517sa'],
  ])('%j → %j', (name, expected) => {
    expect(slug(name)).toBe(expected);
  });

  it('uses the last 6 base-36 digits of SHA-256(name) as the suffix', () => {
    const name = 'review/Feature-X';
    const hex = createHash('sha256').update(name).digest('hex');
    const suffix = BigInt(`0x${hex}`).toString(36).slice(-6);
    expect(environmentSlug(name)).toBe(`review-feature-x-${suffix}`);
    expect(environmentSlug('production')).toBe('production');
    expect(environmentSlug('Production')).not.toBe(environmentSlug('PRODUCTION'));
    expect(environmentSlug('Production').length).toBeLessThanOrEqual(24);
  });
});
