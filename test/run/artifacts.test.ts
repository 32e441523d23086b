// Artifacts and dotenv reports across jobs (gitlab-ci-yaml.md §5.17, §9.1, §9.2). The consumer jobs of
// the fixture `test` for exactly the files GitLab would hand them, so each consumer passing is the
// assertion; the run must also leave the user's checkout as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunProject, describeRun, jobLog, jobResult, leftoverBuildDirs, runGlci, snapshotTree, type GlciRun, type RunProject } from './run-support.js';

describe('glci run: artifacts', () => {
  let project: RunProject;
  let before: Record<string, string>;
  let run: GlciRun;
  beforeAll(async () => {
    project = await createRunProject('artifacts');
    before = snapshotTree(project.dir);
    run = await runGlci(project, ['--json', '--concurrency', '4']);
  });
  afterAll(() => project.remove());

  it('passes: the only failures are allowed ones', () => {
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(jobResult(run.events, 'failed-on-failure')).toMatchObject({ status: 'failed', allowedToFail: true });
    expect(jobResult(run.events, 'failed-on-success')).toMatchObject({ status: 'failed', allowedToFail: true });
  });

  it.each([
    ['stage-order', 'artifacts of every earlier-stage job, by paths/exclude/when, and the dotenv variables'],
    ['needs-build', 'only the needed job\'s artifacts and dotenv variables'],
    ['needs-without-artifacts', 'nothing from a need with artifacts: false'],
    ['no-dependencies', 'nothing with dependencies: []'],
    ['only-always', 'only the listed dependency\'s artifacts'],
  ])('%s receives %s', (job) => {
    expect(jobResult(run.events, job).status, jobLog(run.events, job)).toBe('success');
  });

  it('writes nothing into the user\'s checkout and removes the build folders', () => {
    expect(snapshotTree(project.dir)).toEqual(before);
    expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
  });
});
