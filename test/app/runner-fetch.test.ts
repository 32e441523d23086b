// The URL the runner's git fetches from: repo_url, or with `clone_url` that base, the project's path
// and the job token, as GitLab Runner's GetRemoteURL builds it.
import { describe, expect, it } from 'vitest';
import { remoteUrlOf } from '../../src/app/runner-fetch.js';
import type { JobPayload } from '../../src/model/job-payload.js';

const payload = {
  token: 'glcbt-64_secret',
  job_info: { name: 'test', stage: 'test', project_id: 7, project_full_path: 'group/sub/app' },
  git_info: { repo_url: 'https://gitlab-ci-token:glcbt-64_secret@gitlab.example.com/group/sub/app.git', ref: 'main', sha: 'a'.repeat(40), ref_type: 'branch', depth: 20 },
} as unknown as JobPayload;

describe('remoteUrlOf', () => {
  it('is repo_url without clone_url, or with one git cannot use', () => {
    expect(remoteUrlOf(payload, undefined)).toBe(payload.git_info.repo_url);
    expect(remoteUrlOf(payload, 'mirror.internal')).toBe(payload.git_info.repo_url);
  });

  it('puts the project path and the job token on clone_url, keeping its own path', () => {
    expect(remoteUrlOf(payload, 'http://10.0.0.5:8080')).toBe('http://gitlab-ci-token:glcbt-64_secret@10.0.0.5:8080/group/sub/app.git');
    expect(remoteUrlOf(payload, 'https://proxy.internal/gitlab/')).toBe('https://gitlab-ci-token:glcbt-64_secret@proxy.internal/gitlab/group/sub/app.git');
  });
});
