// Starting the job's pod the way GitLab Runner's kubernetes executor does (runner-behavior.md §3.1,
// §3.3, §11.6): the job image is checked against allowed_images, each container's pull policies are
// limited to allowed_pull_policies (GitLab Runner executors/kubernetes/kubernetes.go preparePullManager,
// helpers/pull_policies), and when a container cannot get its image the pod is deleted and created
// again with that container's next policy (internal/pull/manager.go UpdatePolicyForContainer, Run),
// with GitLab's lines. A pod that does not start is deleted before the error is thrown.
import { ExecutorError } from '../../errors.js';
import type { RunnerLineKind } from '../../log/runner-lines.js';
import type { PullPolicy } from '../../model/config.js';
import type { KubernetesSettings } from '../../model/kubernetes.js';
import type { JobVariable, PlannedJob } from '../../model/plan.js';
import type { RunnerSettings } from '../../model/runner.js';
import { expandRunnerValue } from '../../variables/runner-expansion.js';
import { featureFlagOn } from '../../variables/feature-flags.js';
import type { PrepareOptions } from '../executor.js';
import { verifyAllowedImage } from '../images/allowlist.js';
import { formatPolicies } from '../images/policies.js';
import type { KubeClient, Pod } from './client.js';
import type { PodInput } from './pod-manifest.js';
import { jobUserIds, podSecurity } from './pod-security.js';
import { podVolumes } from './pod-volumes.js';
import { waitForPod } from './pod-wait.js';
import { pullCredentials, pullSecretManifest, pullSecretName } from './pull-secret.js';

/** A Kubernetes imagePullPolicy; '' leaves it to the cluster (GitLab's default when none is configured). */
export type KubePullPolicy = 'Always' | 'IfNotPresent' | 'Never' | '';

const TO_KUBE: Record<PullPolicy, KubePullPolicy> = { always: 'Always', 'if-not-present': 'IfNotPresent', never: 'Never' };

type Log = (kind: RunnerLineKind, message: string) => void;

export interface ContainerPolicyRequest {
  container: string;
  /** `pull_policy` of the image in the YAML (the job's image for build and helper, a service's own). */
  yaml?: readonly PullPolicy[];
}

/**
 * Each container's policies in the order to try them: the YAML's list, else `pull_policy`, else the
 * cluster's default; limited to `allowed_pull_policies` (default: `pull_policy`). None left is
 * GitLab's configuration error; otherwise `Using effective pull policy of [...] for container ...`.
 */
export function containerPullPolicies(
  requests: readonly ContainerPolicyRequest[],
  settings: Pick<KubernetesSettings, 'pullPolicy' | 'allowedPullPolicies'>,
  log: Log,
): Record<string, KubePullPolicy[]> {
  const configured = settings.pullPolicy.map((p) => TO_KUBE[p]);
  const defaults: KubePullPolicy[] = configured.length ? configured : [''];
  const allowed = settings.allowedPullPolicies.length ? settings.allowedPullPolicies.map((p) => TO_KUBE[p]) : defaults;
  const result: Record<string, KubePullPolicy[]> = {};
  for (const { container, yaml } of requests) {
    const requested = yaml?.length ? yaml.map((p) => TO_KUBE[p]) : defaults;
    const effective = requested.filter((p) => allowed.includes(p));
    if (effective.length === 0) {
      const source = yaml?.length ? 'GitLab pipeline config' : configured.length ? 'Runner config' : 'Runner config (default)';
      throw new ExecutorError(
        'KUBE_PULL_POLICY',
        `invalid pull policy for container "${container}": pull_policy (${formatPolicies(requested)}) defined in ${source} is not one of the allowed_pull_policies (${formatPolicies(allowed)})`,
        'use a policy that allowed_pull_policies lists, or add it to allowed_pull_policies in [runners.kubernetes]',
      );
    }
    log('print', `Using effective pull policy of ${formatPolicies(effective)} for container ${container}`);
    result[container] = effective;
  }
  return result;
}

/**
 * `allowed_images` for the job's image; the runner's own default image and the helper image are
 * always allowed (GitLab's internal images). The docker executor's check and lines, this section's words.
 */
