// Places where GitLab refuses what glci used to accept, or words or orders a refusal its own way
// (issue "Step 6b"). Messages from spec/lib/gitlab/ci/yaml_processor_spec.rb and
// lib/gitlab/ci/config/entry/*.rb, lib/gitlab/ci/yaml_processor.rb in gitlab-org/gitlab.
import { describe, expect, it } from 'vitest';
import { located, messages } from './fixture.js';

describe('job names (entry/processable.rb)', () => {
  it('refuses a blank name, naming the job by its entry type', () => {
    expect(located('"":\n  script: test\n')).toEqual(["1:1: jobs:job name can't be blank"]);
  });

  it('refuses keys YAML reads as integers or booleans', () => {
    expect(located('10:\n  script: test\n')).toEqual(['1:1: jobs:10 name should be a symbol']);
    expect(messages('true:\n  script: test\n')).toEqual(['jobs:true name should be a symbol']);
  });

  it('accepts a quoted number as a name', () => {
    expect(() => messages('"10":\n  script: test\n')).toThrow('expected a ConfigError');
  });
});

describe('job keywords', () => {
  it('refuses an empty cache:key:files list by its length', () => {
    expect(located('rspec:\n  script: test\n  cache:\n    key:\n      files: []\n')).toEqual([
      '5:7: jobs:rspec:cache:key:files config requires at least 1 item',
    ]);
  });

  it('refuses rules given as a mapping at the job, and only there', () => {
    expect(located('rspec:\n  script: test\n  rules:\n    if: $X\n')).toEqual([
      '3:3: jobs:rspec rules should be an array containing hashes and arrays of hashes',
    ]);
    expect(messages('rspec:\n  script: test\n  rules: always\n')).toEqual([
      'jobs:rspec rules should be an array containing hashes and arrays of hashes',
    ]);
  });

  it('refuses incomplete trigger:include entries in GitLab order', () => {
    const text = 'child:\n  trigger:\n    include:\n      - artifact: gen.yml\n      - {project: g/p, file: ""}\n      - {artifact: gen.yml, job: build}\n';
    expect(located(text)).toEqual([
      '4:9: jobs:child:trigger:include:include config must specify the job where to fetch the artifact from',
      '5:9: jobs:child:trigger:include:include config must specify the file where to fetch the config from',
    ]);
  });
});

describe('pages:publish (validate_job_pages_publish!)', () => {
  it('refuses the job-level publish next to pages:publish', () => {
    expect(located('site:\n  script: x\n  publish: public\n  pages:\n    publish: out\n')).toEqual([
      '3:3: site job: use either site:publish or site:pages:publish',
    ]);
  });

  it('accepts either one alone', () => {
    expect(() => messages('pages:\n  script: x\n  publish: public\n')).toThrow('expected a ConfigError');
    expect(() => messages('site:\n  script: x\n  pages:\n    publish: out\n')).toThrow('expected a ConfigError');
  });
});

describe('order of logical errors (yaml_processor.rb: job by job, then cycles)', () => {
  it('refuses a dependency or need on a job of an undeclared stage where the job is visited', () => {
    expect(messages('stages: [build, test]\nt:\n  stage: test\n  script: x\n  dependencies: [c]\n  needs: [c]\nc:\n  stage: compile\n  script: x\n')).toEqual([
      't job: dependency c is not defined in current or prior stages',
      't job: need c is not defined in current or prior stages',
      'c job: chosen stage compile does not exist; available stages are .pre, build, test, .post',
    ]);
  });

  it('checks a job stage, dependencies, needs, then on_stop', () => {
    expect(messages('a:\n  stage: nope\n  script: x\n  needs: [ghost, phantom]\n  dependencies: [phantom]\n  environment: {name: e, on_stop: missing}\n')).toEqual([
      'a job: chosen stage nope does not exist; available stages are .pre, build, test, deploy, .post',
      'a job: undefined dependency: phantom',
      'a job: undefined need: ghost',
      'a job: undefined need: phantom',
      'a job: on_stop job missing is not defined',
    ]);
  });

  it('names a cycle in the order of Ruby TSort walk', () => {
    expect(messages('a: {script: [x], needs: [c]}\nb: {script: [x], needs: [a]}\nc: {script: [x], needs: [b]}\n')).toEqual([
      'The pipeline has circular dependencies: topological sort failed: ["a", "c", "b"]',
    ]);
  });

  it('meets a self-dependency when the walk reaches the job, before the cycle it walks through', () => {
    expect(messages('a: {script: [x], needs: [b]}\nb: {script: [x], needs: [b, a]}\n')).toEqual([
      'The pipeline has circular dependencies: self-dependency: b',
      'The pipeline has circular dependencies: topological sort failed: ["a", "b"]',
    ]);
  });
});
