import { describe, expect, it } from 'vitest';
import { composeFilesKey, filesDigest, gitBlobId } from '../../src/artifacts/cache-key.js';
import { mapJobPayload } from '../../src/gitlab/job-mapper.js';
import { PLACEHOLDER_JOB_TOKEN, payloadsFromPipeline, withJobIdentity } from '../support/coordinator/payload-from-plan.js';

const yaml = `
job:
  script: [make]
  cache:
    - key: { files: [package.json] }
      paths: [node_modules/]
    - key: plain
      unprotect: true
      paths: [a/]
  artifacts:
    reports: { junit: report.xml }
`;

describe('payloadsFromPipeline', () => {
  it('computes key:files as GitLab does and appends the protection suffix unless unprotect', async () => {
    const [first] = await payloadsFromPipeline(yaml, { files: { 'package.json': '{}' }, refProtected: false });
    const digest = filesDigest([gitBlobId(Buffer.from('{}'))]);
    expect(first?.payload.cache?.map((c) => c.key)).toEqual([`${composeFilesKey('0_package', digest)}-non_protected`, 'plain']);
  });

  it('sends reports as their own entries, without an archive entry when there are no paths', async () => {
    const [first] = await payloadsFromPipeline(yaml);
    expect(first?.payload.artifacts).toEqual([{ name: 'junit.gz', untracked: false, paths: ['report.xml'], exclude: [], when: 'always', artifact_type: 'junit', artifact_format: 'gzip', expire_in: '' }]);
    expect(mapJobPayload(first!.payload).job.artifacts?.reports).toEqual({ junit: ['report.xml'] });
  });

  it('keeps job_info.project_id and CI_PROJECT_ID the same', async () => {
    const [first] = await payloadsFromPipeline(yaml, { projectId: 42 });
    expect(first?.payload.job_info.project_id).toBe(42);
    expect(first?.payload.variables.find((v) => v.key === 'CI_PROJECT_ID')?.value).toBe('42');
  });

  it('withJobIdentity sets the id and token everywhere GitLab puts them', async () => {
    const [first] = await payloadsFromPipeline(yaml, { serverUrl: 'http://127.0.0.1:8080' });
    expect(first?.payload.token).toBe(PLACEHOLDER_JOB_TOKEN);
    const payload = withJobIdentity(first!.payload, 77, 'glcbt-64_real');
    expect([payload.id, payload.token, payload.git_info.repo_url]).toEqual([77, 'glcbt-64_real', 'http://gitlab-ci-token:glcbt-64_real@127.0.0.1:8080/group/project.git']);
    const vars = Object.fromEntries(payload.variables.map((v) => [v.key, v.value]));
    expect([vars.CI_JOB_ID, vars.CI_JOB_TOKEN, vars.CI_JOB_URL]).toEqual(['77', 'glcbt-64_real', 'http://127.0.0.1:8080/group/project/-/jobs/77']);
    expect([payload.git_info.repo_url, ...payload.variables.map((v) => v.value)].join('\n')).not.toContain(PLACEHOLDER_JOB_TOKEN);
  });
});