export function verifyJobImage(image: string, settings: Pick<KubernetesSettings, 'allowedImages' | 'allowedServices'>, internal: readonly string[], log: Log): void {
  try {
    verifyAllowedImage({ name: image, kind: 'image', internal: internal.includes(image) }, settings, log);
  } catch (error) {
    if (!(error instanceof ExecutorError)) throw error;
    throw new ExecutorError('KUBE_IMAGE_NOT_ALLOWED', 'disallowed image', `"${image}" matches none of allowed_images in [runners.kubernetes] (${settings.allowedImages.join(', ')})`);
  }
}

/** Waiting reasons after which the container's next policy is tried. */
const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull']);

export interface PullFailure {
  container: string;
  image: string;
  message: string;
}

/** The first container that is waiting for an image it could not get (GitLab's CheckTerminalContainerErrors). */
export function pullFailureOf(pod: Pod): PullFailure | null {
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = status.state?.waiting;
    if (status.ready || !waiting?.reason || !PULL_FAILURES.has(waiting.reason)) continue;
    const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === status.name);
    return { container: status.name, image: spec?.image ?? status.image, message: `image pull failed: ${waiting.message ?? waiting.reason}` };
  }
  return null;
}

export interface PodStart {
  client: KubeClient;
  namespace: string;
  /** Each container's policies to try, in order (`containerPullPolicies`); a container not named gets none. */
  policies: Record<string, KubePullPolicy[]>;
  /** The pod of one attempt, with a fresh name, for the policy each container is at. */
  manifest: (policies: Record<string, KubePullPolicy>) => Pod;
  pollIntervalMs: number;
  pollTimeoutMs: number;
  signal: AbortSignal;
  log: Log;
}

function currentPolicies(policies: PodStart['policies'], failures: ReadonlyMap<string, number>): Record<string, KubePullPolicy> {
  return Object.fromEntries(Object.entries(policies).map(([container, list]) => [container, list[failures.get(container) ?? 0] ?? '']));
}

/** The container's failed policy counted, GitLab's warning written; true when another policy is left. */
function nextPolicy(start: PodStart, failures: Map<string, number>, failure: PullFailure, attempt: number): boolean {
  const list = start.policies[failure.container] ?? [''];
  const index = failures.get(failure.container) ?? 0;
  failures.set(failure.container, index + 1);
  start.log('warn', `Failed to pull image "${failure.image}" for container "${failure.container}" with policy "${list[index] ?? ''}": ${failure.message}`);
  const next = list[index + 1];
  if (next === undefined) return false;
  start.log('info', `Attempt #${attempt + 1}: Trying "${next}" pull policy for "${failure.image}" image for container "${failure.container}"`);
  return true;
}

/**
 * Creates the pod and waits for it to run, falling back on each container's next pull policy after
 * an image pull failure. Resolves with the running pod's name. GitLab Runner's watcher knows only
 * ErrImagePull and ImagePullBackOff, so there a "never" whose image is absent waits out poll_timeout;
 * glci also counts ErrImageNeverPull, which no waiting can heal, as that policy's failure.
 */
export async function startPod(start: PodStart): Promise<string> {
  const failures = new Map<string, number>();
  for (let attempt = 1; ; attempt++) {
    const pod = start.manifest(currentPolicies(start.policies, failures));
    const name = pod.metadata?.name ?? '';
    await start.client.createPod(start.namespace, pod);
    try {
      await waitForPod({ client: start.client, namespace: start.namespace, pod: name, pollIntervalMs: start.pollIntervalMs, pollTimeoutMs: start.pollTimeoutMs, signal: start.signal, log: start.log });
      return name;
    } catch (error) {
      const stored = start.signal.aborted ? null : await start.client.readPod(start.namespace, name).catch(() => null);
      await start.client.deletePod(start.namespace, name, 0).catch(() => undefined);
      const failure = stored ? pullFailureOf(stored) : null;
      if (!failure || !nextPolicy(start, failures, failure, attempt)) throw error;
    }
  }
}

// ---- the executor's glue ---------------------------------------------------------------------------

