// The one place the runner-management use cases get a RunnerApi: the HTTP client of gitlab/api is
// imported on first use (register, verify and unregister are rare; no other command should load it),
// and tests hand the use cases a factory of fakes instead.
import type { RunnerApi, RunnerApiOptions } from '../gitlab/api/runner-api.js';

export type RunnerApiFactory = (options: RunnerApiOptions) => RunnerApi;

/** GitLab Runner's User-Agent shape, naming glci as the branch. */
export function runnerUserAgent(version: string): string {
  return `gitlab-runner ${version} (glci; node ${process.version}; ${process.platform}/${process.arch})`;
}

/** The real client factory, loaded lazily. */
export async function loadRunnerApiFactory(): Promise<RunnerApiFactory> {
  const { createRunnerApi } = await import('../gitlab/api/client.js');
  return createRunnerApi;
}
