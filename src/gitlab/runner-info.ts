// The `info` object a runner sends with register, verify, jobs/request and job updates
// (runner-behavior.md §8.3). GitLab decides from `features` which jobs a runner may take (a runner
// without `services` gets no job with services), so the list says what glci really does per executor.
import { arch, platform } from 'node:os';
import type { RunnerInfo } from './api/runner-api.js';

/** Set by the network layer of GitLab Runner for every executor. */
const NETWORK_FEATURES = ['trace_reset', 'trace_checksum', 'trace_size', 'cancelable', 'cancel_gracefully', 'two_phase_job_commit'] as const;

/** What glci's script generation and job services support (GitLab Runner's shells/abstract.go list, minus what glci lacks). */
const SHELL_FEATURES = [
  'variables',
  'artifacts',
  'upload_multiple_artifacts',
  'upload_raw_artifacts',
  'cache',
  'fallback_cache_keys',
  'refspecs',
  'masking',
  'raw_variables',
  'artifacts_exclude',
  'multi_build_steps',
  'return_exit_code',
] as const;

/** The container executors add images and services. */
const CONTAINER_FEATURES = ['image', 'services', 'service_variables', 'service_multiple_aliases'] as const;

/** Go's GOARCH names for Node's `os.arch()`. */
function goArch(): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' };
  return names[arch()] ?? arch();
}

export interface RunnerInfoOptions {
  /** glci's version. */
  version: string;
  /** The runner's executor (`shell`, `docker`, `kubernetes`); absent for register, which has none yet. */
  executor?: string;
  shell?: string;
}

export function runnerInfo(options: RunnerInfoOptions): RunnerInfo {
  const features: Record<string, boolean> = {};
  for (const name of NETWORK_FEATURES) features[name] = true;
  for (const name of SHELL_FEATURES) features[name] = true;
  const container = options.executor === 'docker' || options.executor === 'kubernetes';
  for (const name of CONTAINER_FEATURES) features[name] = container;
  // Not (yet) done by glci: interactive web terminals, Vault secrets, native steps, job inputs, proxies.
  for (const name of ['session', 'terminal', 'vault_secrets', 'native_steps_integration', 'job_inputs', 'proxy', 'shared', 'image_executor_opts', 'service_executor_opts']) {
    features[name] = false;
  }
  features.shared = options.executor === 'shell';
  // The docker executor applies image:docker:platform and image:docker:user, the kubernetes one
  // image:kubernetes:user (a service's options not yet).
  features.image_executor_opts = container;
  return {
    name: 'glci',
    version: options.version,
    revision: 'glci',
    platform: platform(),
    architecture: goArch(),
    ...(options.executor ? { executor: options.executor } : {}),
    ...(options.shell || options.executor ? { shell: options.shell ?? 'bash' } : {}),
    features,
    config: { gpus: '' },
  };
}
