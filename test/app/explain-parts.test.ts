// The pure parts of `glci explain`'s use case: which jobs a name means, variable origins from the
// planner's layers (the user layer split back by source), and masking of the whole explanation.
import { describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/model/explanation.js';
import type { JobVariable } from '../../src/model/plan.js';
import { maskExplanation } from '../../src/app/explain-mask.js';
import { closeNames, resolveTargets } from '../../src/app/explain-target.js';
import { explainVariables, sourcedLayers } from '../../src/app/explain-variables.js';
import type { UserVariableLayer } from '../../src/app/user-variables.js';
import { UsageError } from '../../src/errors.js';
import { job } from '../planner/plan-builders.js';

const v = (key: string, value: string, extra: Partial<JobVariable> = {}): JobVariable => ({ key, value, public: true, masked: false, file: false, raw: false, ...extra });

describe('explain targets', () => {
  const test = job('test');
  const jobs = [
    { name: 'build', definition: job('build'), matrix: null },
    { name: 'test: [a]', definition: test, matrix: { X: 'a' } },
    { name: 'test: [b]', definition: test, matrix: { X: 'b' } },
  ];

  it('takes an exact concrete name, else every instance of a definition', () => {
    expect(resolveTargets('test: [b]', jobs).map((j) => j.name)).toEqual(['test: [b]']);
    expect(resolveTargets('test', jobs).map((j) => j.name)).toEqual(['test: [a]', 'test: [b]']);
  });

  it('refuses an unknown name with a usage error naming close names', () => {
    expect(() => resolveTargets('biuld', jobs)).toThrow(UsageError);
    try {
      resolveTargets('biuld', jobs);
    } catch (err) {
      expect((err as UsageError).hint).toBe('did you mean "build"?');
    }
    expect(closeNames('tset', ['test', 'test: [a]', 'deploy'])).toEqual(['test']);
    expect(closeNames('unit', ['unit-test', 'lint'])).toEqual(['unit-test', 'lint']);
  });
});

describe('explain variables', () => {
  const planner = [
    { layer: 'predefined' as const, variables: [v('CI_JOB_NAME', 'deploy')] },
    { layer: 'global' as const, variables: [v('LEVEL', 'global'), v('OUT', 'out/$LEVEL')] },
    { layer: 'job' as const, variables: [v('LEVEL', 'job')] },
    { layer: 'user' as const, variables: [v('LEVEL', 'cli', { public: false }), v('TOKEN', 'abc', { public: false, masked: true })] },
  ];
  const user: UserVariableLayer[] = [
    { origin: '~/.glci/variables.yml', variables: { TOKEN: { value: 'abc', masked: true }, LEVEL: { value: 'home' } } },
    { origin: '--variable', variables: { LEVEL: { value: 'cli' } } },
  ];
  const merged = { TOKEN: { value: 'abc', masked: true }, LEVEL: { value: 'cli' } };

  it('splits the user layer by the source each value came from, lowest first', () => {
    const layers = sourcedLayers({ planner, runner: null, user, merged });
    expect(layers.map((l) => l.origin)).toEqual([
      { layer: 'predefined' },
      { layer: 'global' },
      { layer: 'job' },
      { layer: 'user', source: '~/.glci/variables.yml' },
      { layer: 'user', source: '--variable' },
    ]);
  });

  it('keeps the planner user layer whole when the sources do not add up to it', () => {
    const layers = sourcedLayers({ planner, runner: null, user: user.slice(0, 1), merged });
    expect(layers.at(-1)?.origin).toEqual({ layer: 'user' });
  });

  it('gives each key its final value, the winning origin and every shadowed definition', () => {
    const runner = { origin: { layer: 'runner' as const, source: 'runner "r"' }, variables: [v('LEVEL', 'runner')] };
    const layers = sourcedLayers({ planner, runner, user, merged });
    const received = [v('LEVEL', 'runner'), v('CI_JOB_NAME', 'deploy'), v('LEVEL', 'cli'), v('OUT', 'out/cli'), v('TOKEN', 'abc', { masked: true })];
    const result = explainVariables(received, layers, [{ job: 'build', keys: ['OUT', 'LEVEL', 'NEW'], pipelineId: 1 }]);
    expect(result.map((r) => r.key)).toEqual(['LEVEL', 'CI_JOB_NAME', 'OUT', 'TOKEN', 'NEW']);
    expect(result[0]).toEqual({
      key: 'LEVEL',
      value: 'cli',
      origin: { layer: 'user', source: '--variable' },
      masked: false,
      file: false,
      raw: false,
      shadowed: [
        { layer: 'user', source: '~/.glci/variables.yml', value: 'home' },
        { layer: 'job', value: 'job' },
        { layer: 'global', value: 'global' },
        { layer: 'runner', source: 'runner "r"', value: 'runner' },
      ],
    });
    // A dotenv report does not override a user variable, but overrides YAML ones (§7.1).
    expect(result[0]?.dotenvFrom).toBeUndefined();
    expect(result[2]).toMatchObject({ value: 'out/cli', written: 'out/$LEVEL', origin: { layer: 'global' }, dotenvFrom: ['build'] });
    expect(result[3]).toMatchObject({ value: '[MASKED]', masked: true });
    expect(result[4]).toMatchObject({ value: null, origin: { layer: 'dotenv', source: 'build' } });
  });
});

describe('explain masking', () => {
  it('masks secrets in every string and values of masked variables read by rules', () => {
    const explanation = {
      query: 'x',
      pipeline: { created: false, notCreatedReason: 'rule for x: token s3cr3t-v4lue', workflow: null, name: null },
      jobs: [{ reads: [{ name: 'SHORT', value: 'ab' }, { name: 'OTHER', value: 'ab' }], text: 'prefix-s3cr3t-v4lue' }],
    } as unknown as Explanation;
    const masked = maskExplanation(explanation, ['s3cr3t-v4lue'], new Set(['SHORT'])) as unknown as {
      pipeline: { notCreatedReason: string };
      jobs: { reads: unknown[]; text: string }[];
    };
    expect(masked.pipeline.notCreatedReason).toBe('rule for x: token [MASKED]');
    expect(masked.jobs[0]?.reads).toEqual([{ name: 'SHORT', value: '[MASKED]' }, { name: 'OTHER', value: 'ab' }]);
    expect(masked.jobs[0]?.text).toBe('prefix-[MASKED]');
  });
});
