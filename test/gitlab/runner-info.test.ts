// The features a runner advertises decide which jobs GitLab hands it: each executor claims exactly
// what glci does on it (GitLab Runner's lists, minus what glci lacks).
import { describe, expect, it } from 'vitest';
import { runnerInfo } from '../../src/gitlab/runner-info.js';

const features = (executor: string) => runnerInfo({ version: '1.2.3', executor }).features;

describe('runnerInfo features', () => {
  it('claims the network layer\'s and the shell script\'s features on every executor', () => {
    for (const executor of ['shell', 'docker', 'kubernetes']) {
      expect(features(executor)).toMatchObject({ two_phase_job_commit: true, trace_checksum: true, cancel_gracefully: true, artifacts: true, cache: true, masking: true, return_exit_code: true });
    }
  });

  it('claims images and services on the container executors only, shared builds on shell', () => {
    expect(features('shell')).toMatchObject({ image: false, services: false, shared: true });
    expect(features('docker')).toMatchObject({ image: true, services: true, service_multiple_aliases: true, shared: false });
    expect(features('kubernetes')).toMatchObject({ image: true, services: true, shared: false });
  });

  it('claims image executor options where they are applied (docker: platform and user; kubernetes: user), and nothing glci lacks', () => {
    expect(features('docker').image_executor_opts).toBe(true);
    expect(features('kubernetes').image_executor_opts).toBe(true);
    expect(features('shell').image_executor_opts).toBe(false);
    for (const executor of ['shell', 'docker', 'kubernetes']) {
      expect(features(executor)).toMatchObject({ service_executor_opts: false, session: false, terminal: false, vault_secrets: false, job_inputs: false, native_steps_integration: false });
    }
  });
});
