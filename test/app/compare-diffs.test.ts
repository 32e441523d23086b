// rules:changes:compare_to end to end through listJobs: diffs computed from the repository before
// planning (also for refs only variables spell), an unknown ref as GitLab's rule error, and
// include:rules:changes seeing the pipeline's diff.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { listJobs } from '../../src/app/list-jobs.js';
import { commit, createRepository, type Repository } from './git-repo-support.js';

const CI = `
include:
  - local: src-jobs.yml
    rules:
      - changes: [src/**/*]
  - local: docs-jobs.yml
    rules:
      - changes: [docs/**/*]
workflow:
  rules:
    - when: always
src-since-main:
  rules:
    - changes: { paths: [src/**/*], compare_to: main }
  script: [echo]
docs-since-main:
  rules:
    - changes: { paths: [docs/**/*], compare_to: refs/heads/main }
  script: [echo]
src-since-variable:
  variables: { BASE: main }
  rules:
    - changes: { paths: [src/**/*], compare_to: $BASE }
  script: [echo]
`;

let repo: Repository;

beforeAll(() => {
  repo = createRepository({ ci: CI });
  commit(repo.dir, { 'src-jobs.yml': 'from-src-include:\n  script: [echo]\n', 'docs-jobs.yml': 'from-docs-include:\n  script: [echo]\n' }, 'Included files');
});

afterAll(() => repo.remove());

const names = async (options: Parameters<typeof listJobs>[0]) => (await listJobs(options)).jobs.map((j) => j.name);

describe('compare_to through listJobs', () => {
  it('diffs against the ref from its merge base, also when a job variable names the ref', async () => {
    expect(await names({ cwd: repo.dir, file: '.gitlab-ci.yml' })).toEqual(['from-src-include', 'from-docs-include', 'src-since-main', 'src-since-variable']);
  });

  it('applies to tag pipelines as well, which have no diff of their own', async () => {
    const jobs = await names({ cwd: repo.dir, file: '.gitlab-ci.yml', tag: 'v1' });
    expect(jobs).toEqual(['from-src-include', 'from-docs-include', 'src-since-main', 'src-since-variable']);
  });

  it('include:rules:changes sees the merge request diff', async () => {
    const jobs = await names({ cwd: repo.dir, file: '.gitlab-ci.yml', mergeRequest: true });
    expect(jobs).toEqual(['from-src-include', 'src-since-main', 'src-since-variable']);
  });

  it('fails for a ref that does not exist, naming the job', async () => {
    const broken = createRepository({ ci: 'job:\n  rules:\n    - changes: { paths: [x], compare_to: no-such-branch }\n  script: [echo]\n' });
    try {
      const result = listJobs({ cwd: broken.dir, file: '.gitlab-ci.yml' });
      await expect(result).rejects.toThrow(ConfigError);
      await expect(result).rejects.toThrow('Failed to parse rule for job: rules:changes:compare_to is not a valid ref');
    } finally {
      broken.remove();
    }
  });
});
