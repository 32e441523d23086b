// The only module that imports @kubernetes/client-node: a narrow client with exactly the calls the
// kubernetes executor makes (each one is a verb of fixtures/k8s/rbac.yaml), so the executor is written
// against this interface and the RBAC manifest can be checked against it.
import type { Readable, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { ExecutorError } from '../../errors.js';

/** How to reach the cluster: GitLab Runner's `[runners.kubernetes]` access keys, or the kubeconfig. */
export interface ClusterAccess {
  /** API server URL; unset: in-cluster credentials when running in a pod, else the kubeconfig. */
  host?: string;
  /** kubeconfig context (`--kube-context`, `context`); unset: the current one. */
  context?: string;
  /** kubeconfig file(s); unset: KUBECONFIG, then ~/.kube/config (the library's own lookup). */
  kubeconfig?: string;
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  bearerToken?: string;
}

export type Pod = k8s.V1Pod;
export type Secret = k8s.V1Secret;
export type KubeEvent = k8s.CoreV1Event;

export interface ExecStreams {
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable;
}

export interface KubeClient {
  /** Where requests go, for messages. */
  readonly server: string;
  /** The context a kubeconfig gave (null for `host` or in-cluster access). */
  readonly context: string | null;
  createNamespace(name: string, labels: Record<string, string>): Promise<void>;
  deleteNamespace(name: string): Promise<void>;
  createSecret(namespace: string, secret: Secret): Promise<void>;
  deleteSecret(namespace: string, name: string): Promise<void>;
  createPod(namespace: string, pod: Pod): Promise<Pod>;
  /** The pod as stored, or null once it is gone. */
  readPod(namespace: string, name: string): Promise<Pod | null>;
  /** Deletes with background propagation; a pod already gone is not an error. */
  deletePod(namespace: string, name: string, gracePeriodSeconds?: number): Promise<void>;
  /** Pods carrying every label given (cleanup of leftovers). */
  listPods(namespace: string, labelSelector: string): Promise<Pod[]>;
  /** Events whose involved object is the pod, oldest first. */
  podEvents(namespace: string, podName: string): Promise<KubeEvent[]>;
  /** Runs `command` in a container through pods/exec and resolves with its exit code. */
  exec(namespace: string, pod: string, container: string, command: string[], streams: ExecStreams): Promise<number>;
}

/** The API permission each client call needs: fixtures/k8s/rbac.yaml grants exactly their union. */
export const CLIENT_PERMISSIONS: Readonly<Record<keyof Omit<KubeClient, 'server' | 'context'>, { resource: string; verb: string }>> = {
  createNamespace: { resource: 'namespaces', verb: 'create' },
  deleteNamespace: { resource: 'namespaces', verb: 'delete' },
  createSecret: { resource: 'secrets', verb: 'create' },
  deleteSecret: { resource: 'secrets', verb: 'delete' },
  createPod: { resource: 'pods', verb: 'create' },
  readPod: { resource: 'pods', verb: 'get' },
  deletePod: { resource: 'pods', verb: 'delete' },
  listPods: { resource: 'pods', verb: 'list' },
  podEvents: { resource: 'events', verb: 'list' },
  // The library execs over a WebSocket (an HTTP GET upgraded), which the API server authorises as `get`.
  exec: { resource: 'pods/exec', verb: 'get' },
};

/** The library's KubeConfig for `access`; throws ExecutorError when nothing tells where the cluster is. */
export function loadKubeConfig(access: ClusterAccess, env: NodeJS.ProcessEnv = process.env): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  if (access.host) {
    config.loadFromClusterAndUser(
      { name: 'glci', server: access.host, skipTLSVerify: false, ...(access.caFile ? { caFile: access.caFile } : {}) },
      {
        name: 'glci',
        ...(access.certFile ? { certFile: access.certFile } : {}),
        ...(access.keyFile ? { keyFile: access.keyFile } : {}),
        ...(access.bearerToken ? { token: access.bearerToken } : {}),
      },
    );
    return config;
  }
  // GitLab Runner: an empty host tries the in-cluster config first, then the kubeconfig.
  if (!access.kubeconfig && env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
    config.loadFromCluster();
  } else if (access.kubeconfig) {
    config.loadFromFile(access.kubeconfig);
  } else {
    config.loadFromDefault();
  }
  if (access.context) {
    if (!config.getContextObject(access.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new ExecutorError('KUBE_CONTEXT', `kubernetes: no context "${access.context}" in the kubeconfig`, known.length ? `contexts there: ${known.join(', ')}` : undefined);
    }
    config.setCurrentContext(access.context);
  }
  if (!config.getCurrentCluster()) {
    throw new ExecutorError('KUBE_CONFIG', 'kubernetes: no cluster configured', 'set KUBECONFIG or --kube-context, or host in [runners.kubernetes] of config.toml');
  }
  if (access.bearerToken) {
    const user = config.getCurrentUser();
    const cluster = config.getCurrentCluster();
    if (cluster) config.loadFromClusterAndUser(cluster, { ...(user ?? { name: 'glci' }), token: access.bearerToken });
  }
  return config;
}

export function createKubeClient(access: ClusterAccess): KubeClient {
  const config = loadKubeConfig(access);
  const core = config.makeApiClient(k8s.CoreV1Api);
  const execApi = new k8s.Exec(config);
  const server = config.getCurrentCluster()?.server ?? '';
  const context = access.host ? null : config.getCurrentContext() || null;
  return {
    server,
    context,
    async createNamespace(name, labels) {
      await call(server, () => core.createNamespace({ body: { metadata: { name, labels } } }));
    },
    async deleteNamespace(name) {
      await ignoreMissing(() => call(server, () => core.deleteNamespace({ name, propagationPolicy: 'Background' })));
    },
    async createSecret(namespace, secret) {
      await call(server, () => core.createNamespacedSecret({ namespace, body: secret }));
    },
    async deleteSecret(namespace, name) {
      await ignoreMissing(() => call(server, () => core.deleteNamespacedSecret({ namespace, name })));
    },
    createPod: (namespace, pod) => call(server, () => core.createNamespacedPod({ namespace, body: pod })),
    readPod: (namespace, name) => ignoreMissing(() => call(server, () => core.readNamespacedPod({ namespace, name }))),
    async deletePod(namespace, name, gracePeriodSeconds) {
      await ignoreMissing(() =>
        call(server, () =>
          core.deleteNamespacedPod({ namespace, name, propagationPolicy: 'Background', ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }) }),
        ),
      );
    },
    async listPods(namespace, labelSelector) {
      return (await call(server, () => core.listNamespacedPod({ namespace, labelSelector }))).items;
    },
    async podEvents(namespace, podName) {
      const fieldSelector = `involvedObject.kind=Pod,involvedObject.name=${podName}`;
      const list = await call(server, () => core.listNamespacedEvent({ namespace, fieldSelector }));
      return list.items.sort((a, b) => eventTime(a) - eventTime(b));
    },
    exec: (namespace, pod, container, command, streams) => runExec(execApi, server, { namespace, pod, container, command }, streams),
  };
}

interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
}

function runExec(api: k8s.Exec, server: string, target: ExecTarget, streams: ExecStreams): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let status: k8s.V1Status | null = null;
    api
      .exec(target.namespace, target.pod, target.container, target.command, streams.stdout, streams.stderr, streams.stdin ?? null, false, (s) => {
        status = s;
      })
      .then((socket) => {
        socket.on('close', () => (status ? resolve(exitCodeOf(status)) : reject(new ExecutorError('KUBE_EXEC', `kubernetes: exec in ${target.pod}/${target.container} ended without a status`))));
        socket.on('error', (error: Error) => reject(apiError(server, error)));
      })
      .catch((error: unknown) => reject(apiError(server, error)));
  });
}

/** The exit code the API server reports in an exec's final status (`NonZeroExitCode` with an `ExitCode` cause). */
export function exitCodeOf(status: k8s.V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = cause?.message === undefined ? Number.NaN : Number.parseInt(cause.message, 10);
  if (Number.isInteger(code)) return code;
  throw new ExecutorError('KUBE_EXEC', `kubernetes: exec failed: ${status.message ?? status.reason ?? 'unknown error'}`);
}

function eventTime(event: KubeEvent): number {
  const at = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return at ? new Date(at).getTime() : 0;
}

async function call<T>(server: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw apiError(server, error);
  }
}

class NotFound extends ExecutorError {}

async function ignoreMissing<T>(request: () => Promise<T>): Promise<T | null> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
}

/** The API server's own message (`pods "x" is forbidden: ...`) rather than the library's wrapper. */
function apiError(server: string, error: unknown): ExecutorError {
  if (error instanceof k8s.ApiException) {
    const body = parseBody(error.body);
    const message = body?.message ?? `HTTP ${error.code}`;
    const text = `kubernetes: ${message}`;
    return error.code === 404 ? new NotFound('KUBE_NOT_FOUND', text) : new ExecutorError('KUBE_API', text, undefined, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ExecutorError('KUBE_UNREACHABLE', `kubernetes: cannot reach the API server at ${server}: ${message}`, 'check the cluster is up: kubectl cluster-info', { cause: error });
}

function parseBody(body: unknown): { message?: string } | null {
  if (body && typeof body === 'object') return body as { message?: string };
  if (typeof body !== 'string') return null;
  try {
    return JSON.parse(body) as { message?: string };
  } catch {
    return { message: body };
  }
}
