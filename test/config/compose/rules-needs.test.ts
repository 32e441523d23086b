// rules, needs, dependencies, cache, artifacts, job variables (spec §5.9, 5.10, 5.14, 5.16–5.18).
import { describe, expect, it } from 'vitest';
import { compose, located, messages } from './fixture.js';

const job = (yaml: string) => compose(yaml).jobs[0]!;

describe('rules (§5.14)', () => {
  it('parses every rule key and flattens nested lists', () => {
    const j = job(`
deploy:
  script: [x]
  when: manual
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
      when: never
    - - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
        changes: {paths: ["src/**/*"], compare_to: refs/heads/main}
        variables: {TARGET: prod}
        interruptible: false
        allow_failure: true
        needs: [build]
    - exists: Dockerfile
    - when: delayed
      start_in: 10 minutes
build: {stage: build, script: [x]}
`);
    expect(j.when).toBe('manual');
    expect(j.rules).toEqual([
      { if: '$CI_PIPELINE_SOURCE == "schedule"', when: 'never' },
      {
        if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
        changes: { paths: ['src/**/*'], compareTo: 'refs/heads/main' },
        variables: { TARGET: 'prod' },
        interruptible: false,
        allowFailure: true,
        needs: [{ job: 'build', artifacts: true, optional: false }],
      },
      { exists: { paths: ['Dockerfile'] } },
      { when: 'delayed', startIn: '10 minutes' },
    ]);
  });

  it('reports rule errors at the rule', () => {
    expect(located(`
a:
  script: [x]
  rules:
    - if: $A ==
    - when: later
    - when: delayed
    - start_in: 1 hour
    - variables: {V: {value: x}}
`).map((line) => line.replace(/ \(.*\)$/, ''))).toEqual([
      '5:7: jobs:a:rules:rule if invalid expression syntax',
      '6:7: jobs:a:rules:rule when unknown value: later',
      "7:7: jobs:a:rules:rule start in can't be blank",
      '8:7: jobs:a:rules:rule config contains disallowed keys: start_in',
      '9:19: jobs:a:rules:rule:variables:v config must be a string',
    ]);
  });

  it('rejects an empty list and non-mapping rules', () => {
    expect(messages('a: {script: [x], rules: []}\nb: {script: [x], rules: [x]}\n')).toEqual([
      "jobs:a:rules config can't be blank",
      'jobs:b rules should be an array containing hashes and arrays of hashes',
    ]);
  });

  it('warns when the last rule is only `when` and there are no workflow:rules', () => {
    const config = compose('a: {script: [x], rules: [{if: $X, when: never}, {when: on_success}]}');
    expect(config.warnings.map((w) => w.message)).toEqual([
      'jobs:a may allow multiple pipelines to run for a single action due to `rules:when` clause with no ' +
        '`workflow:rules` - read more: https://docs.gitlab.com/ee/ci/jobs/job_troubleshooting.html' +
        '#job-may-allow-multiple-pipelines-to-run-for-a-single-action-warning',
    ]);
    expect(compose('workflow: {rules: [{when: always}]}\na: {script: [x], rules: [{when: on_success}]}').warnings).toEqual([]);
  });
});

describe('needs (§5.9)', () => {
  it('parses every form', () => {
    const config = compose(`
stages: [build, test]
build: {stage: build, script: [x]}
matrix-build:
  stage: build
  script: [x]
  parallel: {matrix: [{PROVIDER: [aws, gcp], STACK: [app1]}]}
test:
  stage: test
  script: [x]
  needs:
    - build
    - [{job: matrix-build, parallel: {matrix: [{PROVIDER: aws, STACK: app1}]}}]
    - {job: lint, optional: true}
    - {pipeline: $PARENT_PIPELINE_ID, job: create}
    - {project: group/other, job: build-1, ref: main, artifacts: false}
`);
    expect(config.jobs[2]?.needs).toEqual([
      { job: 'build', artifacts: true, optional: false },
      { job: 'matrix-build', artifacts: true, optional: false, matrix: [{ PROVIDER: ['aws'], STACK: ['app1'] }] },
      { job: 'lint', artifacts: true, optional: true },
      { job: 'create', artifacts: true, optional: false, pipeline: '$PARENT_PIPELINE_ID' },
      { job: 'build-1', artifacts: false, optional: false, project: 'group/other', ref: 'main' },
    ]);
    expect(compose('a: {script: [x], needs: []}').jobs[0]?.needs).toEqual([]);
    expect(compose('a: {script: [x]}').jobs[0]?.needs).toBeNull();
  });

  it('rejects bad need entries', () => {
    expect(messages(`
a: {script: [x], needs: build}
b: {script: [x], needs: [{job: x, foo: 1}]}
c: {script: [x], needs: [3]}
d: {script: [x], needs: [{pipeline: other/project}]}
`)).toEqual([
      'jobs:a:needs config can only be a hash or an array',
      'jobs:b:needs:need config contains unknown keys: foo',
      'jobs:c:needs:need has an unsupported type',
      'jobs:d:needs config uses invalid types: bridge',
    ]);
  });

  it('requires dependencies to be part of needs', () => {
    expect(messages(`
stages: [build, test]
a: {stage: build, script: [x]}
b: {stage: build, script: [x]}
c: {stage: test, script: [x], needs: [a], dependencies: [a, b]}
`)).toEqual(['jobs:c dependencies the b should be part of needs']);
  });
});

