// Keywords carried along (hooks, id_tokens, release, pages), the merged output, and locations.
import { describe, expect, it } from 'vitest';
import { compose, located, messages } from './fixture.js';

describe('hooks and id_tokens (§5.26)', () => {
  it('parses them and inherits them from default:', () => {
    const config = compose(`
default:
  hooks: {pre_get_sources_script: [echo pre, [echo nested]]}
  id_tokens: {VAULT_TOKEN: {aud: https://vault.example.com}}
a: {script: [x]}
b: {script: [x], id_tokens: {T: {aud: [one, two]}}}
`);
    expect(config.jobs[0]?.hooks).toEqual({ preGetSourcesScript: ['echo pre', 'echo nested'] });
    expect(config.jobs[0]?.idTokens).toEqual({ VAULT_TOKEN: { aud: 'https://vault.example.com' } });
    expect(config.jobs[1]?.idTokens).toEqual({ T: { aud: ['one', 'two'] } });
  });

  it('validates their shapes', () => {
    expect(messages('a: {script: [x], hooks: {post: [x]}, id_tokens: {T: {aud: 1}}}\n')).toEqual([
      'jobs:a:hooks config contains unknown keys: post',
      'jobs:a:id_tokens:t aud should be an array of strings or a string',
    ]);
  });
});

describe('release, pages, publish (§5.24, §5.25)', () => {
  it('keeps them in the raw job mapping', () => {
    const config = compose(`
release_job:
  script: [x]
  release: {tag_name: v1, description: notes}
pages:
  script: [x]
  publish: public
site:
  script: [x]
  pages: {path_prefix: docs}
`);
    expect(config.merged.jobs.release_job).toMatchObject({ release: { tag_name: 'v1', description: 'notes' } });
    expect(config.jobs.map((j) => j.name)).toEqual(['release_job', 'pages', 'site']);
  });

  it('checks release requirements and publish outside pages jobs', () => {
    expect(messages('a: {script: [x], release: {tag_name: v1}}\nb: {script: [x], publish: out}\n')).toEqual([
      "jobs:a:release description can't be blank",
      'jobs:b publish can only be used within a `pages` job',
    ]);
  });
});

describe('trigger jobs', () => {
  it('accept only their keys and at most one bridge need', () => {
    expect(messages(`
t: {trigger: a/b, script_x: 1}
u: {needs: [{pipeline: a/b}, {pipeline: c/d}]}
`)).toEqual([
      'jobs:t config contains unknown keys: script_x',
      'jobs:u config should contain at most one bridge need',
    ]);
  });

  it('inherit only interruptible from default:', () => {
    const config = compose('default: {interruptible: true, image: ruby}\nt: {trigger: a/b}\n');
    expect(config.jobs[0]).toMatchObject({ interruptible: true, image: null });
    expect(config.merged.jobs.t).toEqual({ trigger: 'a/b', interruptible: true });
  });
});

describe('merged output', () => {
  it('drops extends, keeps job order and the global sections', () => {
    const config = compose(`
stages: [build]
variables: {A: "1"}
workflow: {rules: [{when: always}]}
b: {stage: build, script: [x], extends: .base}
a: {stage: build, script: [z]}
`);
    expect(config.merged).toEqual({
      stages: ['.pre', 'build', '.post'],
      variables: { A: '1' },
      workflow: { rules: [{ when: 'always' }] },
      jobs: { b: { stage: 'build', script: ['x'] }, a: { stage: 'build', script: ['z'] } },
    });
    expect(Object.keys(config.merged.jobs)).toEqual(['b', 'a']);
  });
});

describe('locations', () => {
  it('point at the offending key, else the enclosing value', () => {
    expect(located(`
build:
  script: [x]
  cache:
    key: a/b
  artifacts:
    expose_as: report
`)).toEqual([
      '5:5: jobs:build:cache:key config cannot contain the "/" character (the runner stores caches by key; use another separator)',
      "6:3: jobs:build:artifacts paths can't be blank",
    ]);
  });

  it('rejects job names longer than 255 characters', () => {
    const name = 'j'.repeat(256);
    expect(messages(`${name}: {script: [x]}\n`)).toEqual([`jobs:${name} name is too long (maximum is 255 characters)`]);
  });
});
