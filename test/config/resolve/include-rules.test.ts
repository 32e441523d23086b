// `include:rules` (spec §4.4).
import { describe, expect, it } from 'vitest';
import { resolve, resolveErrors } from './memory-reader.js';

const withRules = (rules: string, extra: Record<string, string> = {}) => ({
  '.gitlab-ci.yml': `include:\n  - local: a.yml\n    rules:\n${rules}\nmain: 1\n`,
  'a.yml': 'included: 1\n',
  ...extra,
});

const included = async (rules: string, variables: Record<string, string> = {}, extra: Record<string, string> = {}, changedPaths?: string[]) => {
  const result = await resolve(withRules(rules, extra), { variables, ...(changedPaths ? { changedPaths } : {}) });
  return 'included' in result.root;
};

describe('include:rules', () => {
  it('includes when there are no rules or rules is null', async () => {
    expect((await resolve({ '.gitlab-ci.yml': 'include:\n  local: a.yml\n  rules:\n', 'a.yml': 'included: 1\n' })).root).toEqual({ included: 1 });
  });

  it('uses the first matching rule: when never excludes, always or no when includes', async () => {
    expect(await included('      - if: $ENV == "prod"', { ENV: 'prod' })).toBe(true);
    expect(await included('      - if: $ENV == "prod"', { ENV: 'dev' })).toBe(false);
    expect(await included('      - if: $ENV == "prod"\n        when: never\n      - when: always', { ENV: 'prod' })).toBe(false);
    expect(await included('      - if: $ENV == "prod"\n        when: never\n      - when: always', { ENV: 'dev' })).toBe(true);
    expect(await included('      - if: $ENV\n        when: null', { ENV: 'x' })).toBe(true);
  });

  it('excludes when no rule matches, and still removes the include key', async () => {
    expect(await included('      - if: $A\n      - if: $B')).toBe(false);
    expect((await resolve(withRules('      - when: never'))).root).toEqual({ main: 1 });
  });

  it('filters before the location type is checked (an excluded malformed entry is no error)', async () => {
    const result = await resolve({ '.gitlab-ci.yml': 'include:\n  - {local: a.yml, remote: "https://x/a.yml", rules: [{when: never}]}\nmain: 1\n' });
    expect(result.root).toEqual({ main: 1 });
  });

  it('checks exists against the project of the including file, with variables expanded', async () => {
    expect(await included('      - exists: [Dockerfile]', {}, { Dockerfile: 'FROM x' })).toBe(true);
    expect(await included('      - exists: Dockerfile', {}, {})).toBe(false);
    expect(await included('      - exists: ["**/*.go"]', {}, { 'cmd/main.go': 'x' })).toBe(true);
    expect(await included('      - exists: {paths: ["$DIR/*.json"]}', { DIR: 'conf' }, { 'conf/a.json': '{}' })).toBe(true);
    expect(await included('      - exists: [conf/]', {}, { 'conf/a.json': '{}' })).toBe(true);
  });

  it('checks exists in the included project for includes nested in a project file', async () => {
    const result = await resolve({
      files: { '.gitlab-ci.yml': 'include: {project: g/lib, file: ci.yml}\n', 'marker.txt': 'x' },
      projects: { 'g/lib': { 'ci.yml': 'include:\n  - local: more.yml\n    rules: [{exists: [lib.txt]}]\n  - local: other.yml\n    rules: [{exists: [marker.txt]}]\n', 'more.yml': 'more: 1\n', 'other.yml': 'other: 1\n', 'lib.txt': 'x' } },
    });
    expect(result.root).toEqual({ more: 1 });
  });

  it('treats changes as true without a known diff, and matches globs against changed paths otherwise', async () => {
    expect(await included('      - changes: [src/**/*]')).toBe(true);
    expect(await included('      - changes: [src/**/*]', {}, {}, ['docs/readme.md'])).toBe(false);
    expect(await included('      - changes: {paths: [src/**/*]}', {}, {}, ['src/a/b.ts'])).toBe(true);
  });

  it('needs every clause of a rule to hold', async () => {
    expect(await included('      - if: $A\n        exists: [nope]', { A: '1' })).toBe(false);
  });

  it('reports rule shape errors as include:<entry error>', async () => {
    const errors = await resolveErrors({
      '.gitlab-ci.yml':
        'include:\n  - local: a.yml\n    rules: [{invalid: [x]}]\n  - local: a.yml\n    rules: [{if: $A, when: on_success}]\n  - local: a.yml\n    rules: [{if: "$A =="}]\n  - local: a.yml\n    rules: {if: $A}\n',
      'a.yml': 'a: 1\n',
    });
    expect(errors).toEqual([
      '.gitlab-ci.yml:2:5: include:rules:rule config contains unknown keys: invalid',
      '.gitlab-ci.yml:4:5: include:rules:rule when unknown value: on_success',
      expect.stringMatching(/^\.gitlab-ci\.yml:6:5: include:rules:rule if \S/),
      '.gitlab-ci.yml:8:5: include:rules config should be an array of hashes',
    ]);
  });
});