describe('cache (§5.16)', () => {
  it('applies defaults and reads key forms', () => {
    const j = job(`
a:
  script: [x]
  cache:
    - {paths: [node_modules]}
    - key: {files: [package-lock.json], prefix: $CI_JOB_NAME}
      paths: [.npm]
      policy: pull
      when: always
      untracked: true
      unprotect: true
      fallback_keys: [main-cache]
`);
    expect(j.cache).toEqual([
      { key: { kind: 'literal', value: 'default' }, paths: ['node_modules'], untracked: false, unprotect: false, when: 'on_success', policy: 'pull-push', fallbackKeys: [] },
      { key: { kind: 'files', files: ['package-lock.json'], prefix: '$CI_JOB_NAME' }, paths: ['.npm'], untracked: true, unprotect: true, when: 'always', policy: 'pull', fallbackKeys: ['main-cache'] },
    ]);
  });

  it('rejects bad keys, too many caches and bad policies', () => {
    expect(messages(`
a: {script: [x], cache: {key: a/b}}
b: {script: [x], cache: {key: ..}}
c: {script: [x], cache: [{}, {}, {}, {}, {}]}
d: {script: [x], cache: {key: x, policy: sometimes}}
e: {script: [x], cache: {key: a%2Fb}}
`).map((m) => m.replace(/ \(.*\)$/, ''))).toEqual([
      'jobs:a:cache:key config cannot contain the "/" character',
      'jobs:b:cache:key config cannot be "." or ".."',
      'jobs:c:cache config no more than 4 caches can be created',
      'jobs:d:cache policy should be a variable or one of: pull-push, push, pull',
      'jobs:e:cache:key config cannot contain the "/" character',
    ]);
  });
});

describe('artifacts (§5.17)', () => {
  it('reads every key with defaults', () => {
    expect(job(`
a:
  script: [x]
  artifacts:
    paths: [dist/]
    exclude: [dist/**/*.map]
    expire_in: 1 week
    name: build-$CI_JOB_ID
    reports: {junit: report.xml, dotenv: [build.env], coverage_report: {coverage_format: cobertura, path: cov.xml}}
`).artifacts).toEqual({
      paths: ['dist/'], exclude: ['dist/**/*.map'], untracked: false, when: 'on_success', expireIn: '1 week',
      name: 'build-$CI_JOB_ID', reports: { junit: ['report.xml'], dotenv: ['build.env'], coverage_report: ['cov.xml'] },
    });
    expect(job('a: {script: [x], artifacts: {expire_in: never, when: always}}').artifacts).toMatchObject({ expireIn: 'never', when: 'always' });
  });

  it('validates keys and values', () => {
    expect(messages(`
a: {script: [x], artifacts: {path: [x]}}
b: {script: [x], artifacts: {when: sometimes, public: true, access: none}}
c: {script: [x], artifacts: {reports: {junk: x.xml}}}
d: {script: [x], artifacts: {expose_as: "Bad/name", paths: ["*.txt"]}}
`).map((m) => m.replace(/ \(.*\)$/, ''))).toEqual([
      'jobs:a:artifacts config contains unknown keys: path',
      'jobs:b:artifacts config these keys cannot be used together: access, public',
      'jobs:b:artifacts when should be one of: on_success, on_failure, always',
      'jobs:c:artifacts:reports config contains unknown keys: junk',
      "jobs:d:artifacts paths can't contain '*' when used with 'expose_as'",
      "jobs:d:artifacts expose as can contain only letters, digits, '-', '_' and spaces",
    ]);
  });
});

describe('job variables (§5.18)', () => {
  it('accepts value/expand and stringifies scalars', () => {
    expect(job('a: {script: [x], variables: {A: 1, B: {value: $X, expand: false}, C: false}}').variables).toEqual({
      A: { value: '1', expand: true }, B: { value: '$X', expand: false }, C: { value: 'false', expand: true },
    });
  });
});
