// Which pull policies apply to one image (runner-behavior.md §3.1, GitLab Runner
// helpers/pull_policies): the YAML `pull_policy` replaces the configured list, and the result is
// limited to `allowed_pull_policies` with the requested order kept.
// https://docs.gitlab.com/runner/executors/docker/#configure-how-runners-pull-images
import type { PullPolicy } from '../../model/config.js';
import type { DockerSettings } from '../../model/runner.js';
import { ExecutorError } from '../../errors.js';

const ALL_POLICIES: readonly PullPolicy[] = ['always', 'if-not-present', 'never'];

/** GitLab's default when `[runners.docker] pull_policy` is not set. */
const RUNNER_DEFAULT: readonly PullPolicy[] = ['always'];

/** The policies to try for one image, and where the requested list came from. */
export interface EffectivePolicies {
  policies: PullPolicy[];
  /** `GitLab pipeline config`, `Runner config`, `Runner config (default)`, `glci default (no config.toml)`. */
  source: string;
  /** True when the list is glci's offline default (no config.toml, no YAML `pull_policy`). */
  glciDefault: boolean;
}

/** Go's `%v` of a slice, which GitLab's messages use: `[always if-not-present]`. */
export function formatPolicies(policies: readonly string[]): string {
  return `[${policies.join(' ')}]`;
}

function configuredPolicies(settings: Pick<DockerSettings, 'pullPolicy'>): PullPolicy[] {
  return settings.pullPolicy.length > 0 ? [...settings.pullPolicy] : [...RUNNER_DEFAULT];
}

/** The wording GitLab uses for where the requested list came from. */
export function pullPolicySource(yamlPolicies: readonly PullPolicy[] | undefined, settings: Pick<DockerSettings, 'pullPolicyOrigin'>): string {
  if (yamlPolicies && yamlPolicies.length > 0) return 'GitLab pipeline config';
  if (settings.pullPolicyOrigin === 'file') return 'Runner config';
  if (settings.pullPolicyOrigin === 'glci-default') return 'glci default (no config.toml)';
  return 'Runner config (default)';
}

/**
 * `allowed_pull_policies`; unset means the configured `pull_policy` list (GitLab's default). Without a
 * config.toml no administrator restricts anything, so every policy is allowed.
 */
export function allowedPullPolicies(settings: Pick<DockerSettings, 'pullPolicy' | 'pullPolicyOrigin' | 'allowedPullPolicies'>): PullPolicy[] {
  if (settings.allowedPullPolicies.length > 0) return [...settings.allowedPullPolicies];
  if (settings.pullPolicyOrigin === 'glci-default') return [...ALL_POLICIES];
  return configuredPolicies(settings);
}

/** The requested policies filtered by the allowed ones; throws GitLab's error when none is left. */
export function effectivePullPolicies(
  image: string,
  yamlPolicies: readonly PullPolicy[] | undefined,
  settings: Pick<DockerSettings, 'pullPolicy' | 'pullPolicyOrigin' | 'allowedPullPolicies'>,
): EffectivePolicies {
  const fromYaml = yamlPolicies !== undefined && yamlPolicies.length > 0;
  const requested = fromYaml ? [...yamlPolicies] : configuredPolicies(settings);
  const allowed = allowedPullPolicies(settings);
  const policies = requested.filter((policy) => allowed.includes(policy));
  const source = pullPolicySource(yamlPolicies, settings);
  if (policies.length === 0) {
    throw new ExecutorError(
      'DOCKER_PULL_POLICY',
      `invalid pull policy for image "${image}": pull_policy (${formatPolicies(requested)}) defined in ${source} is not one of the allowed_pull_policies (${formatPolicies(allowed)})`,
      `use one of ${formatPolicies(allowed)} in pull_policy, or add the policy to allowed_pull_policies in [runners.docker]`,
    );
  }
  return { policies, source, glciDefault: !fromYaml && settings.pullPolicyOrigin === 'glci-default' };
}

