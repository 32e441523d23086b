// `spec:inputs`, `include:inputs` and `$[[ ]]` interpolation (spec §4.7).
import { describe, expect, it } from 'vitest';
import { resolve, resolveErrors } from './memory-reader.js';

const TEMPLATE = `spec:
  inputs:
    stage:
    env:
      default: staging
      options: [staging, production]
    replicas:
      type: number
      default: 1
    flags:
      default: ''
      regex: ^(--[a-z-]+)?$
    publish:
      type: boolean
      default: false
    rules-config:
      type: array
      default: [{if: $CI_COMMIT_TAG}]
---
deploy-$[[ inputs.env ]]:
  stage: $[[ inputs.stage ]]
  parallel: $[[ inputs.replicas ]]
  rules: $[[ inputs.rules-config ]]
  allow_failure: $[[ inputs.publish ]]
  script: echo "flags=$[[ inputs.flags ]] env=$[[inputs.env]] n=$[[ inputs.replicas ]]"
`;

const including = (inputs: string) => ({ '.gitlab-ci.yml': `include:\n  - local: deploy.yml\n    inputs:\n${inputs}\n`, 'deploy.yml': TEMPLATE });

describe('inputs and interpolation', () => {
  it('replaces whole values with typed inputs and blocks inside strings with their text, in keys too', async () => {
    const result = await resolve(including('      stage: deploy\n      env: production\n      replicas: 3\n      flags: --fast'));
    expect(result.root).toEqual({
      'deploy-production': {
        stage: 'deploy',
        parallel: 3,
        rules: [{ if: '$CI_COMMIT_TAG' }],
        allow_failure: false,
        script: 'echo "flags=--fast env=production n=3"',
      },
    });
  });

  it('keeps float inputs floats', async () => {
    const result = await resolve({
      '.gitlab-ci.yml': 'include:\n  - local: t.yml\n    inputs: {v: 2.0}\n',
      't.yml': 'spec:\n  inputs:\n    v: {type: number}\n---\nj:\n  variables:\n    V: $[[ inputs.v ]]\n    S: "v$[[ inputs.v ]]"\n',
    });
    const variables = (result.root.j as Record<string, Record<string, unknown>>).variables as Record<string, unknown>;
    expect(variables).toEqual({ V: 2, S: 'v2.0' });
    expect(result.locations.isFloat?.(variables, 'V')).toBe(true);
  });

  it('prints arrays inside strings the way Ruby does and splices them into sequences', async () => {
    const result = await resolve({
      '.gitlab-ci.yml': 'include:\n  - local: t.yml\n    inputs: {steps: [make, make test]}\n',
      't.yml': 'spec:\n  inputs:\n    steps: {type: array}\n---\nj:\n  script:\n    - echo start\n    - $[[ inputs.steps ]]\n    - echo "$[[ inputs.steps ]]"\n',
    });
    expect((result.root.j as Record<string, unknown>).script).toEqual(['echo start', 'make', 'make test', 'echo "["make", "make test"]"']);
  });

  it('uses the root header with pipeline inputs', async () => {
    const files = { '.gitlab-ci.yml': 'spec:\n  inputs:\n    target: {default: dev}\n---\nj:\n  script: deploy $[[ inputs.target ]]\n' };
    expect((await resolve(files)).root).toEqual({ j: { script: 'deploy dev' } });
    expect((await resolve(files, { inputs: { target: 'prod' } })).root).toEqual({ j: { script: 'deploy prod' } });
  });

  it('leaves $[[ ]] alone in files without a header, and matrix blocks everywhere', async () => {
    const root = (await resolve({ '.gitlab-ci.yml': 'j:\n  script: $[[ inputs.x ]]\n' })).root;
    expect(root).toEqual({ j: { script: '$[[ inputs.x ]]' } });
    const withHeader = await resolve({ '.gitlab-ci.yml': 'spec:\n  inputs: {}\n---\nj:\n  needs:\n    - job: b\n      parallel:\n        matrix:\n          - P: $[[ matrix.P ]]\n' });
    expect(withHeader.root).toEqual({ j: { needs: [{ job: 'b', parallel: { matrix: [{ P: '$[[ matrix.P ]]' }] } }] } });
  });

  it('applies functions left to right', async () => {
    const result = await resolve(
      {
        '.gitlab-ci.yml': "include:\n  - local: t.yml\n    inputs: {name: \"it's $USER here\", long: abcdefgh}\n",
        't.yml':
          "spec:\n  inputs:\n    name:\n    long:\n---\nj:\n  variables:\n    A: $[[ inputs.name | expand_vars | posix_escape ]]\n    B: $[[ inputs.long | truncate(2,3) ]]\n    C: $[[ inputs.long | truncate(10,3) ]]\n    D: $[[ inputs.name | posix_quote ]]\n    E: $[[ inputs.name | expand_vars | truncate(0, 4) ]]\n",
      },
      { variables: { USER: 'bob' } },
    );
    expect((result.root.j as Record<string, unknown>).variables).toEqual({
      A: "it\\'s\\ bob\\ here",
      B: 'cde',
      C: '',
      D: "it\\'s\\ \\$USER\\ here",
      E: "it's",
    });
  });

  it('reports input errors prefixed with the included file', async () => {
    const errors = await resolveErrors(including('      env: qa\n      replicas: many\n      flags: bad\n      extra: 1'));
    expect(errors).toEqual([
      '.gitlab-ci.yml:2:5: `deploy.yml`: unknown input arguments: extra',
      '.gitlab-ci.yml:2:5: `deploy.yml`: `stage` input: required value has not been provided',
      '.gitlab-ci.yml:2:5: `deploy.yml`: `env` input: `qa` cannot be used because it is not in the list of allowed options',
      '.gitlab-ci.yml:2:5: `deploy.yml`: `replicas` input: provided value is not a number',
      '.gitlab-ci.yml:2:5: `deploy.yml`: `flags` input: provided value does not match required RegEx pattern',
    ]);
  });

  it('checks defaults, option and regex placement, and the header shape', async () => {
    const errors = await resolveErrors({
      '.gitlab-ci.yml': 'include: t.yml\n',
      't.yml': 'spec:\n  inputs:\n    n: {type: number, default: x}\n    b: {type: boolean, default: true, options: [true]}\n    a: {type: array, default: [], regex: x}\n---\nj: {script: x}\n',
    });
    expect(errors).toEqual([
      '.gitlab-ci.yml:1:1: `t.yml`: `n` input: default value is not a number',
      '.gitlab-ci.yml:1:1: `t.yml`: `b` input: Options can only be used with string and number inputs',
      '.gitlab-ci.yml:1:1: `t.yml`: `a` input: RegEx validation can only be used with string inputs',
    ]);
    expect(await resolveErrors({ '.gitlab-ci.yml': 'include: t.yml\n', 't.yml': 'spec:\n  inputs:\n    x: {type: text, foo: 1}\n---\nj: {script: x}\n' })).toEqual([
      '.gitlab-ci.yml:1:1: `t.yml`: header:spec:inputs:x config contains unknown keys: foo',
      '.gitlab-ci.yml:1:1: `t.yml`: header:spec:inputs:x input type unknown value: text',
    ]);
  });

  it('refuses inputs for a file without a header', async () => {
    expect(await resolveErrors({ '.gitlab-ci.yml': 'include:\n  local: t.yml\n  inputs: {a: 1}\n', 't.yml': 'j: {script: x}\n' })).toEqual([
      '.gitlab-ci.yml:2:3: `t.yml`: unknown input arguments: a',
    ]);
  });

  it('reports interpolation errors where the block is written', async () => {
    const errors = await resolveErrors({
      '.gitlab-ci.yml': 'include: t.yml\n',
      't.yml':
        'spec:\n  inputs:\n    a: {default: x}\n    n: {type: number, default: 1}\n---\nj:\n  script:\n    - $[[ inputs.b ]]\n    - $[[ inputs ]]\n    - $[[ inputs.a | nope ]]\n    - $[[ inputs.n | posix_escape ]]\n    - $[[ inputs.a | expand_vars | expand_vars | expand_vars | expand_vars ]]\n    - $[[ other.a ]]\n',
    });
    expect(errors).toEqual([
      't.yml:8:7: `t.yml`: unknown interpolation key: `b`',
      't.yml:9:7: `t.yml`: invalid interpolation access pattern',
      't.yml:10:7: `t.yml`: no function matching `nope`: check that the function name, arguments, and types are correct',
      't.yml:11:7: `t.yml`: error in `posix_escape` function: invalid input type: posix_escape can only be used with string inputs',
      't.yml:12:7: `t.yml`: too many functions in interpolation block',
      't.yml:13:7: `t.yml`: unknown interpolation key: `other`',
    ]);
  });

  it('exposes declared component fields', async () => {
    const result = await resolve({
      files: { '.gitlab-ci.yml': 'include:\n  component: gitlab.test/g/c/build@2.1\n' },
      components: { 'gitlab.test/g/c': { 'templates/build.yml': 'spec:\n  component: [name, version]\n  inputs: {}\n---\n$[[ component.name ]]-job:\n  script: echo $[[ component.version ]]\n' } },
    });
    expect(result.root).toEqual({ 'build-job': { script: 'echo 2.1' } });
  });

  it('takes options and default from the first matching input rule', async () => {
    const template = 'spec:\n  inputs:\n    env: {default: dev}\n    size:\n      rules:\n        - if: $[[ inputs.env ]] == "prod"\n          default: large\n        - default: small\n---\nj:\n  script: $[[ inputs.size ]]\n';
    const run = async (env: string) => (await resolve({ '.gitlab-ci.yml': `include:\n  local: t.yml\n  inputs: {env: ${env}}\n`, 't.yml': template })).root;
    expect(await run('prod')).toEqual({ j: { script: 'large' } });
    expect(await run('dev')).toEqual({ j: { script: 'small' } });
  });
});
