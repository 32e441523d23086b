// Top-level structure: job classification, stages, default:, deprecated globals, inherit,
// global variables and workflow (spec §2).
import { describe, expect, it } from 'vitest';
import { compose, located, messages } from './fixture.js';

describe('job classification (§2.1)', () => {
  it('keeps visible jobs in order of appearance and skips hidden jobs and global keys', () => {
    const config = compose(`
variables: {A: "1"}
.template: {script: [echo t]}
zeta: {script: [echo z]}
alpha: {trigger: group/project}
beta: {script: echo b}
`);
    expect(config.jobs.map((j) => j.name)).toEqual(['zeta', 'alpha', 'beta']);
    expect(config.jobs[1]?.trigger).toEqual({ project: 'group/project' });
    expect(config.jobs[2]?.script).toEqual(['echo b']);
  });

  it('treats a mapping with needs but no script as a trigger job', () => {
    const config = compose(`
build: {stage: build, script: [make]}
mirror:
  stage: test
  needs: {pipeline: other/project}
`);
    expect(config.jobs[1]?.needs).toEqual([{ job: '', pipeline: 'other/project', artifacts: false, optional: false }]);
  });

  it('rejects a top-level key that is not a job, with its location', () => {
    expect(located(`build: {script: [make]}\nfoo:\n  image: ruby\n`)).toEqual([
      '2:1: jobs foo config should implement the script:, run:, or trigger: keyword',
    ]);
  });

  it('requires at least one visible job', () => {
    expect(messages(`.hidden: {script: [x]}\nvariables: {A: b}\n`)).toEqual([
      'jobs config should contain at least one visible job',
    ]);
  });

  it('rejects an empty hidden job', () => {
    expect(messages(`.empty: {}\nbuild: {script: [x]}\n`)).toEqual(['jobs:.empty config can\'t be blank']);
  });

  it('treats default: with a script as a job named default', () => {
    const config = compose(`default:\n  script: [echo]\n`);
    expect(config.jobs.map((j) => j.name)).toEqual(['default']);
  });
});

describe('stages (§2.2)', () => {
  it('defaults to .pre, build, test, deploy, .post', () => {
    expect(compose('job: {script: [x]}').stages).toEqual(['.pre', 'build', 'test', 'deploy', '.post']);
  });

  it('flattens nested lists and forces .pre/.post to the edges', () => {
    const config = compose(`
stages: [.post, [lint, [build]], .pre, test]
job: {script: [x]}
`);
    expect(config.stages).toEqual(['.pre', 'lint', 'build', 'test', '.post']);
    expect(config.merged.stages).toEqual(['.pre', 'lint', 'build', 'test', '.post']);
  });

  it('rejects a stages value that is not a list of strings', () => {
    expect(located('stages: [build, {a: b}]\njob: {stage: build, script: [x]}\n')).toEqual([
      '1:1: stages config should be an array of strings or a nested array of strings up to 10 levels deep',
    ]);
  });

  it('puts a job without stage in test, which must then exist', () => {
    expect(compose('job: {script: [x]}').jobs[0]?.stage).toBe('test');
    expect(located('stages: [build]\njob:\n  script: [x]\n')).toEqual([
      '2:1: job job: chosen stage test does not exist; available stages are .pre, build, .post',
    ]);
  });
});

describe('default: (§2.3)', () => {
  const yaml = `
default:
  image: ruby:3.3
  before_script: [bundle install]
  retry: 2
  tags: [docker]
  interruptible: true
  cache: {key: gems, paths: [vendor]}
plain: {script: [rspec]}
own:
  image: alpine
  cache: []
  script: [test]
`;

  it('copies default keys only into jobs that do not set them', () => {
    const [plain, own] = compose(yaml).jobs;
    expect(plain?.image).toEqual({ name: 'ruby:3.3' });
    expect(plain?.beforeScript).toEqual(['bundle install']);
    expect(plain?.retry).toEqual({ max: 2, when: ['always'], exitCodes: [] });
    expect(plain?.tags).toEqual(['docker']);
    expect(plain?.interruptible).toBe(true);
    expect(plain?.cache.map((c) => c.key)).toEqual([{ kind: 'literal', value: 'gems' }]);
    expect(own?.image).toEqual({ name: 'alpine' });
    expect(own?.cache).toEqual([]);
    expect(own?.beforeScript).toEqual(['bundle install']);
  });

  it('shows applied defaults in the job mapping', () => {
    const raw = compose(yaml).merged.jobs.plain;
    expect(raw).toMatchObject({ script: ['rspec'], image: 'ruby:3.3', retry: 2, tags: ['docker'] });
    expect(compose(yaml).merged.jobs.own).toMatchObject({ image: 'alpine', cache: [] });
  });

  it('does not apply default:timeout and warns about it', () => {
    const config = compose('default: {timeout: 2h}\njob: {script: [x]}\nown: {script: [x], timeout: 30m}\n');
    expect(config.jobs[0]?.timeoutSeconds).toBeUndefined();
    expect(config.jobs[1]?.timeoutSeconds).toBe(1800);
    expect(config.warnings.map((w) => w.message).join()).toContain('default:timeout has no effect');
  });

  it('rejects unknown default keys', () => {
    expect(located('default:\n  variables: {A: b}\njob: {script: [x]}\n')).toEqual([
      '2:3: default config contains unknown keys: variables',
    ]);
  });

  it('honours inherit:default as a boolean and as a list', () => {
    const config = compose(`
default: {image: ruby:3.3, retry: 2}
none: {inherit: {default: false}, script: [x]}
some: {inherit: {default: [retry]}, script: [x]}
`);
    expect(config.jobs[0]?.image).toBeNull();
    expect(config.jobs[0]?.retry.max).toBe(0);
    expect(config.jobs[1]?.image).toBeNull();
    expect(config.jobs[1]?.retry.max).toBe(2);
    expect(config.merged.jobs.some).not.toHaveProperty('image');
  });

  it('rejects unknown inherit:default entries and bad inherit types', () => {
    expect(messages(`
a: {inherit: {default: [image, foo]}, script: [x]}
b: {inherit: {variables: 3}, script: [x]}
c: {inherit: {other: true}, script: [x]}
`)).toEqual([
      'jobs:a:inherit:default config contains unknown values: foo',
      'jobs:b:inherit:variables config should be a bool or array of strings',
      'jobs:c:inherit config contains unknown keys: other',
    ]);
  });
});

