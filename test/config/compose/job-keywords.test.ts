// Job keywords (spec §5.0–5.26): typed values and GitLab's validation messages with locations.
import { describe, expect, it } from 'vitest';
import { compose, located, messages } from './fixture.js';

const job = (yaml: string) => compose(yaml).jobs[0]!;

describe('key checks (§5.0)', () => {
  it('reports unknown keys at the key, with a suggestion', () => {
    expect(located('build:\n  stage: build\n  scirpt: [make]\n  script: [make]\n')).toEqual([
      '3:3: jobs:build config contains unknown keys: scirpt (did you mean `script`?)',
    ]);
  });

  it('reports mutually exclusive keys', () => {
    expect(messages('build: {script: [x], trigger: a/b}\n')).toEqual([
      'jobs:build config these keys cannot be used together: script, trigger',
    ]);
  });

  it('forbids only/except/start_in next to rules, ignoring null values', () => {
    expect(messages('a: {script: [x], rules: [{when: always}], only: [main], except: null}\n')).toEqual([
      'jobs:a config key may not be used with `rules`: only (express these conditions in rules:)',
    ]);
  });

  it('rejects run with a clear message', () => {
    expect(messages('a: {run: [{name: s, script: echo}]}\n')[0]).toContain('jobs:a run is not supported');
  });
});

describe('script (§5.1)', () => {
  it('accepts a string or nested lists, flattened', () => {
    expect(job('a: {script: echo one}').script).toEqual(['echo one']);
    expect(job('a:\n  script: [a, [b, [c]], d]\n  before_script: [[x]]\n  after_script: done\n')).toMatchObject({
      script: ['a', 'b', 'c', 'd'],
      beforeScript: ['x'],
      afterScript: ['done'],
    });
  });

  it('rejects blank scripts and non-string commands', () => {
    expect(messages('build: {script: ""}\n')).toEqual(["jobs:build script can't be blank"]);
    expect(located('build:\n  script:\n    - echo a: b\n')).toEqual([
      '2:3: jobs:build:script config should be a string or a nested array of strings up to 10 levels deep ' +
        '(a line was read as a mapping: quote commands that contain ": ")',
    ]);
  });

  it('limits nesting to 10 levels', () => {
    const deep = `${'['.repeat(11)}x${']'.repeat(11)}`;
    expect(messages(`a: {script: ${deep}}`)[0]).toMatch(/^jobs:a:script config should be a string or a nested array/);
    const ok = `${'['.repeat(10)}x${']'.repeat(10)}`;
    expect(job(`a: {script: ${ok}}`).script).toEqual(['x']);
  });
});

describe('image and services (§5.2, §5.3)', () => {
  it('parses both forms and splits service aliases', () => {
    const j = job(`
a:
  script: [x]
  image: {name: "ruby:3.3", entrypoint: [""], pull_policy: [if-not-present, always], docker: {platform: linux/arm64, user: "1000"}}
  services:
    - postgres:16
    - name: redis:7
      alias: cache,kv store
      command: [redis-server]
      variables: {PORT: 6379}
`);
    expect(j.image).toEqual({
      name: 'ruby:3.3', entrypoint: [''], pullPolicy: ['if-not-present', 'always'], docker: { platform: 'linux/arm64', user: '1000' },
    });
    expect(j.services).toEqual([
      { name: 'postgres:16', aliases: [] },
      { name: 'redis:7', aliases: ['cache', 'kv', 'store'], command: ['redis-server'], variables: { PORT: '6379' } },
    ]);
  });

  it('rejects an image without name and an unknown pull policy', () => {
    expect(messages('a:\n  script: [x]\n  image: {entrypoint: [sh]}\n')).toEqual(["jobs:a:image name can't be blank"]);
    expect(messages('a: {script: [x], image: {name: r, pull_policy: sometimes}}')[0]).toMatch(
      /^jobs:a:image:pull_policy config contains unknown values: sometimes/,
    );
  });
});

