import { describe, expect, it } from 'vitest';
import type { RunnerLineKind } from '../../../src/log/runner-lines.js';
import { imageMatches, privilegedAllowed, verifyAllowedImage } from '../../../src/executors/images/allowlist.js';

describe('imageMatches: doublestar globs on the image as written', () => {
  it.each<[string, string, boolean]>([
    ['ruby:*', 'ruby:3.3', true],
    // No normalisation: the written name is what is matched.
    ['docker.io/library/ruby:*', 'ruby:3.3', false],
    ['ruby:*', 'docker.io/library/ruby:3.3', false],
    // `*` stops at `/`, `**` crosses it.
    ['*', 'bitnami/redis', false],
    ['**', 'bitnami/redis', true],
    ['my.registry.tld:5000/*:*', 'my.registry.tld:5000/app:1', true],
    ['my.registry.tld:5000/*:*', 'my.registry.tld:5000/grp/app:1', false],
    ['my.registry.tld:5000/**', 'my.registry.tld:5000/grp/app:1', true],
    ['**/redis:*', 'redis:7', true],
    ['**/redis:*', 'registry.example.com/cache/redis:7', true],
    ['registry/**/app:*', 'registry/app:1', true],
    // `**` glued to other characters is a plain `*`.
    ['foo**', 'foo/bar', false],
    ['ruby:?', 'ruby:3', true],
    ['ruby:?', 'ruby:33', false],
    ['ruby:[0-9]*', 'ruby:3.1', true],
    ['{ruby,python}:*', 'python:3', true],
    // A leading `!` is a literal in doublestar, not a negation.
    ['!ruby', 'ruby', false],
    ['*.example.com/*', '.example.com/x', true],
    [`img@sha256:*`, `img@sha256:${'b'.repeat(64)}`, true],
  ])('%s vs %s → %s', (pattern, image, expected) => {
    expect(imageMatches(image, [pattern])).toBe(expected);
  });
});

function recorder(): { lines: [RunnerLineKind, string][]; log: (kind: RunnerLineKind, message: string) => void } {
  const lines: [RunnerLineKind, string][] = [];
  return { lines, log: (kind, message) => lines.push([kind, message]) };
}

describe('verifyAllowedImage', () => {
  const settings = { allowedImages: ['ruby:*', 'registry.example.com/**'], allowedServices: ['postgres:*'] };

  it('refuses with GitLab’s lines and a "disallowed image" error', () => {
    const { lines, log } = recorder();
    expect(() => verifyAllowedImage({ name: 'alpine:3', kind: 'image', internal: false }, settings, log)).toThrow(
      expect.objectContaining({ code: 'DOCKER_IMAGE_NOT_ALLOWED', message: 'disallowed image' }),
    );
    expect(lines).toEqual([
      ['print', ''],
      ['error', 'The "alpine:3" image is not present on list of allowed images:'],
      ['print', '- ruby:*'],
      ['print', '- registry.example.com/**'],
      ['print', ''],
      ['print', "Please check runner's allowed_images configuration: https://docs.gitlab.com/runner/configuration/advanced-configuration/"],
    ]);
  });

  it('checks services against allowed_services', () => {
    const { lines, log } = recorder();
    expect(() => verifyAllowedImage({ name: 'redis:7', kind: 'service', internal: false }, settings, log)).toThrow('disallowed image');
    expect(lines[1]).toEqual(['error', 'The "redis:7" image is not present on list of allowed services:']);
    expect(() => verifyAllowedImage({ name: 'postgres:16', kind: 'service', internal: false }, settings, log)).not.toThrow();
  });

  it('allows matches, internal images and everything when the list is empty', () => {
    const { lines, log } = recorder();
    verifyAllowedImage({ name: 'ruby:3.3', kind: 'image', internal: false }, settings, log);
    verifyAllowedImage({ name: 'registry.example.com/a/b/c:1', kind: 'image', internal: false }, settings, log);
    verifyAllowedImage({ name: 'alpine:3', kind: 'image', internal: true }, settings, log);
    verifyAllowedImage({ name: 'alpine:3', kind: 'image', internal: false }, { allowedImages: [], allowedServices: [] }, log);
    expect(lines).toEqual([]);
  });
});

describe('privilegedAllowed', () => {
  it.each<[string, string[], boolean]>([
    ['docker:dind', [], true],
    ['docker:dind', ['docker:*-dind', 'docker:dind'], true],
    ['docker:27-dind', ['docker:*-dind'], true],
    ['alpine:3', ['docker:*'], false],
    ['registry.example.com/docker:dind', ['docker:*'], false],
  ])('%s with %j → %s', (image, patterns, expected) => {
    expect(privilegedAllowed(image, patterns)).toBe(expected);
  });
});
