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
import type { JobVariable, PlannedJob } from '../../model/plan.js';
import type { Executor, PrepareOptions } from '../executor.js';
import { deliverSources, gitStrategy } from '../sources/deliver-checkout.js';
import { createKubeClient, type ClusterAccess, type KubeClient, type Pod } from './client.js';
import { jobPod, labelValue } from './pod-manifest.js';
import { PodEnvironment } from './pod-environment.js';
import { waitForPod } from './pod-wait.js';

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
  const settings = options.kubernetes;
  let client = options.client;
  return {
    name: 'kubernetes',
    async prepare(job, prepare, io, signal) {
      const log = (kind: RunnerLineKind, message: string) => io.output(Buffer.from(runnerLine(kind, message)));
      const variables = expandRunnerVariables(job.variables);
      const variable = (key: string) => variables.findLast((v) => v.key === key)?.value;
      const image = job.image?.name ? expandRunnerValue(job.image.name, variables) : settings.image;
      if (!image) throw new ExecutorError('KUBE_IMAGE', 'no image specified and no default set in config', 'set image: in the job or image in [runners.kubernetes]');
      client ??= createKubeClient(clusterAccess(options));
      const namespace = settings.namespace || 'default';
      const buildsDir = (options.runner.buildsDir ?? '/builds').replace(/\/+$/, '');
      const projectPath = variable('CI_PROJECT_PATH') ?? basename(prepare.sourceDir);
      const strategy = gitStrategy(variable);
      const projectDir = `${buildsDir}/${projectPath}${strategy === 'empty' ? '-empty' : ''}`;
      const podName = `runner-glci-${prepare.pipelineId}-${prepare.jobId}-${randomBytes(4).toString('hex')}`;
      log('print', `Using Kubernetes namespace: ${namespace}`);
      log('print', `Using Kubernetes executor with image ${image} ...`);
      const manifest = buildPod({ job, settings, runner: options.runner, prepare, variables, variable, image, podName, buildsDir, projectPath });
      await client.createPod(namespace, manifest);
      const env = new PodEnvironment({
        client,
        namespace,
        pod: podName,
        projectDir,
        buildsDir,
        tmpDir: `${projectDir}.tmp`,
        io,
        killGraceMs: options.killGraceMs ?? 10_000,
        // Containers of a pod run as the image's user unless a security context says otherwise: files
        // owned by root stay readable and, for root images, writable.
        getSources: (pod, sourcesSignal) =>
          deliverSources({ put: (tar) => pod.copyIn(tar, '/'), owner: { uid: 0, gid: 0 }, prepare, projectDir, strategy, variable, log, signal: sourcesSignal }),
      });
      try {
        await waitForPod({ client, namespace, pod: podName, pollIntervalMs: settings.pollInterval * 1000, pollTimeoutMs: settings.pollTimeout * 1000, signal, log });
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
}

function buildPod({ job, settings, runner, prepare, variables, variable, image, podName, buildsDir, projectPath }: PodArgs): Pod {
  const honorEntrypoint = (variable('FF_KUBERNETES_HONOR_ENTRYPOINT') ?? String(runner.featureFlags.FF_KUBERNETES_HONOR_ENTRYPOINT ?? false)) === 'true';
  const policy = (job.image?.pullPolicy ?? settings.pullPolicy)[0];
  return jobPod({
    name: podName,
    image,
    helperImage: settings.helperImage ?? DEFAULT_HELPER_IMAGE,
    ...(honorEntrypoint && job.image?.entrypoint ? { entrypoint: job.image.entrypoint } : {}),
    ...(policy ? { imagePullPolicy: PULL_POLICIES[policy] } : {}),
    buildsDir,
    scriptsDir: `/scripts-${prepare.pipelineId}-${prepare.jobId}`,
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
    imagePullSecrets: settings.imagePullSecrets,
    ...(settings.terminationGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: settings.terminationGracePeriodSeconds }),
  });
}
