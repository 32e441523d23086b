// Artifacts and dotenv reports across jobs (gitlab-ci-yaml.md §5.17, §9.1, §9.2). The consumer jobs of
// the fixture `test` for exactly the files GitLab would hand them, so each consumer passing is the
// assertion; the run must also leave the user's checkout as it was.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  archivePaths,
  archiveText,
  createRunProject,
  describeRun,
  jobLines,
  jobLog,
  jobResult,
  leftoverBuildDirs,
  runGlci,
  snapshotTree,
  storedArtifacts,
  type GlciRun,
  type RunProject,
  type StoredArtifacts,
} from './run-support.js';

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

describe('glci run: artifacts options (untracked, name, expire_in, ** globs, when, junit, invalid dotenv)', () => {
  let project: RunProject;
  let before: Record<string, string>;
  let run: GlciRun;
  let stored: Map<string, StoredArtifacts>;
  const storedFor = (job: string): StoredArtifacts => {
    const found = stored.get(job);
    if (!found) throw new Error(`no stored artifacts for ${job}: ${[...stored.keys()].join(', ')}`);
    return found;
  };
  beforeAll(async () => {
    project = await createRunProject('artifacts-options');
    before = snapshotTree(project.dir);
    run = await runGlci(project, ['--json', '--concurrency', '4', '--variable', 'MARK=m42']);
    stored = storedArtifacts(project.stateDir);
  });
  afterAll(() => project.remove());

  it('passes: the only failures are the allowed ones, and every consumer received what GitLab hands it', () => {
    expect(run.exitCode, describeRun(run)).toBe(0);
    for (const job of ['failed-on-failure', 'failed-with-report']) {
      expect(jobResult(run.events, job)).toMatchObject({ status: 'failed', allowedToFail: true, exitCode: 1 });
    }
    for (const job of ['check-untracked', 'check-globs', 'check-failures', 'check-dotenv']) {
      expect(jobResult(run.events, job).status, jobLog(run.events, job)).toBe('success');
    }
  });

  it('untracked: true takes the files the job created (ignored ones too), not the files of the checkout', () => {
    // §5.17 "adds all untracked files (ignores .gitignore)"; runner-behavior.md §7.2 `git ls-files -o`:
    // kept.txt is tracked (changed by the job, still not untracked), build.ignored matches .gitignore.
    expect(archivePaths(join(storedFor('untracked').dir, 'artifacts.tar'))).toEqual(['build.ignored', 'made/by-job.txt']);
  });

  it('records the runner-expanded name and expire_in as written, and the producer\'s job id', () => {
    const untracked = storedFor('untracked');
    expect(untracked).toMatchObject({ name: 'pkg-untracked-m42', expireIn: '2 days' });
    // §5.17: `name` defaults to `artifacts`; no expire_in = the instance default (recorded as unset).
    expect(storedFor('globs')).toMatchObject({ name: 'artifacts', expireIn: null });
    // runner-behavior.md §7.4: `Downloading artifacts for <name> (<id>)...` with the producer's job id.
    const id = jobLines(run.events, 'untracked').find((l) => l.startsWith('job-id='))?.slice('job-id='.length);
    expect(id).toMatch(/^\d+$/);
    expect(untracked.jobId).toBe(Number(id));
    expect(jobLines(run.events, 'check-untracked')).toContain(`Downloading artifacts for untracked (${id})...`);
  });

  it('matches ** globs at any depth (zero directories included), recursively', () => {
    expect(archivePaths(join(storedFor('globs').dir, 'artifacts.tar'))).toEqual([
      'a/root.log',
      'a/x/nested.log',
      'a/x/y/deep.txt',
      'b/z/deep.txt',
      'deep.txt',
    ]);
  });

  it('stores the archive of a failed job with when: on_failure, not with the default when', () => {
    expect(storedFor('failed-on-failure').archiveEntries).toBe(1);
    expect(archivePaths(join(storedFor('failed-on-failure').dir, 'artifacts.tar'))).toEqual(['failure-evidence.txt']);
    expect(storedFor('failed-with-report').archiveEntries).toBeNull();
    expect(existsSync(join(storedFor('failed-with-report').dir, 'artifacts.tar'))).toBe(false);
    expect(jobLines(run.events, 'failed-on-failure')).toContain('Uploading artifacts for failed job');
  });

  it('keeps junit reports of failed jobs, whatever artifacts:when says (§5.17: reports are always uploaded)', () => {
    const onFailure = storedFor('failed-on-failure');
    expect(onFailure.reports).toEqual({ junit: ['reports/junit-a.xml'] });
    expect(archiveText(join(onFailure.dir, 'reports', 'junit.tar'))).toBe('<testsuite name="on-failure" tests="1" failures="1"/>\n');
    const reportOnly = storedFor('failed-with-report');
    expect(reportOnly.reports).toEqual({ junit: ['reports/junit-b.xml'] });
    expect(archiveText(join(reportOnly.dir, 'reports', 'junit.tar'))).toBe('<testsuite name="report-only" tests="2" failures="1"/>\n');
  });

  it('a dotenv report with an empty line is invalid: no variable is passed on, the producer keeps its status (§9.1)', () => {
    expect(jobResult(run.events, 'dotenv-blank-line').status).toBe('success');
    expect(storedFor('dotenv-blank-line').dotenv).toEqual({ variables: [], errors: ['Invalid Format'] });
    expect(storedFor('dotenv-valid').dotenv).toEqual({ variables: [{ key: 'THIRD_VAR', value: 'three' }], errors: [] });
  });

  it('writes nothing into the user\'s checkout and removes the build folders', () => {
    expect(snapshotTree(project.dir)).toEqual(before);
    expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
  });
});