export interface JobPodFeaturesInput {
  client: KubeClient;
  namespace: string;
  job: PlannedJob;
  settings: KubernetesSettings;
  runner: RunnerSettings;
  prepare: Pick<PrepareOptions, 'pipelineId' | 'jobId'>;
  /** After the runner's expansion. */
  variables: readonly JobVariable[];
  image: string;
  helperImage: string;
  /** The service containers' images: their registries' credentials go into the pull secret too. */
  serviceImages: readonly string[];
  /** The attach strategy's pod has an init-permissions container (the legacy exec one does not). */
  initPermissions: boolean;
  log: Log;
  /** Where the host's docker config and credential helpers are found (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface JobPodFeatures {
  /** Spread into PodInput. */
  input: Required<Pick<PodInput, 'volumes' | 'security' | 'imagePullSecrets'>> & Pick<PodInput, 'podSpecPatches'>;
  /** build's, helper's and init-permissions' pull policies, for `startPod`. */
  policies: Record<string, KubePullPolicy[]>;
  /** Deletes the pull secret, if one was made; safe to call twice. */
  cleanup: () => Promise<void>;
}

const featureFlag = (name: string, variables: readonly JobVariable[], runner: RunnerSettings) =>
  featureFlagOn(name, (key) => variables.findLast((v) => v.key === key)?.value, runner.featureFlags, false);

/**
 * Everything the settings add to the job's pod before it is created, in GitLab Runner's order of
 * checks: the pull policies, allowed_images, then the pull secret (created here, last, so a refused
 * job leaves nothing behind).
 */
export async function jobPodFeatures(input: JobPodFeaturesInput): Promise<JobPodFeatures> {
  const { settings, variables, log } = input;
  const expand = (text: string) => expandRunnerValue(text, variables);
  const yaml = input.job.image?.pullPolicy;
  // GitLab Runner gives init-permissions the job image's policies too (it runs the helper image).
  const containers = ['build', 'helper', ...(input.initPermissions ? ['init-permissions'] : [])];
  const own = containers.map((container) => ({ container, ...(yaml ? { yaml } : {}) }));
  const policies = containerPullPolicies(own, settings, log);
  verifyJobImage(input.image, settings, [settings.image ? expand(settings.image) : '', input.helperImage].filter(Boolean), log);
  const advanced = featureFlag('FF_USE_ADVANCED_POD_SPEC_CONFIGURATION', variables, input.runner);
  if (advanced && settings.podSpec.length) {
    log('warn', 'Advanced Pod Spec configuration enabled, merging the provided PodSpec to the generated one. This is a beta feature and is subject to change. Feedback is collected in this issue: https://gitlab.com/gitlab-org/gitlab-runner/-/issues/29659 ...');
  }
  const secret = await createPullSecret(input);
  const cleanup = async () => {
    const name = secret.name;
    secret.name = undefined;
    if (name) await input.client.deleteSecret(input.namespace, name);
  };
  // use_service_account_image_pull_secrets: the pod names none and the service account's apply.
  const imagePullSecrets = settings.useServiceAccountImagePullSecrets ? [] : [...settings.imagePullSecrets, ...(secret.name ? [secret.name] : [])];
  return {
    input: {
      volumes: podVolumes(settings.volumes, expand),
      security: podSecurity(settings, jobUserIds(settings, expand(input.job.image?.kubernetes?.user ?? ''), log)),
      imagePullSecrets,
      ...(advanced && settings.podSpec.length ? { podSpecPatches: settings.podSpec } : {}),
    },
    policies,
    cleanup,
  };
}

/** The dockercfg secret for the job's images, when any source has credentials for them. */
async function createPullSecret(input: JobPodFeaturesInput): Promise<{ name?: string }> {
  // With the service account's pull secrets the pod names none of its own: GitLab would still make one.
  if (input.settings.useServiceAccountImagePullSecrets) return {};
  const credentials = await pullCredentials([input.image, ...input.serviceImages], {
    variables: input.variables,
    runnerEnvironment: input.runner.environment,
    env: input.env ?? process.env,
    log: input.log,
  });
  if (credentials.length === 0) return {};
  const name = pullSecretName(`runner-glci-${input.prepare.pipelineId}-${input.prepare.jobId}`);
  await input.client.createSecret(input.namespace, pullSecretManifest({ name, pipelineId: input.prepare.pipelineId, jobId: input.prepare.jobId }, credentials));
  return { name };
}