describe('stage, tags, when, start_in (§5.4–5.7)', () => {
  it('validates types and allowed values', () => {
    expect(messages(`
a: {script: [x], stage: [build]}
b: {script: [x], when: sometimes}
c: {trigger: x/y, when: delayed}
d: {script: [x], tags: ${JSON.stringify(Array.from({ length: 50 }, (_, i) => `t${i}`))}}
`)).toEqual([
      'jobs:a:stage config should be a string',
      'jobs:b when should be one of: on_success, on_failure, always, manual, delayed',
      'jobs:c when should be one of: on_success, on_failure, always, manual',
      'jobs:d:tags config must be less than the limit of 50 tags',
    ]);
  });

  it('requires start_in with delayed, within a week, and forbids it otherwise', () => {
    expect(job('a: {script: [x], when: delayed, start_in: 30 minutes}').startIn).toBe('30 minutes');
    expect(messages(`
a: {script: [x], when: delayed}
b: {script: [x], when: delayed, start_in: 8 days}
c: {script: [x], start_in: 1 hour}
d: {script: [x], when: delayed, start_in: soon}
`)).toEqual([
      'jobs:a start in should be a duration (`when: delayed` needs `start_in`)',
      'jobs:b start in should not exceed the limit',
      'jobs:c start in must be blank (start_in only applies to `when: delayed`)',
      'jobs:d start in should be a duration',
    ]);
  });

  it('keeps job-level when and manual_confirmation', () => {
    expect(job('a: {script: [x], when: manual, manual_confirmation: Sure?}')).toMatchObject({
      when: 'manual', manualConfirmation: 'Sure?', allowFailure: undefined,
    });
  });
});

describe('allow_failure, retry, timeout (§5.8, §5.12, §5.13)', () => {
  it('parses allow_failure forms', () => {
    expect(job('a: {script: [x], allow_failure: true}').allowFailure).toBe(true);
    expect(job('a: {script: [x], allow_failure: {exit_codes: 137}}').allowFailure).toEqual({ exitCodes: [137] });
    expect(job('a: {script: [x], allow_failure: {exit_codes: [1, 2]}}').allowFailure).toEqual({ exitCodes: [1, 2] });
    expect(messages('a: {script: [x], allow_failure: maybe}\nb: {script: [x], allow_failure: {exit_codes: [x]}}\n')).toEqual([
      'jobs:a allow failure should be a hash or a boolean value',
      'jobs:b:allow_failure exit codes should be an array of integers or an integer',
    ]);
  });

  it('parses retry: when defaults to always only without exit_codes', () => {
    expect(job('a: {script: [x]}').retry).toEqual({ max: 0, when: ['always'], exitCodes: [] });
    expect(job('a: {script: [x], retry: {max: 2}}').retry).toEqual({ max: 2, when: ['always'], exitCodes: [] });
    expect(job('a: {script: [x], retry: {max: 1, exit_codes: 137}}').retry).toEqual({ max: 1, when: [], exitCodes: [137] });
    expect(job('a: {script: [x], retry: {max: 2, when: runner_system_failure}}').retry).toEqual({
      max: 2, when: ['runner_system_failure'], exitCodes: [],
    });
    expect(messages('a: {script: [x], retry: 3}\nb: {script: [x], retry: {max: 1, when: [oops]}}\nc: {script: [x], retry: x}\n')).toEqual([
      'retry config must be less than or equal to 2 (jobs:a:retry)',
      'retry when contains unknown values: oops (jobs:b:retry)',
      'retry config has to be either an integer or a hash (jobs:c:retry)',
    ]);
  });

  it('converts timeout to seconds and enforces the month limit', () => {
    expect(job('a: {script: [x], timeout: 1h 30m}').timeoutSeconds).toBe(5400);
    expect(job('a: {script: [x], timeout: 3 hours and 30 minutes}').timeoutSeconds).toBe(12600);
    expect(messages('a: {script: [x], timeout: 2 months}\nb: {script: [x], timeout: forever}\n')).toEqual([
      'jobs:a:timeout config should not exceed the limit',
      'jobs:b:timeout config should be a duration',
    ]);
  });
});

