// The runner process's metrics: GitLab Runner's metric families (gitlab/metrics.ts) fed by the loop and
// the API client, served on config.toml's `listen_address` when it is set (GitLab Runner serves none
// without it, and says so in its log).
import { arch, platform } from 'node:os';
import { type ApiEndpoint, RunnerMetrics, type TrackedJob } from '../gitlab/metrics.js';
import type { ProcessLog } from '../log/process-log.js';
import type { RunnerConfig, RunnerSettings } from '../model/runner.js';
import { startMetricsServer, type MetricsServer } from '../platform/metrics-server.js';

/** The HTTP method of each endpoint, for `gitlab_runner_api_request_statuses_total`'s `method` label. */
const METHODS: Record<ApiEndpoint, string> = {
  request_job: 'POST',
  update_job: 'PUT',
  patch_trace: 'PATCH',
  verify_runner: 'POST',
  register_runner: 'POST',
  unregister_runner: 'DELETE',
  unregister_runner_manager: 'DELETE',
  reset_token: 'POST',
  upload_artifacts: 'POST',
  download_artifacts: 'GET',
};

export interface RunnerMetricsHandle {
  /** The listening address, when metrics are served. */
  address: string | null;
  apiResponse(runner: RunnerSettings): (endpoint: string, status: number) => void;
  jobReceived(runner: RunnerSettings): TrackedJob;
  jobFailed(runner: RunnerSettings, failureReason: string): void;
  configure(config: RunnerConfig): void;
  close(): Promise<void>;
}

export async function startRunnerMetrics(options: { config: RunnerConfig; systemId: string; version: string; log: ProcessLog }): Promise<RunnerMetricsHandle> {
  const metrics = new RunnerMetrics({
    name: 'glci',
    version: options.version,
    revision: 'glci',
    branch: '',
    builtAt: '',
    os: platform(),
    architecture: arch(),
    nodeVersion: process.version,
  });
  const who = (runner: RunnerSettings) => ({ token: runner.token, name: runner.name, systemId: options.systemId });
  const configure = (config: RunnerConfig) =>
    metrics.configure(
      config.concurrent,
      config.runners.map((runner) => ({ runner: who(runner), limit: runner.limit })),
    );
  configure(options.config);
  let server: MetricsServer | null = null;
  const address = options.config.listenAddress;
  if (address) {
    server = await startMetricsServer(address, () => metrics.render());
    options.log.info('Metrics server listening', { address: server.address });
  } else {
    options.log.info('listen_address not defined, metrics & debug endpoints disabled');
  }
  return {
    address: server?.address ?? null,
    apiResponse: (runner) => (endpoint, status) => {
      const known = endpoint as ApiEndpoint;
      if (METHODS[known]) metrics.apiRequest(who(runner), known, status, METHODS[known]);
    },
    jobReceived: (runner) => metrics.jobReceived(who(runner)),
    jobFailed: (runner, reason) => metrics.jobFailed(who(runner), reason),
    configure,
    close: async () => {
      await server?.close();
    },
  };
}
