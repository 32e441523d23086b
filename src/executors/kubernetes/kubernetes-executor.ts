// The kubernetes executor (runner-behavior.md §11): each job is a pod in the cluster the settings
// name. Prepare creates the pod and waits for it within poll_timeout; the environment runs the steps
// and moves files; cleanup deletes the pod on every path.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { ExecutorError } from '../../errors.js';
import { runnerLine, type RunnerLineKind } from '../../log/runner-lines.js';
import type { KubernetesSettings } from '../../model/kubernetes.js';
import type { RunnerSettings } from '../../model/runner.js';
import { expandRunnerValue, expandRunnerVariables } from '../../variables/runner-expansion.js';
import { featureFlagOn } from '../../variables/feature-flags.js';
import type { JobVariable, PlannedJob } from '../../model/plan.js';
import type { Executor, PrepareOptions } from '../executor.js';
import { deliverSources, gitStrategy } from '../sources/deliver-checkout.js';
import { createKubeClient, type ClusterAccess, type KubeClient, type Pod } from './client.js';
import { jobPod, labelValue, type PodInput } from './pod-manifest.js';
import { PodEnvironment } from './pod-environment.js';
import { logsDirOf, useLegacyExecStrategy } from './attach-steps.js';
import { jobPodFeatures, startPod, type JobPodFeatures } from './pod-start.js';
import { buildOwner } from './pod-security.js';
import { kubernetesDindProblems, type KubernetesDindInput } from './dind-checks.js';
import { podServices, type PodServices } from './pod-services.js';
import { waitForServices } from './service-health.js';
import { applyOverwrites } from './overwrites.js';
import { chooseNamespace, JobNamespace } from './job-namespace.js';

/** A small public image with sh and tar, which is all the helper container needs. */
export const DEFAULT_HELPER_IMAGE = 'busybox:1.37';

export interface KubernetesExecutorOptions {
  runner: RunnerSettings;
  kubernetes: KubernetesSettings;
  /** The kubeconfig to use when the settings name no host (`--kubeconfig`; else KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  /** Overrides the settings' `context` (`--kube-context`). */
  kubeContext?: string;
  /** Seconds between SIGTERM and SIGKILL when a step is stopped (default 10 s). */
  killGraceMs?: number;
  /** For tests: a client instead of one built from the settings. */
  client?: KubeClient;
}

const PULL_POLICIES = { always: 'Always', 'if-not-present': 'IfNotPresent', never: 'Never' } as const;

export function createKubernetesExecutor(options: KubernetesExecutorOptions): Executor {
  let shared = options.client;
  return {
    name: 'kubernetes',
    async prepare(job, prepare, io, signal) {
      const log = (kind: RunnerLineKind, message: string) => io.output(Buffer.from(runnerLine(kind, message)));
      const variables = expandRunnerVariables(job.variables);
      const variable = (key: string) => variables.findLast((v) => v.key === key)?.value;
      // The job's KUBERNETES_* overwrites applied first: everything below uses the effective settings.
      const { settings, notes, bearerTokenOverwritten } = applyOverwrites(options.kubernetes, variables);
      for (const note of notes) log('print', note);
      const image = job.image?.name ? expandRunnerValue(job.image.name, variables) : settings.image;
      if (!image) throw new ExecutorError('KUBE_IMAGE', 'no image specified and no default set in config', 'set image: in the job or image in [runners.kubernetes]');
      // KUBERNETES_BEARER_TOKEN: this job's calls carry its token, on a client of its own.
      const base = bearerTokenOverwritten && !options.client ? createKubeClient(clusterAccess({ ...options, kubernetes: settings })) : (shared ??= createKubeClient(clusterAccess(options)));
      const jobNamespace = new JobNamespace(base, chooseNamespace(settings, prepare), prepare, { timeoutMs: settings.pollTimeout * 1000, signal, onWait: (m) => log('print', m) });
      const { client, name: namespace } = jobNamespace;
      if (jobNamespace.choice.warning) log('warn', jobNamespace.choice.warning);
      const buildsDir = (options.runner.buildsDir ?? '/builds').replace(/\/+$/, '');
      const projectPath = variable('CI_PROJECT_PATH') ?? basename(prepare.sourceDir);
      const strategy = gitStrategy(variable);
      const projectDir = `${buildsDir}/${projectPath}${strategy === 'empty' ? '-empty' : ''}`;
      // A new name for each attempt: a pod deleted for a pull-policy fallback may still be terminating.
      const newPodName = () => `runner-glci-${prepare.pipelineId}-${prepare.jobId}-${randomBytes(4).toString('hex')}`;
      log('print', `Using Kubernetes namespace: ${namespace}`);
      log('print', `Using Kubernetes executor with image ${image} ...`);
      const attach = useLegacyExecStrategy(variable, options.runner.featureFlags) ? undefined : { scriptsDir: `/scripts-${prepare.pipelineId}-${prepare.jobId}`, logsDir: logsDirOf(prepare) };
      if (attach) log('print', 'Using attach strategy to execute scripts...');
      for (const problem of kubernetesDindProblems(dindInput(job, settings, options.runner, variables))) log('warn', problem);
      const services = podServices({ services: job.services, config: settings.services, variables, settings, log });
      const serviceImages = services.containers.map((c) => c.image ?? '');
      const features = await jobPodFeatures({ client, namespace, job, settings, runner: options.runner, prepare, variables, image, helperImage: settings.helperImage ?? DEFAULT_HELPER_IMAGE, serviceImages, initPermissions: attach !== undefined, log })
        .catch((error: unknown) => jobNamespace.delete().then(() => Promise.reject(error)));
      const podArgs = { job, settings, runner: options.runner, prepare, variables, variable, image, buildsDir, projectPath, services, ...(attach ? { logsDir: attach.logsDir } : {}) };
      const podName = await startPod({
        client, namespace, policies: features.policies, signal, log, pollIntervalMs: settings.pollInterval * 1000, pollTimeoutMs: settings.pollTimeout * 1000,
        manifest: (pullPolicies) => buildPod({ ...podArgs, podName: newPodName(), features: { ...features.input, pullPolicies } }),
      }).catch((error: unknown) => features.cleanup().finally(() => jobNamespace.delete()).then(() => Promise.reject(error)));
      const env = new PodEnvironment({
        client,
        namespace,
        pod: podName,
        afterCleanup: () => features.cleanup().finally(() => jobNamespace.delete()),
        projectDir,
        buildsDir,
        tmpDir: `${projectDir}.tmp`,
        io,
        killGraceMs: options.killGraceMs ?? 10_000,
        ...(attach ? { attach } : {}),
        // Containers of a pod run as the image's user unless a security context (or image:kubernetes:user)
        // says otherwise: the checkout belongs to that user, else to root (readable by any image's user).
        getSources: (pod, sourcesSignal) =>
          deliverSources({ put: (tar) => pod.copyIn(tar, '/'), owner: buildOwner(features.input.security), prepare, projectDir, strategy, variable, log, signal: sourcesSignal }),
      });
      try {
        await waitForServices({ client, namespace, pod: podName, checks: services.healthChecks, signal, log });
      } catch (error) {
        await env.cleanup();
        throw error;
      }
      return env;
    },
  };
}

