// Planning at scale: a 1,000-job configuration (matrix jobs, needs, rules, globals) plans completely and
// correctly. How fast is a benchmark's question (bench/run.js, 1,000-job list), not a timed test's:
// timings on a shared machine measure the neighbours too.
import { describe, expect, it } from 'vitest';
import type { JobDefinition } from '../../src/model/config.js';
import { planPipeline } from '../../src/planner/index.js';
import { context, job, pipelineConfig, yamlVars } from './plan-builders.js';

function largeConfig(): JobDefinition[] {
  const jobs: JobDefinition[] = [];
  for (let i = 0; i < 200; i++) {
    jobs.push(job(`build-${i}`, { stage: 'build', variables: yamlVars({ MODULE: `m${i}`, OUT: 'out/$MODULE' }) }));
  }
  for (let i = 0; i < 100; i++) {
    jobs.push(
      job(`test-${i}`, {
        stage: 'test',
        needs: [{ job: `build-${i}`, artifacts: true, optional: false }],
        parallel: { kind: 'matrix', matrix: [{ NODE: ['18', '20', '22'], OS: ['linux', 'mac'] }] },
        rules: [{ if: '$CI_PIPELINE_SOURCE == "push" && $NODE != "16"', changes: { paths: ['src/**/*.ts'] } }],
        tags: ['$OS'],
      }),
    );
  }
  for (let i = 0; i < 200; i++) {
    jobs.push(job(`deploy-${i}`, { stage: 'deploy', environment: { name: 'env/$CI_COMMIT_REF_SLUG' } }));
  }
  return jobs;
}

describe('planner at scale', () => {
  it('plans 1,000 concrete jobs with their matrix names, needs and expanded tags', () => {
    const config = pipelineConfig(largeConfig(), {
      variables: yamlVars(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`GLOBAL_${i}`, `value-$CI_COMMIT_SHA-${i}`]))),
    });
    const files = Array.from({ length: 2000 }, (_, i) => `src/dir${i % 50}/file${i}.ts`);
    const ctx = context({ changedFiles: files.slice(0, 40), files });
    const plan = planPipeline(config, ctx);
    expect(plan.jobs).toHaveLength(1000);
    const matrixJob = plan.jobs.find((j) => j.name === 'test-7: [20, mac]');
    expect(matrixJob?.needs).toEqual([{ job: 'build-7', artifacts: true }]);
    expect(matrixJob?.tags).toEqual(['mac']);
    expect(plan.jobs.filter((j) => j.baseName === 'test-99')).toHaveLength(6);
    expect(plan.stages).toEqual(['build', 'test', 'deploy']);
  });
});
