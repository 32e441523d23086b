// The planner's optional trace (planner/trace.ts), which `glci explain` is built from: it records what
// the evaluation did, and planning with it gives exactly the plan planning without it gives.
import { describe, expect, it } from 'vitest';
import { PlanTrace, planPipeline } from '../../src/planner/index.js';
import { mergeVariableLayers } from '../../src/variables/index.js';
import { context, job, pipelineConfig, plannedJob, yamlVars } from './plan-builders.js';

function config() {
  return pipelineConfig(
    [
      job('build', { stage: 'build', parallel: { kind: 'count', total: 2 } }),
      job('deploy', {
        stage: 'deploy',
        variables: yamlVars({ TARGET: 'job', OUT: 'out/$TARGET' }),
        rules: [
          { if: '$CI_COMMIT_TAG' },
          { if: '$CI_COMMIT_BRANCH == "main"', changes: { paths: ['src/**'] }, when: 'manual', variables: { TARGET: 'rule' } },
          { when: 'never' },
        ],
        needs: [
          { job: 'build', artifacts: true, optional: false },
          { job: 'absent', artifacts: false, optional: true },
        ],
      }),
      job('absent', { rules: [{ if: '$NEVER' }] }),
      job('legacy', { only: { variables: ['$A == "1"', '$B'] }, except: { refs: ['tags'] } }),
    ],
    {
      variables: yamlVars({ TARGET: 'global', G: 'g' }),
      workflow: { rules: [{ if: '$CI_PIPELINE_SOURCE == "web"', when: 'never' }, { variables: { TARGET: 'workflow', W: 'w' } }] },
    },
  );
}

describe('planner trace', () => {
  const ctx = context({ changedFiles: ['src/a.ts'], userVariables: { TARGET: { value: 'user' }, B: { value: 'yes' } } });

  it('changes nothing in the plan', () => {
    const trace = new PlanTrace(['deploy', 'legacy', 'build 1/2']);
    expect(planPipeline(config(), ctx, trace)).toEqual(planPipeline(config(), ctx));
  });

  it('records each workflow rule evaluated, with the variables its if read', () => {
    const trace = new PlanTrace([]);
    planPipeline(config(), ctx, trace);
    expect([...trace.workflow.evaluated.keys()]).toEqual([0, 1]);
    expect(trace.workflow.evaluated.get(0)?.clauses).toEqual([
      { clause: 'if', expression: '$CI_PIPELINE_SOURCE == "web"', reads: [{ name: 'CI_PIPELINE_SOURCE', value: 'push' }], result: false },
    ]);
    expect(trace.workflow.evaluated.get(1)?.matched).toBe(true);
  });

  it('records job rules up to the deciding one, each clause with its result', () => {
    const trace = new PlanTrace(['deploy']);
    planPipeline(config(), ctx, trace);
    const rules = trace.job('deploy')?.rules;
    expect([...(rules?.evaluated.keys() ?? [])]).toEqual([0, 1]);
    expect(rules?.evaluated.get(0)?.matched).toBe(false);
    expect(rules?.evaluated.get(1)?.clauses).toEqual([
      { clause: 'if', expression: '$CI_COMMIT_BRANCH == "main"', reads: [{ name: 'CI_COMMIT_BRANCH', value: 'main' }], result: true },
      { clause: 'changes', changes: { paths: ['src/**'] }, result: true },
    ]);
  });

  it('records only/except conditions and the entries `some` tried', () => {
    const trace = new PlanTrace(['legacy']);
    planPipeline(config(), ctx, trace);
    const recorded = trace.job('legacy')?.onlyExcept;
    // The implicit refs are deep-merged into an only mapping without refs (§5.15).
    expect(recorded?.only).toEqual({ refs: ['branches', 'tags'], variables: ['$A == "1"', '$B'] });
    expect(recorded?.log.conditions).toEqual([
      { side: 'only', kind: 'refs', satisfied: true, entries: [{ entry: 'branches', result: true }] },
      {
        side: 'only',
        kind: 'variables',
        satisfied: true,
        entries: [
          { entry: '$A == "1"', result: false, reads: [{ name: 'A', value: null }] },
          { entry: '$B', result: true, reads: [{ name: 'B', value: 'yes' }] },
        ],
      },
      { side: 'except', kind: 'refs', satisfied: false, entries: [{ entry: 'tags', result: false }] },
    ]);
  });

  it('records each need with its concrete targets, present or not', () => {
    const trace = new PlanTrace(['deploy']);
    planPipeline(config(), ctx, trace);
    expect(trace.job('deploy')?.needs).toEqual([
      { need: { job: 'build', artifacts: true, optional: false }, targets: [{ job: 'build 1/2', present: true }, { job: 'build 2/2', present: true }] },
      { need: { job: 'absent', artifacts: false, optional: true }, targets: [{ job: 'absent', present: false }] },
    ]);
  });

  it('records the variable layers, which merge to the planned variables, in precedence order', () => {
    const trace = new PlanTrace(['deploy']);
    const plan = planPipeline(config(), ctx, trace);
    const layers = trace.job('deploy')?.layers ?? [];
    expect(layers.map((l) => l.layer)).toEqual(['predefined', 'predefined', 'global', 'workflow', 'job', 'matrix', 'rules', 'user']);
    const byLayer = (name: string) => layers.find((l) => l.layer === name)?.variables.map((v) => `${v.key}=${v.value}`);
    expect(byLayer('global')).toEqual(['TARGET=global', 'G=g']);
    expect(byLayer('workflow')).toEqual(['TARGET=workflow', 'W=w']);
    expect(byLayer('rules')).toEqual(['TARGET=rule']);
    const merged = mergeVariableLayers(layers.map((l) => [...l.variables]));
    const planned = plannedJob(plan, 'deploy').variables;
    expect(merged.map((v) => v.key)).toEqual(planned.map((v) => v.key));
    expect(planned.find((v) => v.key === 'TARGET')?.value).toBe('user');
  });

  it('records nothing for jobs it was not asked about', () => {
    const trace = new PlanTrace(['deploy']);
    planPipeline(config(), ctx, trace);
    expect(trace.job('legacy')).toBeUndefined();
  });
});
