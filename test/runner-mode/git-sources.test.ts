// The runner fetches a job's sources as GitLab Runner does: over git's HTTP protocol from the
// coordinator (the double serves the project, allowing only `gitlab-ci-token:<job token>`), with the
// job token in the clone URL and never in the trace; the next job of the project fetches into the same
// checkout; a job with GIT_DEPTH 1 gets a shallow one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';
import { commitToFixtureRepository, gitHttpHandler, makeFixtureRepository } from '../support/coordinator/git-http.js';
import { startRunner, steps, variable, type RunnerUnderTest } from './harness.js';

let coordinator: Coordinator;
let runner: RunnerUnderTest;
/** Git requests still to refuse (401), as a GitLab having a bad moment. */
let refusals = 0;
const repoDir = join(mkdtempSync(join(tmpdir(), 'glci-git-sources-')), 'project');
let first = '';
let tip = '';

beforeAll(async () => {
  first = makeFixtureRepository(repoDir, { 'README.md': 'over git http\n' });
  const tokens = () => new Set([...coordinator.jobs.values()].map((job) => job.payload.token));
  coordinator = await startCoordinator({
    longPollMs: 1_000,
    extraRoutes: gitHttpHandler({ projectPath: 'group/project', repoDir, validToken: (token) => (refusals > 0 ? (refusals--, false) : tokens().has(token)) }),
  });
  runner = await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell' });
});

afterAll(async () => {
  await runner?.stop();
  await coordinator?.close();
});

function job(sha: string, extra: ReturnType<typeof variable>[] = []) {
  return {
    allow_git_fetch: true,
    job_info: { project_full_path: 'group/project' },
    git_info: { repo_url: `${coordinator.url.replace('http://', 'http://gitlab-ci-token:JOB_TOKEN@')}/group/project.git`, sha, ref: 'main', ref_type: 'branch', depth: 20, refspecs: ['+refs/heads/main:refs/remotes/origin/main'] },
    variables: [variable('CI_JOB_TOKEN', 'JOB_TOKEN', { masked: true }), ...extra],
    steps: steps(['cat README.md', 'git log --oneline | wc -l', 'git remote -v | head -1 | sed "s/:[^:@]*@/:<hidden>@/"']),
  };
}

describe('runner mode, sources over git HTTP', () => {
  it('clones with the job token, never printing it, then fetches into the same checkout', async () => {
    const one = await coordinator.waitForJobFinished(coordinator.enqueue(job(first)), 60_000);
    const text = one.trace.toString();
    expect(one.state, text).toBe('success');
    expect(text).toContain('Fetching changes with git depth set to 20...');
    expect(text).toContain('Created fresh repository.');
    expect(text).toContain(`Checking out ${first.slice(0, 8)} as detached HEAD (ref is main)...`);
    expect(text).toContain('over git http');
    expect(text).not.toContain(one.payload.token);

    const second = (tip = commitToFixtureRepository(repoDir, { 'README.md': 'second commit\n' }));
    const two = await coordinator.waitForJobFinished(coordinator.enqueue(job(second)), 60_000);
    const again = two.trace.toString();
    expect(again).toContain('Reinitialized existing Git repository');
    expect(again).toContain('second commit');
    expect(again).not.toContain(two.payload.token);
  });

  it('honours GIT_DEPTH', async () => {
    const record = await coordinator.waitForJobFinished(coordinator.enqueue(job(tip, [variable('GIT_DEPTH', '1'), variable('GIT_STRATEGY', 'clone')])), 60_000);
    const text = record.trace.toString();
    expect(text).toContain('git depth set to 1');
    expect(text).toMatch(/wc -l.*\n\s*1\s*\n/s);
  });

  it('fetches again after a failure with GET_SOURCES_ATTEMPTS, and fails after the last attempt without it', async () => {
    refusals = 1;
    const retried = await coordinator.waitForJobFinished(coordinator.enqueue(job(first, [variable('GET_SOURCES_ATTEMPTS', '2')])), 60_000);
    const text = retried.trace.toString();
    expect(retried.state, text).toBe('success');
    expect(text).toMatch(/WARNING: git fetch failed: .*\n.*WARNING: Retrying\.\.\./);
    expect(text).toContain('over git http');
    expect(text).not.toContain(retried.payload.token);

    refusals = 1;
    const failed = await coordinator.waitForJobFinished(coordinator.enqueue(job(first)), 60_000);
    expect(failed.state, failed.trace.toString()).toBe('failed');
    expect(failed.trace.toString()).not.toContain('Retrying...');
  });
});
