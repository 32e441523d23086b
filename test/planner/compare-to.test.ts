// rules:changes:compare_to in the planner (spec §5.14): the diff against the ref replaces the
// pipeline's own, also where the pipeline has none; the ref is expanded; an unknown ref fails pipeline
// creation; a ref the context has no diff for is asked for (MissingComparison).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { MissingComparison, compareToRefs, planPipeline } from '../../src/planner/index.js';
import { context, job, jobNames, pipelineConfig, tagContext, yamlVars } from './plan-builders.js';

const onlyIfChanged = (name: string, paths: string[], compareTo?: string) =>
  job(name, { rules: [{ changes: { paths, ...(compareTo !== undefined ? { compareTo } : {}) } }] });

describe('compare_to', () => {
  const config = pipelineConfig([
    onlyIfChanged('api', ['api/**/*'], 'main'),
    onlyIfChanged('web', ['web/**/*'], 'main'),
    onlyIfChanged('own-diff', ['web/**/*']),
  ]);

  it('uses the diff against the ref, not the pipeline diff', () => {
    const plan = planPipeline(config, context({ changedFiles: ['web/x.html'], compareDiffs: { main: ['api/a.go'] } }));
    expect(jobNames(plan)).toEqual(['api', 'own-diff']);
  });

  it('evaluates in pipelines without a diff too (tags)', () => {
    const plan = planPipeline(config, tagContext({ compareDiffs: { main: ['api/a.go'] } }));
    expect(jobNames(plan)).toEqual(['api', 'own-diff']);
  });

  it('expands variables in the ref with fully expanded values', () => {
    const withVariable = pipelineConfig([onlyIfChanged('api', ['api/**/*'], '$BASE')], { variables: yamlVars({ BASE: '$TARGET', TARGET: 'develop' }) });
    expect(jobNames(planPipeline(withVariable, context({ compareDiffs: { develop: ['api/a.go'] } })))).toEqual(['api']);
    let asked: unknown;
    try {
      planPipeline(withVariable, context({ compareDiffs: {} }));
    } catch (error) {
      asked = error;
    }
    expect(asked).toBeInstanceOf(MissingComparison);
    expect((asked as MissingComparison).ref).toBe('develop');
  });

  it('fails pipeline creation for a ref that does not resolve', () => {
    expect(() => planPipeline(config, context({ compareDiffs: { main: null } }))).toThrow(ConfigError);
    expect(() => planPipeline(config, context({ compareDiffs: { main: null } }))).toThrow('Failed to parse rule for api: rules:changes:compare_to is not a valid ref');
  });

  it('falls back to the pipeline diff when the context carries no comparisons at all', () => {
    expect(jobNames(planPipeline(config, context({ changedFiles: ['web/x.html'] })))).toEqual(['web', 'own-diff']);
  });

  it('lists the refs of workflow and job rules once each', () => {
    const both = pipelineConfig([onlyIfChanged('a', ['x'], 'main'), onlyIfChanged('b', ['x'], '$REF'), onlyIfChanged('c', ['x'], 'main')], {
      workflow: { rules: [{ changes: { paths: ['y'], compareTo: 'refs/heads/release' } }] },
    });
    expect(compareToRefs(both)).toEqual(['refs/heads/release', 'main', '$REF']);
  });
});

describe('only/except refs for every source', () => {
  it('match the source name or its plural (security_orchestration_policy → policies)', () => {
    const config = pipelineConfig([job('policy', { only: { refs: ['security_orchestration_policies'] } }), job('scan', { only: { refs: ['ondemand_dast_scans'] } })]);
    expect(jobNames(planPipeline(config, context({ source: 'security_orchestration_policy' })))).toEqual(['policy']);
    expect(jobNames(planPipeline(config, context({ source: 'ondemand_dast_scan' })))).toEqual(['scan']);
  });
});
