// parallel: N and parallel:matrix (spec §5.11).
import { describe, expect, it } from 'vitest';
import { planPipeline } from '../../src/planner/index.js';
import { context, job, jobNames, pipelineConfig, plannedJob, variableValue, yamlVars } from './plan-builders.js';

describe('parallel: N', () => {
  it('replaces the job by N jobs "name i/N" with CI_NODE_INDEX and CI_NODE_TOTAL', () => {
    const plan = planPipeline(pipelineConfig([job('test', { parallel: { kind: 'count', total: 3 } })]), context());
    expect(jobNames(plan)).toEqual(['test 1/3', 'test 2/3', 'test 3/3']);
    const second = plannedJob(plan, 'test 2/3');
    expect(second.baseName).toBe('test');
    expect(second.nodeIndex).toBe(2);
    expect(second.nodeTotal).toBe(3);
    expect(variableValue(second, 'CI_NODE_INDEX')).toBe('2');
    expect(variableValue(second, 'CI_NODE_TOTAL')).toBe('3');
    expect(variableValue(second, 'CI_JOB_NAME')).toBe('test 2/3');
  });

  it('names a single instance "name 1/1"', () => {
    const plan = planPipeline(pipelineConfig([job('test', { parallel: { kind: 'count', total: 1 } })]), context());
    expect(jobNames(plan)).toEqual(['test 1/1']);
  });

  it('leaves a non-parallel job with CI_NODE_TOTAL 1 and no index', () => {
    const plan = planPipeline(pipelineConfig([job('test')]), context());
    const test = plannedJob(plan, 'test');
    expect(test.nodeTotal).toBe(1);
    expect(test.nodeIndex).toBeUndefined();
    expect(variableValue(test, 'CI_NODE_TOTAL')).toBe('1');
  });
});

describe('parallel:matrix', () => {
  const deploy = job('deploy', {
    stage: 'deploy',
    variables: yamlVars({ PROVIDER: 'job-level', KEEP: 'job' }),
    parallel: {
      kind: 'matrix',
      matrix: [
        { PROVIDER: ['aws'], STACK: ['monitoring', 'app1'] },
        { PROVIDER: ['gcp', 'vultr'], STACK: ['data'] },
      ],
    },
  });

  it('names jobs by their values in key order, mapping by mapping (the §5.11 example)', () => {
    const plan = planPipeline(pipelineConfig([deploy]), context());
    expect(jobNames(plan)).toEqual([
      'deploy: [aws, monitoring]',
      'deploy: [aws, app1]',
      'deploy: [gcp, data]',
      'deploy: [vultr, data]',
    ]);
    for (const [i, name] of jobNames(plan).entries()) {
      const instance = plannedJob(plan, name);
      expect(variableValue(instance, 'CI_NODE_TOTAL')).toBe('4');
      expect(variableValue(instance, 'CI_NODE_INDEX')).toBe(String(i + 1));
      expect(instance.baseName).toBe('deploy');
    }
  });

  it('gives each job its combination as job variables, overriding same-named job variables', () => {
    const plan = planPipeline(pipelineConfig([deploy]), context());
    const gcp = plannedJob(plan, 'deploy: [gcp, data]');
    expect(variableValue(gcp, 'PROVIDER')).toBe('gcp');
    expect(variableValue(gcp, 'STACK')).toBe('data');
    expect(variableValue(gcp, 'KEEP')).toBe('job');
  });

  it('expands the Cartesian product with the first key varying slowest', () => {
    const matrixJob = job('build', {
      parallel: { kind: 'matrix', matrix: [{ OS: ['linux', 'mac'], ARCH: ['amd64', 'arm64'] }] },
    });
    expect(jobNames(planPipeline(pipelineConfig([matrixJob]), context()))).toEqual([
      'build: [linux, amd64]',
      'build: [linux, arm64]',
      'build: [mac, amd64]',
      'build: [mac, arm64]',
    ]);
  });

  it('lets a later combination with the same values replace the earlier one', () => {
    const duplicated = job('test', {
      parallel: { kind: 'matrix', matrix: [{ A: ['x'], B: ['y'] }, { C: ['x'], D: ['y'] }, { E: ['z'] }] },
    });
    const plan = planPipeline(pipelineConfig([duplicated]), context());
    expect(jobNames(plan)).toEqual(['test: [x, y]', 'test: [z]']);
    const replaced = plannedJob(plan, 'test: [x, y]');
    expect(variableValue(replaced, 'C')).toBe('x');
    expect(variableValue(replaced, 'A')).toBeUndefined();
  });

  it('makes matrix variables visible to the job rules:if', () => {
    const ruled = job('deploy', {
      parallel: { kind: 'matrix', matrix: [{ PROVIDER: ['aws', 'gcp'] }] },
      rules: [{ if: '$PROVIDER == "aws"' }],
    });
    const plan = planPipeline(pipelineConfig([ruled]), context());
    expect(jobNames(plan)).toEqual(['deploy: [aws]']);
    expect(plan.excluded).toEqual([{ name: 'deploy: [gcp]', stage: 'test', reason: 'rules: no rule matched' }]);
  });

  it('expands matrix variables in tags, so they can select runners', () => {
    const tagged = job('build', {
      parallel: { kind: 'matrix', matrix: [{ ARCH: ['amd64', 'arm64'] }] },
      tags: ['runner-$ARCH', '$UNKNOWN_TAG'],
    });
    const plan = planPipeline(pipelineConfig([tagged]), context());
    expect(plannedJob(plan, 'build: [arm64]').tags).toEqual(['runner-arm64', '$UNKNOWN_TAG']);
  });
});
