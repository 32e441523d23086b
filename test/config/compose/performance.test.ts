// Composition at scale: a 1,000-job configuration composes completely and correctly. How fast is the
// benchmark's question (bench/run.js lists a 1,000-job pipeline), not a timed test's: timings on a
// shared machine measure the neighbours too.
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

describe('composition at scale', () => {
  it('composes 1,000 jobs with their defaults, rules, artifacts and needs', () => {
    const config = composePipelineConfig(resolved(bigConfig(1000)));
    expect(config.jobs).toHaveLength(1000);
    const job = config.jobs.find((j) => j.name === 'job-998');
    expect(job).toMatchObject({ name: 'job-998', stage: 'deploy', tags: ['docker'] });
    expect(job?.image?.name).toBe('ruby:3.3');
    expect(job?.needs?.map((n) => n.job)).toEqual(['job-996']);
    expect(job?.rules).toHaveLength(2);
  });
});
