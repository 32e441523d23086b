// Which jobs a `glci run --watch` cycle runs. The cycle plans with changedFiles = the changed paths,
// which is what GitLab sees on a push of those changes: jobs with rules:changes (or only:changes) run
// when a changed path matches, jobs without such a clause run on every push, so on every cycle.
// Named jobs (`glci run alpha --watch`) that this cycle's rules leave out are skipped, not an error.
import { describe, expect, it } from 'vitest';
import { planPipeline } from '../../src/planner/index.js';
import { describeCycle, selectForCycle } from '../../src/app/watch-selection.js';
import { UsageError } from '../../src/errors.js';
import { context, job, pipelineConfig } from '../planner/plan-builders.js';

const config = pipelineConfig([
  job('alpha', { rules: [{ changes: { paths: ['alpha/**/*'] } }] }),
  job('beta', { rules: [{ changes: { paths: ['beta/**/*'] } }] }),
  job('docs', { only: { changes: ['docs/*'] } }),
  job('always'),
  job('on-branch', { rules: [{ if: '$CI_COMMIT_BRANCH' }] }),
]);

const cycleJobs = (changed: string[] | null, names: string[] = [], source: 'push' | 'schedule' = 'push') => {
  const selected = selectForCycle(planPipeline(config, context({ changedFiles: changed, source })), names, false);
  return selected?.plan.jobs.map((j) => j.name) ?? null;
};

describe('a watch cycle on a push of the changed files', () => {
  it('runs the jobs whose changes match, and every job without a changes clause', () => {
    expect(cycleJobs(['alpha/src/main.ts'])).toEqual(['alpha', 'always', 'on-branch']);
    expect(cycleJobs(['beta/x', 'docs/guide.md'])).toEqual(['beta', 'docs', 'always', 'on-branch']);
    expect(cycleJobs(['README.md'])).toEqual(['always', 'on-branch']);
  });

  it('runs everything on the first cycle (no diff) and when the source has no diff (GitLab: changes is true)', () => {
    expect(cycleJobs(null)).toEqual(['alpha', 'beta', 'docs', 'always', 'on-branch']);
    expect(cycleJobs(['README.md'], [], 'schedule')).toEqual(['alpha', 'beta', 'docs', 'always', 'on-branch']);
  });

  it('skips named jobs the rules leave out, and runs nothing when none is left', () => {
    expect(cycleJobs(['alpha/a'], ['alpha', 'beta'])).toEqual(['alpha']);
    expect(cycleJobs(['README.md'], ['alpha', 'beta'])).toBeNull();
  });

  it('still rejects a name no job has', () => {
    expect(() => cycleJobs(['alpha/a'], ['nope'])).toThrow(UsageError);
  });

  it('says in one line what changed and what runs', () => {
    expect(describeCycle(undefined, ['a', 'b'])).toBe('watch: first run; running a, b');
    expect(describeCycle(['x.txt'], [])).toBe('watch: changed x.txt; no job to run');
    expect(describeCycle(['1', '2', '3', '4', '5', '6', '7'], ['j'])).toBe('watch: changed 1, 2, 3, 4, 5 and 2 more; running j');
  });
});
