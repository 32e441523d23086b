// The runner glci uses when there is no config.toml: one docker runner with GitLab Runner's defaults,
// except the pull policy. GitLab pulls `always`; glci defaults to `if-not-present` so local runs work
// offline and do not re-pull on every job, and allows all three policies so a job's own
// `pull_policy: always` is honoured. A file, once present, gets GitLab's defaults exactly.
import { availableParallelism } from 'node:os';
import type { KubernetesSettings } from '../model/kubernetes.js';
import type { RunnerConfig, SettingOrigin } from '../model/runner.js';
import { readKubernetes } from './kubernetes-section.js';
import { readRunner } from './runner-section.js';
import { Section, type ParseContext } from './section.js';
import { TomlPositions } from './toml-positions.js';

export const DEFAULT_RUNNER_NAME = 'glci-local';

/**
 * `concurrent` defaults to the number of CPUs, like `glci run --concurrency`: GitLab's 1 would make
 * every local pipeline serial.
 */
export function defaultRunnerConfig(options: { concurrent?: number } = {}): RunnerConfig {
  const ctx: ParseContext = {
    file: '', positions: new TomlPositions(new Map()), errors: [], warnings: [], origins: {}, ignored: [], noted: [],
  };
  // The same reader as for a file, over the few keys that differ from GitLab's defaults.
  const runner = readRunner(new Section(ctx, { name: DEFAULT_RUNNER_NAME, executor: 'docker', docker: {} }, 'runners[0]', 'runners[0]'), 0);
  runner.docker!.pullPolicy = ['if-not-present'];
  runner.docker!.pullPolicyOrigin = 'glci-default';
  runner.docker!.allowedPullPolicies = ['always', 'if-not-present', 'never'];
  const origins: Record<string, SettingOrigin> = { concurrent: 'glci-default', checkInterval: 'default', ...ctx.origins };
  for (const path of ['name', 'executor', 'docker', 'docker.pullPolicy', 'docker.allowedPullPolicies']) origins[`runners[0].${path}`] = 'glci-default';
  return {
    file: null,
    concurrent: options.concurrent ?? Math.max(1, availableParallelism()),
    checkInterval: 3,
    shutdownTimeout: 30,
    runners: [runner],
    warnings: [],
    origins,
  };
}

/**
 * GitLab Runner's `[runners.kubernetes]` defaults, for a runner without that table that runs a job with
 * `--executor kubernetes` (the built-in runner, a shell or docker runner of config.toml).
 */
export function defaultKubernetesSettings(): KubernetesSettings {
  const ctx: ParseContext = {
    file: '', positions: new TomlPositions(new Map()), errors: [], warnings: [], origins: {}, ignored: [], noted: [],
  };
  return readKubernetes(new Section(ctx, {}, 'runners[0].kubernetes', 'runners[0].kubernetes'));
}
