// A job's variables: precedence (spec §7.1, §5.18), attributes (§7.2) and nested expansion (§7.3).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { planPipeline } from '../../src/planner/index.js';
import { context, job, pipelineConfig, plannedJob, variableValue, yamlVars } from './plan-builders.js';

describe('variable precedence', () => {
  it('orders predefined < global < job < matrix < rules < user', () => {
    const config = pipelineConfig(
      [
        job('job', {
          variables: yamlVars({ JOB: 'job', MATRIX: 'job', RULE: 'job', USER: 'job' }),
          parallel: { kind: 'matrix', matrix: [{ MATRIX: ['matrix'], RULE: ['matrix'], USER: ['matrix'] }] },
          rules: [{ variables: { RULE: 'rule', USER: 'rule' } }],
        }),
      ],
      { variables: yamlVars({ GLOBAL: 'global', JOB: 'global', CI_PROJECT_NAME: 'overridden' }) },
    );
    const ctx = context({ userVariables: { USER: { value: 'user' } } });
    const planned = plannedJob(planPipeline(config, ctx), 'job: [matrix, matrix, matrix]');
    expect(variableValue(planned, 'GLOBAL')).toBe('global');
    expect(variableValue(planned, 'JOB')).toBe('job');
    expect(variableValue(planned, 'MATRIX')).toBe('matrix');
    expect(variableValue(planned, 'RULE')).toBe('rule');
    expect(variableValue(planned, 'USER')).toBe('user');
    // YAML variables can override predefined ones (source build order, §7.1).
    expect(variableValue(planned, 'CI_PROJECT_NAME')).toBe('overridden');
  });

  it('lets user variables override predefined and YAML variables', () => {
    const config = pipelineConfig([job('job', { variables: yamlVars({ A: 'yaml' }) })]);
    const ctx = context({ userVariables: { A: { value: 'user' }, CI_COMMIT_REF_NAME: { value: 'custom' } } });
    const planned = plannedJob(planPipeline(config, ctx), 'job');
    expect(variableValue(planned, 'A')).toBe('user');
    expect(variableValue(planned, 'CI_COMMIT_REF_NAME')).toBe('custom');
  });

  it('filters global variables with inherit:variables lists', () => {
    const config = pipelineConfig([job('job', { inheritVariables: ['B'] })], { variables: yamlVars({ A: 'a', B: 'b' }) });
    const planned = plannedJob(planPipeline(config, context()), 'job');
    expect(variableValue(planned, 'A')).toBeUndefined();
    expect(variableValue(planned, 'B')).toBe('b');
  });
});

describe('variable attributes', () => {
  it('marks YAML and predefined variables public and user variables not, keeping masked/file', () => {
    const config = pipelineConfig([job('job', { variables: yamlVars({ Y: 'y' }) })]);
    const ctx = context({ userVariables: { SECRET: { value: 's3cr3t-value', masked: true }, KUBECONFIG: { value: 'cfg', file: true } } });
    const planned = plannedJob(planPipeline(config, ctx), 'job');
    const find = (key: string) => planned.variables.find((v) => v.key === key);
    expect(find('Y')).toMatchObject({ public: true, masked: false, file: false, raw: false });
    expect(find('CI_JOB_NAME')).toMatchObject({ public: true });
    expect(find('SECRET')).toMatchObject({ public: false, masked: true, file: false });
    expect(find('KUBECONFIG')).toMatchObject({ public: false, file: true });
  });

  it('keeps expand: false variables raw and unexpanded', () => {
    const config = pipelineConfig([
      job('job', { variables: { RAW: { value: '$HOME/$A', expand: false }, A: { value: 'a', expand: true } } }),
    ]);
    const raw = plannedJob(planPipeline(config, context()), 'job').variables.find((v) => v.key === 'RAW');
    expect(raw).toMatchObject({ value: '$HOME/$A', raw: true });
  });
});

describe('nested expansion', () => {
  it('expands references between variables, keeping unknown ones for the runner', () => {
    const config = pipelineConfig([job('job', { variables: yamlVars({ URL: 'https://$HOST/$PATH_PART', PATH_PART: 'api/$CI_COMMIT_REF_NAME' }) })], {
      variables: yamlVars({ HOST: 'example.com', DIR: '$RUNNER_SIDE/x' }),
    });
    const planned = plannedJob(planPipeline(config, context()), 'job');
    expect(variableValue(planned, 'URL')).toBe('https://example.com/api/main');
    expect(variableValue(planned, 'DIR')).toBe('$RUNNER_SIDE/x');
  });
});

describe('nested expansion across global and job variables', () => {
  const globals = yamlVars({ A: '$B-$CI_JOB_NAME', B: 'global-b', C: 'c=$D' });

  it('expands global values with the job own definitions of the names they reference', () => {
    const config = pipelineConfig(
      [job('one', { variables: yamlVars({ B: 'job-b', D: 'job-d' }) }), job('two')],
      { variables: globals },
    );
    const plan = planPipeline(config, context());
    expect(variableValue(plannedJob(plan, 'one'), 'A')).toBe('job-b-one');
    expect(variableValue(plannedJob(plan, 'one'), 'C')).toBe('c=job-d');
    expect(variableValue(plannedJob(plan, 'two'), 'A')).toBe('global-b-two');
    expect(variableValue(plannedJob(plan, 'two'), 'C')).toBe('c=$D');
  });

  it('lets a user variable win over the job definition inside expanded values', () => {
    const config = pipelineConfig([job('one', { variables: yamlVars({ B: 'job-b' }) })], { variables: globals });
    const plan = planPipeline(config, context({ userVariables: { B: { value: 'user-b' } } }));
    expect(variableValue(plannedJob(plan, 'one'), 'A')).toBe('user-b-one');
  });

  it('leaves references to raw and file variables for the runner', () => {
    const config = pipelineConfig([job('one', { variables: { R: { value: 'raw', expand: false } } })], {
      variables: yamlVars({ USES_RAW: 'x-$R', USES_FILE: 'y-$CONFIG_FILE' }),
    });
    const plan = planPipeline(config, context({ userVariables: { CONFIG_FILE: { value: 'data', file: true } } }));
    expect(variableValue(plannedJob(plan, 'one'), 'USES_RAW')).toBe('x-$R');
    expect(variableValue(plannedJob(plan, 'one'), 'USES_FILE')).toBe('y-$CONFIG_FILE');
  });

  it('fails pipeline creation on a reference cycle, naming the job', () => {
    const config = pipelineConfig([job('cyclic')], { variables: yamlVars({ X: '$Y', Y: '$X' }) });
    expect(() => planPipeline(config, context())).toThrow(ConfigError);
    expect(() => planPipeline(config, context())).toThrow('cyclic: circular variable reference detected');
  });

  it('has no cycle in a job that redefines one of the names', () => {
    const config = pipelineConfig([job('fixed', { variables: yamlVars({ Y: 'y' }) })], {
      variables: yamlVars({ X: '$Y', Y: '$X' }),
    });
    expect(variableValue(plannedJob(planPipeline(config, context()), 'fixed'), 'X')).toBe('y');
  });
});