describe('deprecated top-level globals (§2.4)', () => {
  it('behave like default: values', () => {
    const job = compose('image: node:20\nbefore_script: [npm ci]\njob: {script: [x]}\n').jobs[0];
    expect(job?.image).toEqual({ name: 'node:20' });
    expect(job?.beforeScript).toEqual(['npm ci']);
  });

  it('conflict with the same key in default:', () => {
    expect(located('default:\n  image: a\nimage: b\njob: {script: [x]}\n')).toEqual([
      '3:1: image is defined in top-level and `default:` entry (keep only default:image)',
    ]);
  });
});

describe('inherit:variables (§2.5)', () => {
  it('is recorded on the job', () => {
    const config = compose(`
variables: {A: "1", B: "2"}
all: {script: [x]}
none: {inherit: {variables: false}, script: [x]}
some: {inherit: {variables: [B]}, script: [x]}
`);
    expect(config.jobs.map((j) => j.inheritVariables)).toEqual([true, false, ['B']]);
  });
});

describe('global variables (§2.7)', () => {
  it('stringifies scalars like Ruby and reads the mapping form', () => {
    const config = compose(`
variables:
  STR: hello
  INT: 10
  BOOL: true
  HALF: 1.5
  WHOLE: 1.0
  VERSION: {value: 2.0}
  DEPLOY:
    value: staging
    description: Where to deploy
    options: [staging, production]
  RAW: {value: "$HOME", expand: false}
  ONLY_DESC: {description: fill me}
job: {script: [x]}
`);
    expect(config.variables).toEqual({
      STR: { value: 'hello', expand: true },
      INT: { value: '10', expand: true },
      BOOL: { value: 'true', expand: true },
      HALF: { value: '1.5', expand: true },
      WHOLE: { value: '1.0', expand: true },
      VERSION: { value: '2.0', expand: true },
      DEPLOY: { value: 'staging', expand: true, description: 'Where to deploy', options: ['staging', 'production'] },
      RAW: { value: '$HOME', expand: false },
      ONLY_DESC: { value: '', expand: true, description: 'fill me' },
    });
    expect(config.merged.variables).toMatchObject({ INT: 10, RAW: { value: '$HOME', expand: false } });
  });

  it('rejects sequences, values outside options, and job-level description', () => {
    expect(located(`
variables:
  LIST: [a, b]
  PICK: {value: dev, options: [staging, production]}
job:
  script: [x]
  variables:
    V: {value: x, description: nope}
`)).toEqual([
      '3:3: variable definition must be either a string or a hash (variable LIST)',
      '4:10: variables:pick config value must be present in options',
      '8:5: jobs:job:variables:v config uses invalid data keys: description',
    ]);
  });
});

describe('workflow (§2.6)', () => {
  it('parses rules, name and auto_cancel', () => {
    const config = compose(`
workflow:
  name: Pipeline for $CI_COMMIT_BRANCH
  auto_cancel: {on_new_commit: interruptible}
  rules:
    - if: $CI_COMMIT_TAG
      when: never
    - if: $CI_PIPELINE_SOURCE == "push"
      variables: {DEPLOY: "true"}
      auto_cancel: {on_job_failure: all}
job: {script: [x]}
`);
    expect(config.workflow).toEqual({
      name: 'Pipeline for $CI_COMMIT_BRANCH',
      autoCancel: { onNewCommit: 'interruptible' },
      rules: [
        { if: '$CI_COMMIT_TAG', when: 'never' },
        { if: '$CI_PIPELINE_SOURCE == "push"', variables: { DEPLOY: 'true' }, autoCancel: { onJobFailure: 'all' } },
      ],
    });
    expect(config.merged.workflow).toMatchObject({ name: 'Pipeline for $CI_COMMIT_BRANCH' });
  });

  it('removes the implicit only: [branches, tags] when workflow:rules exist', () => {
    const withWorkflow = compose('workflow: {rules: [{when: always}]}\njob: {script: [x]}\n');
    expect(withWorkflow.jobs[0]?.only).toBeNull();
    const without = compose('job: {script: [x]}\n');
    expect(without.jobs[0]?.only).toEqual({ refs: ['branches', 'tags'] });
    expect(without.workflow).toBeNull();
  });

  it('rejects unknown keys, bad when values and bad auto_cancel values', () => {
    expect(messages(`
workflow:
  foo: bar
  rules:
    - when: manual
  auto_cancel: {on_new_commit: always}
job: {script: [x]}
`)).toEqual([
      'workflow config contains unknown keys: foo',
      'workflow:rules:rule when unknown value: manual (workflow rules accept `always` or `never`)',
      'workflow:auto_cancel on new commit must be one of: conservative, interruptible, none',
    ]);
  });
});
