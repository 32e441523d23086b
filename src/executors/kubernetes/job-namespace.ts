// The namespace a job's pod runs in (runner-behavior.md §11.1, §11.5; GitLab Runner's checkDefaults
// and ensurePodsConfigured): namespace_per_job, else the (possibly overwritten) `namespace`, else
// `default` with GitLab's warning. A per-job namespace is created before the pod and deleted at
// cleanup — only if this job created it, so a name that was taken is never deleted from under
// its owner.
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutorError } from '../../errors.js';
import type { KubernetesSettings } from '../../model/kubernetes.js';
import type { KubeClient, Pod } from './client.js';
import { POD_LABELS } from './pod-manifest.js';

export interface JobIds {
  pipelineId: number;
  jobId: number;
}

export interface NamespaceChoice {
  name: string;
  perJob: boolean;
  /** GitLab's warning when the settings name no namespace. */
  warning?: string;
}

/**
 * GitLab names the namespace `ci-job-<job id>`, an id unique on its instance. glci's job ids start at
 * 1 in every run, so the run's pipeline id joins them: without it two runs (or a run and the
 * previous one's namespace, still terminating) would share `ci-job-1`, and one run's cleanup would
 * delete the other's pods.
 */
export function perJobNamespace(ids: JobIds): string {
  return `ci-job-${ids.pipelineId}-${ids.jobId}`;
}

/**
 * `settings` are the effective ones (overwrites applied). As in GitLab Runner, namespace_per_job wins
 * over KUBERNETES_NAMESPACE_OVERWRITE (which is still checked against its regex beforehand).
 */
export function chooseNamespace(settings: Pick<KubernetesSettings, 'namespace' | 'namespacePerJob'>, ids: JobIds): NamespaceChoice {
  if (settings.namespacePerJob) return { name: perJobNamespace(ids), perJob: true };
  if (settings.namespace) return { name: settings.namespace, perJob: false };
  return { name: 'default', perJob: false, warning: "Namespace is empty, therefore assuming 'default'." };
}

export interface NamespaceWait {
  /** How long a new namespace may lack its `default` service account (poll_timeout). */
  timeoutMs: number;
  signal: AbortSignal;
  /** Told once when the pod has to wait for the service account. */
  onWait?: (message: string) => void;
}

/**
 * The job's namespace and the client to reach it. With namespace_per_job the namespace is created
 * on the first object created in it — the pull secret or the pod, GitLab Runner's order: after the
 * checks that can refuse the job, so a refused job leaves no namespace — and pod creation waits for
 * the new namespace's `default` service account.
 */
export class JobNamespace {
  readonly client: KubeClient;
  private creating: Promise<void> | null = null;
  private created = false;

  constructor(
    private readonly base: KubeClient,
    readonly choice: NamespaceChoice,
    private readonly ids: JobIds,
    wait: NamespaceWait,
  ) {
    if (!choice.perJob) {
      this.client = base;
      return;
    }
    const wrapped = Object.create(base) as KubeClient;
    wrapped.createSecret = async (namespace, secret) => {
      if (namespace === this.name) await this.ensure();
      return base.createSecret(namespace, secret);
    };
    wrapped.createPod = async (namespace, pod) => {
      if (namespace !== this.name) return base.createPod(namespace, pod);
      await this.ensure();
      return createJobPod(base, namespace, pod, wait);
    };
    this.client = wrapped;
  }

  get name(): string {
    return this.choice.name;
  }

  private ensure(): Promise<void> {
    this.creating ??= this.create();
    return this.creating;
  }

  private async create(): Promise<void> {
    const labels = { [POD_LABELS.managedBy]: 'glci', [POD_LABELS.pipeline]: String(this.ids.pipelineId), [POD_LABELS.job]: String(this.ids.jobId) };
    try {
      await this.base.createNamespace(this.name, labels);
    } catch (error) {
      const reason = (error as Error).message.replace(/^kubernetes: /, '');
      const hint = /already exists/.test(reason)
        ? `a namespace of that name is left from another run or still being deleted: kubectl get namespace ${this.name}`
        : /forbidden/.test(reason)
          ? 'namespace_per_job needs create and delete on namespaces for the runner\'s account (fixtures/k8s/rbac.yaml)'
          : undefined;
      throw new ExecutorError('KUBE_NAMESPACE', `cannot create the job's namespace ${this.name} (namespace_per_job): ${reason}`, hint, { cause: error });
    }
    this.created = true;
  }

  /** Deletes the namespace if this job created it; the cluster finishes the deletion asynchronously. */
  async delete(): Promise<void> {
    await this.creating?.catch(() => undefined);
    if (!this.created) return;
    this.created = false;
    await this.base.deleteNamespace(this.name);
  }
}

/** The admission plugin's refusal while the controller manager has not yet created `default`. */
function missingDefaultAccount(error: unknown, namespace: string): boolean {
  return error instanceof ExecutorError && error.message.includes(`error looking up service account ${namespace}/default: serviceaccount "default" not found`);
}

/**
 * Creates the pod, retrying while admission refuses it because the namespace's `default` service
 * account does not exist yet: a namespace just created gets one from the controller manager a moment
 * later. Any other refusal fails at once.
 */
export async function createJobPod(client: KubeClient, namespace: string, pod: Pod, options: NamespaceWait): Promise<Pod> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 100;
  let told = false;
  for (;;) {
    try {
      return await client.createPod(namespace, pod);
    } catch (error) {
      if (!missingDefaultAccount(error, namespace)) throw error;
      if (Date.now() >= deadline) {
        throw new ExecutorError(
          'KUBE_SERVICE_ACCOUNT',
          `namespace ${namespace} got no "default" service account within poll_timeout (${Math.round(options.timeoutMs / 1000)}s), so the pod was refused: ${(error as Error).message.replace(/^kubernetes: /, '')}`,
          `the controller manager's serviceaccount controller creates it: check the controller manager runs (kubectl -n ${namespace} get serviceaccount default)`,
          { cause: error },
        );
      }
      if (!told) options.onWait?.(`Waiting for the default service account of namespace ${namespace} ...`);
      told = true;
    }
    await sleep(Math.min(delay, Math.max(deadline - Date.now(), 0)), undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal.aborted) throw new ExecutorError('KUBE_CANCELED', `canceled while creating the pod in namespace ${namespace}`);
    delay = Math.min(delay * 2, 1000);
  }
}
