// Budget: composing a 1,000-job configuration takes well under 100 ms.
import { describe, expect, it } from 'vitest';
import { composePipelineConfig } from '../../../src/config/compose/index.js';
import { resolved } from './fixture.js';

function bigConfig(jobs: number): string {
  const lines = [
    'stages: [build, test, deploy]',
    'variables: {GLOBAL: "1"}',
    'default: {image: "ruby:3.3", before_script: [bundle install], retry: 1, cache: {key: gems, paths: [vendor]}}',
  ];
  for (let i = 0; i < jobs; i++) {
    const stage = ['build', 'test', 'deploy'][i % 3];
    const needs = i >= 3 && stage !== 'build' ? `, needs: [job-${i - (i % 3)}]` : '';
    lines.push(
      `job-${i}: {stage: ${stage}, script: [echo ${i}, make test], variables: {N: ${i}}, tags: [docker],` +
        ` rules: [{if: '$CI_COMMIT_BRANCH == "main"', when: always}, {when: never}],` +
        ` artifacts: {paths: [out/${i}], expire_in: 1 day}${needs}}`,
    );
  }
  return lines.join('\n');
}

describe('performance', () => {
  it('composes 1,000 jobs in well under 100 ms', () => {
    const input = resolved(bigConfig(1000));
    composePipelineConfig(input);
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      const config = composePipelineConfig(input);
      best = Math.min(best, performance.now() - start);
      expect(config.jobs).toHaveLength(1000);
    }
    expect(best).toBeLessThan(100);
  });
});
