// Logical validation across jobs (spec §8.3): stages, needs, dependencies, cycles, on_stop.
import { describe, expect, it } from 'vitest';
import { compose, located, messages } from './fixture.js';

describe('stages', () => {
  it('reports an unknown stage at the stage key', () => {
    expect(located('stages: [build, test, deploy]\nbuild:\n  stage: deploy2\n  script: [x]\n')).toEqual([
      '3:3: build job: chosen stage deploy2 does not exist; available stages are .pre, build, test, deploy, .post',
    ]);
  });

  it('accepts .pre and .post jobs', () => {
    expect(compose('a: {stage: .pre, script: [x]}\nb: {stage: .post, script: [x]}').jobs.map((j) => j.stage)).toEqual(['.pre', '.post']);
  });
});

describe('needs', () => {
  const base = 'stages: [build, test, deploy]\nbuild: {stage: build, script: [x]}\ndeploy: {stage: deploy, script: [x]}\n';

  it('reports undefined and later-stage needs at the need', () => {
    expect(located(`${base}test:\n  stage: test\n  script: [x]\n  needs: [biuld, deploy]\n`)).toEqual([
      '7:11: test job: undefined need: biuld',
      '7:18: test job: need deploy is not defined in current or prior stages',
    ]);
  });

  it('ignores an optional need on a missing job and accepts same-stage needs', () => {
    const config = compose(`${base}test: {stage: test, script: [x], needs: [{job: nope, optional: true}]}\nlint: {stage: build, script: [x], needs: [build]}\n`);
    expect(config.jobs).toHaveLength(4);
  });

  it('accepts a need on a parallel job by its base name and by an instance name', () => {
    const config = compose(`${base}unit: {stage: build, script: [x], parallel: 3}\ntest: {stage: test, script: [x], needs: [unit, "unit 2/3"]}\n`);
    expect(config.jobs.find((j) => j.name === 'test')?.needs?.map((n) => n.job)).toEqual(['unit', 'unit 2/3']);
  });

  it('checks the instances selected by needs:parallel:matrix', () => {
    const matrixJob = 'mb: {stage: build, script: [x], parallel: {matrix: [{PROVIDER: [aws, gcp], STACK: [app1, app2]}]}}\n';
    const ok = compose(`${base}${matrixJob}t: {stage: test, script: [x], needs: [{job: mb, parallel: {matrix: [{PROVIDER: gcp, STACK: app2}]}}]}\n`);
    expect(ok.jobs.at(-1)?.needs?.[0]?.matrix).toEqual([{ PROVIDER: ['gcp'], STACK: ['app2'] }]);
    expect(messages(`${base}${matrixJob}t: {stage: test, script: [x], needs: [{job: mb, parallel: {matrix: [{PROVIDER: azure, STACK: app2}]}}]}\n`)).toEqual([
      't job: undefined need: mb: [azure, app2]',
    ]);
  });

  it('reports duplicated needs', () => {
    expect(messages(`${base}test: {stage: test, script: [x], needs: [build, build]}\n`)).toEqual([
      'test has the following needs duplicated: build.',
    ]);
  });

  it('checks rules:needs too', () => {
    expect(messages(`${base}test: {stage: test, script: [x], rules: [{needs: [ghost]}]}\n`)).toEqual([
      'test job: undefined need: ghost',
    ]);
  });

  it('reports cycles', () => {
    expect(messages('a: {script: [x], needs: [a]}\n')).toEqual([
      'The pipeline has circular dependencies: self-dependency: a',
    ]);
    expect(messages('a: {script: [x], needs: [b]}\nb: {script: [x], needs: [c]}\nc: {script: [x], needs: [a]}\n')).toEqual([
      'The pipeline has circular dependencies: topological sort failed: ["a", "b", "c"]',
    ]);
  });

  it('limits needs to 50 jobs', () => {
    const jobs = Array.from({ length: 51 }, (_, i) => `j${i}: {stage: build, script: [x]}`).join('\n');
    const needs = Array.from({ length: 51 }, (_, i) => `j${i}`).join(', ');
    expect(messages(`stages: [build, test]\n${jobs}\nt: {stage: test, script: [x], needs: [${needs}]}\n`)).toEqual([
      't: one job can only need 50 others, but you have listed 51. See needs keyword documentation for more details',
    ]);
  });
});

describe('dependencies', () => {
  it('reports undefined and later-stage dependencies', () => {
    expect(messages('stages: [build, test]\na: {stage: test, script: [x], dependencies: [ghost, b]}\nb: {stage: test, script: [x]}\nc: {stage: build, script: [x], dependencies: [a]}\n')).toEqual([
      'a job: undefined dependency: ghost',
      'c job: dependency a is not defined in current or prior stages',
    ]);
  });
});

describe('environment:on_stop', () => {
  it('checks the stop job', () => {
    expect(messages(`
a: {script: [x], environment: {name: review, on_stop: missing}}
b: {script: [x], environment: {name: review, on_stop: plain}}
c: {script: [x], environment: {name: review, on_stop: other}}
d: {script: [x], environment: {name: review, on_stop: starter}}
plain: {script: [x]}
other: {script: [x], environment: {name: prod, action: stop}}
starter: {script: [x], environment: {name: review}}
ok: {script: [x], environment: {name: review, on_stop: stopper}}
stopper: {script: [x], environment: {name: review, action: stop}}
`)).toEqual([
      'a job: on_stop job missing is not defined',
      'b job: on_stop job plain does not have environment defined',
      'c job: on_stop job other have different environment name',
      'd job: on_stop job starter needs to have action stop defined',
    ]);
  });
});

describe('every problem is listed', () => {
  it('collects entry and logical errors together', () => {
    expect(messages('stages: [build]\na: {script: [x], stage: nope, when: later}\nb: {script: ""}\n')).toEqual([
      'jobs:a when should be one of: on_success, on_failure, always, manual, delayed',
      "jobs:b script can't be blank",
      'a job: chosen stage nope does not exist; available stages are .pre, build, .post',
      'b job: chosen stage test does not exist; available stages are .pre, build, .post',
    ]);
  });
});
