// A project repository a runner fetches from, and the variables GitLab sends about its commit.
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { committedProject } from '../kube/own-namespace.js';
import { variable } from './harness.js';

export interface FixtureRepository {
  dir: string;
  sha: string;
  /** `file://` clone URL (the runner fetches it as it would GitLab's). */
  url: string;
}

export async function fixtureRepository(files: Record<string, string>): Promise<FixtureRepository> {
  const dir = join(await mkdtemp(join(tmpdir(), 'glci-runner-repo-')), 'group-project');
  await committedProject(dir, files);
  const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
  return { dir, sha, url: `file://${dir}` };
}

/** What GitLab's payload says about the commit: git_info and the CI_COMMIT_* / CI_REPOSITORY_URL variables. */
export function commitOf(repo: FixtureRepository) {
  return {
    git_info: { repo_url: repo.url, sha: repo.sha, ref: 'main', ref_type: 'branch', depth: 20, refspecs: ['+refs/heads/main:refs/remotes/origin/main'] },
    variables: [
      variable('CI_COMMIT_SHA', repo.sha),
      variable('CI_COMMIT_REF_NAME', 'main'),
      variable('CI_COMMIT_BRANCH', 'main'),
      variable('CI_REPOSITORY_URL', repo.url),
      variable('CI_PROJECT_PATH', 'group/project'),
    ],
  };
}