function clusterAccess(options: KubernetesExecutorOptions): ClusterAccess {
  const settings = options.kubernetes;
  const context = options.kubeContext ?? settings.context;
  return {
    ...(settings.host ? { host: settings.host } : {}),
    ...(context ? { context } : {}),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(settings.certFile ? { certFile: settings.certFile } : {}),
    ...(settings.keyFile ? { keyFile: settings.keyFile } : {}),
    ...(settings.caFile ? { caFile: settings.caFile } : {}),
    ...(settings.bearerToken ? { bearerToken: settings.bearerToken } : {}),
  };
}

interface PodArgs {
  job: PlannedJob;
  settings: KubernetesSettings;
  runner: RunnerSettings;
  prepare: PrepareOptions;
  variables: JobVariable[];
  variable: (key: string) => string | undefined;
  image: string;
  podName: string;
  buildsDir: string;
  projectPath: string;
  services: PodServices;
  /** The attach strategy's logs volume (unset with the legacy exec strategy). */
  logsDir?: string;
  /** pod-start.ts: pull policies of this attempt, pull secrets, volumes, security, pod_spec patches. */
  features: JobPodFeatures['input'] & Pick<PodInput, 'pullPolicies'>;
}

function buildPod({ job, settings, runner, prepare, variables, variable, image, podName, buildsDir, projectPath, services, logsDir, features }: PodArgs): Pod {
  const honorEntrypoint = featureFlagOn('FF_KUBERNETES_HONOR_ENTRYPOINT', variable, runner.featureFlags, false);
  const policy = (job.image?.pullPolicy ?? settings.pullPolicy)[0];
  return jobPod({
    name: podName,
    image,
    helperImage: settings.helperImage ?? DEFAULT_HELPER_IMAGE,
    ...(honorEntrypoint && job.image?.entrypoint ? { entrypoint: job.image.entrypoint } : {}),
    ...(policy ? { imagePullPolicy: PULL_POLICIES[policy] } : {}),
    buildsDir,
    scriptsDir: `/scripts-${prepare.pipelineId}-${prepare.jobId}`,
    ...(logsDir ? { logsDir } : {}),
    ...activeDeadline(variable, runner),
    pipelineId: prepare.pipelineId,
    jobId: prepare.jobId,
    jobName: job.name,
    projectName: projectPath,
    env: variables.filter((v) => v.public && !v.file).map((v) => ({ name: v.key, value: v.value })),
    labels: { ...settings.podLabels, 'job.glci.dev/name': labelValue(job.name) },
    annotations: settings.podAnnotations,
    resources: { build: settings.build, helper: settings.helper },
    nodeSelector: settings.nodeSelector,
    tolerations: settings.nodeTolerations,
    ...(settings.serviceAccount ? { serviceAccount: settings.serviceAccount } : {}),
    services: services.containers,
    hostAliases: services.hostAliases,
    ...(settings.terminationGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: settings.terminationGracePeriodSeconds }),
    ...features,
  });
}

function dindInput(job: PlannedJob, settings: KubernetesSettings, runner: RunnerSettings, variables: JobVariable[]): KubernetesDindInput {
  const values = new Map(variables.map((v) => [v.key, v.value]));
  return {
    variables: values,
    serviceImages: [...job.services.map((s) => expandRunnerValue(s.name, variables)), ...settings.services.map((s) => s.name)],
    settings,
    honorEntrypoint: featureFlagOn('FF_KUBERNETES_HONOR_ENTRYPOINT', (key) => values.get(key), runner.featureFlags, false),
  };
}

/**
 * FF_USE_POD_ACTIVE_DEADLINE_SECONDS (default on): the pod's activeDeadlineSeconds is the job timeout
 * plus one, so the cluster stops a pod whose runner went away.
 */
function activeDeadline(variable: (key: string) => string | undefined, runner: RunnerSettings): { timeoutSeconds?: number } {
  const on = featureFlagOn('FF_USE_POD_ACTIVE_DEADLINE_SECONDS', variable, runner.featureFlags, true);
  const timeout = Number(variable('CI_JOB_TIMEOUT'));
  return on && Number.isInteger(timeout) && timeout > 0 ? { timeoutSeconds: timeout } : {};
}
