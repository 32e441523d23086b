// The failure_reason sent to GitLab: what the payload's features.failure_reasons allows, else GitLab
// Runner's mapping (runner-behavior.md §8.6).
import { describe, expect, it } from 'vitest';
import { ALWAYS_ACCEPTED, gitlabFailureReason } from '../../src/gitlab/failure-reason.js';

const MODERN = ['script_failure', 'runner_system_failure', 'job_execution_timeout', 'image_pull_failure', 'unknown_failure', 'runner_configuration_error', 'runner_external_dependency_failure', 'runner_interrupted'];

describe('gitlabFailureReason', () => {
  it('always passes script_failure, runner_system_failure and job_execution_timeout', () => {
    for (const reason of ALWAYS_ACCEPTED) {
      expect(gitlabFailureReason(reason as 'script_failure', undefined)).toBe(reason);
      expect(gitlabFailureReason(reason as 'script_failure', [])).toBe(reason);
    }
  });

  it('passes a reason GitLab lists', () => {
    expect(gitlabFailureReason('image_pull_failure', MODERN)).toBe('image_pull_failure');
    expect(gitlabFailureReason('runner_configuration_error', MODERN)).toBe('runner_configuration_error');
    expect(gitlabFailureReason('unknown_failure', MODERN)).toBe('unknown_failure');
    expect(gitlabFailureReason('missing_dependency_failure', ['missing_dependency_failure'])).toBe('missing_dependency_failure');
  });

  it("maps what an older GitLab does not list the way GitLab Runner does", () => {
    const old = ['script_failure', 'runner_system_failure', 'job_execution_timeout'];
    expect(gitlabFailureReason('image_pull_failure', old)).toBe('runner_system_failure');
    expect(gitlabFailureReason('runner_configuration_error', old)).toBe('script_failure');
    expect(gitlabFailureReason('runner_external_dependency_failure', old)).toBe('runner_system_failure');
    expect(gitlabFailureReason('runner_interrupted', old)).toBe('unknown_failure');
    expect(gitlabFailureReason('unknown_failure', old)).toBe('unknown_failure');
  });

  it("maps glci's local-mode reasons to the closest runner reason", () => {
    expect(gitlabFailureReason('stuck_or_timeout_failure', MODERN)).toBe('job_execution_timeout');
    expect(gitlabFailureReason('missing_dependency_failure', MODERN)).toBe('runner_system_failure');
    expect(gitlabFailureReason('api_failure', undefined)).toBe('runner_system_failure');
    expect(gitlabFailureReason('unmet_prerequisites', MODERN)).toBe('runner_system_failure');
  });
});