describe('parallel (§5.11)', () => {
  it('parses counts and matrices', () => {
    expect(job('a: {script: [x], parallel: 3}').parallel).toEqual({ kind: 'count', total: 3 });
    expect(job(`
a:
  script: [x]
  parallel:
    matrix:
      - {PROVIDER: aws, STACK: [monitoring, app1]}
      - {PROVIDER: [gcp, vultr], STACK: data, VERSION: 2}
`).parallel).toEqual({
      kind: 'matrix',
      matrix: [{ PROVIDER: ['aws'], STACK: ['monitoring', 'app1'] }, { PROVIDER: ['gcp', 'vultr'], STACK: ['data'], VERSION: ['2'] }],
    });
  });

  it('enforces the limits', () => {
    const big = Array.from({ length: 201 }, (_, i) => `v${i}`).join(', ');
    expect(messages(`
a: {script: [x], parallel: 201}
b: {script: [x], parallel: 0}
c: {script: [x], parallel: {matrix: [{X: [${big}]}]}}
d: {trigger: p/q, parallel: 2}
`)).toEqual([
      'jobs:a:parallel config must be less than or equal to 200',
      'jobs:b:parallel config must be greater than or equal to 1',
      'jobs:c:parallel:matrix config generates too many jobs (maximum is 200)',
      'jobs:d:parallel config cannot use "parallel: <number>". (trigger jobs accept only parallel:matrix)',
    ]);
  });
});

describe('environment, resource_group, coverage, trigger (§5.19–5.23)', () => {
  it('parses the mapping form', () => {
    const j = job(`
deploy:
  script: [x]
  environment: {name: review/$CI_COMMIT_REF_SLUG, url: https://x.example, action: start, on_stop: stop, auto_stop_in: 1 week, deployment_tier: staging}
  resource_group: production
  coverage: '/Total: (\\d+)%/'
stop:
  script: [x]
  environment: {name: review/$CI_COMMIT_REF_SLUG, action: stop}
`);
    expect(j.environment).toEqual({
      name: 'review/$CI_COMMIT_REF_SLUG', url: 'https://x.example', action: 'start', onStop: 'stop',
      autoStopIn: '1 week', deploymentTier: 'staging',
    });
    expect(j.resourceGroup).toBe('production');
    expect(j.coverage).toBe('/Total: (\\d+)%/');
  });

  it('rejects bad environment names and actions', () => {
    expect(messages('a: {script: [x], environment: /prod}\nb: {script: [x], environment: {name: p, action: deploy}}\n')).toEqual([
      "jobs:a:environment name can contain only letters, digits, '-', '_', '/', '$', '{', '}', '.', and spaces, but it cannot start or end with '/'",
      'jobs:b:environment action should be start, stop, prepare, verify, or access',
    ]);
  });

  it('parses trigger forms and requires project or include', () => {
    expect(job('t: {trigger: {include: child.yml, strategy: depend}}').trigger).toEqual({ include: 'child.yml', strategy: 'depend' });
    expect(job('t: {trigger: {project: g/p, branch: main, forward: {pipeline_variables: true}}}').trigger).toEqual({
      project: 'g/p', branch: 'main', forward: { yamlVariables: true, pipelineVariables: true },
    });
    expect(messages('t: {trigger: {strategy: depend}}\n')).toEqual(['jobs:t:trigger config must specify either project or include']);
  });
});

describe('only/except (§5.15)', () => {
  it('merges the default refs into an only mapping without refs', () => {
    expect(job('a: {script: [x], only: {variables: [$DEPLOY]}}').only).toEqual({ refs: ['branches', 'tags'], variables: ['$DEPLOY'] });
    expect(job('a: {script: [x], only: [main, /^release-.*$/]}').only).toEqual({ refs: ['main', '/^release-.*$/'] });
    expect(job('a: {script: [x], except: [tags]}')).toMatchObject({ only: { refs: ['branches', 'tags'] }, except: { refs: ['tags'] } });
    expect(job('a: {script: [x], rules: [{when: always}]}')).toMatchObject({ only: null, except: null });
  });

  it('rejects bad shapes and expressions', () => {
    expect(messages('a: {script: [x], only: main}\nb: {script: [x], only: {kubernetes: passive}}\n')).toEqual([
      'jobs:a:only has to be either an array of conditions or a hash',
      'jobs:b:only kubernetes unknown value: passive',
    ]);
  });
});
