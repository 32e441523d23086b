// The only module that imports @kubernetes/client-node: a narrow client with exactly the calls the
// kubernetes executor makes (each one is a verb of fixtures/k8s/rbac.yaml), so the executor is written
// against this interface and the RBAC manifest can be checked against it.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
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
  /** Writes `stdin` to the main process of a running container through pods/attach, then detaches
   *  (the container's stdin stays open: its spec has no stdinOnce). */
  attach(namespace: string, pod: string, container: string, stdin: Readable): Promise<void>;
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
  // Also a WebSocket, so also `get` (GitLab Runner's SPDY attach needs `create`).
  attach: { resource: 'pods/attach', verb: 'get' },
};

const NO_CLUSTER_HINT = 'point KUBECONFIG or --kubeconfig at a kubeconfig (kind create cluster writes ~/.kube/config), or set host in [runners.kubernetes] of config.toml';

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
    if (!existsSync(access.kubeconfig)) throw new ExecutorError('KUBE_CONFIG', `kubernetes: the kubeconfig ${access.kubeconfig} does not exist`, NO_CLUSTER_HINT);
    config.loadFromFile(access.kubeconfig);
  } else {
    // kubectl's lookup, read from `env` (the library reads process.env, and would fall back to
    // http://localhost:8080, which no cluster serves today): KUBECONFIG's files that exist, merged with
    // the first one's current context winning; else ~/.kube/config.
    const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f && existsSync(f));
    const files = env.KUBECONFIG ? listed : [join(env.HOME ?? homedir(), '.kube', 'config')].filter((f) => existsSync(f));
    const [first, ...more] = files;
    if (!first) {
      const what = env.KUBECONFIG ? `none of the files KUBECONFIG names (${env.KUBECONFIG}) exists` : 'KUBECONFIG is unset and ~/.kube/config does not exist';
      throw new ExecutorError('KUBE_CONFIG', `kubernetes: no cluster configured: ${what}`, NO_CLUSTER_HINT);
    }
    config.loadFromFile(first);
    for (const file of more) {
      const other = new k8s.KubeConfig();
      other.loadFromFile(file);
      config.mergeConfig(other, true);
    }
  }
  if (access.context) {
    if (!config.getContextObject(access.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new ExecutorError('KUBE_CONTEXT', `kubernetes: no context "${access.context}" in the kubeconfig`, known.length ? `contexts there: ${known.join(', ')}` : undefined);
    }
    config.setCurrentContext(access.context);
  }
  if (!config.getCurrentCluster()) {
    throw new ExecutorError('KUBE_CONFIG', 'kubernetes: no cluster configured', NO_CLUSTER_HINT);
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
  const attachApi = new k8s.Attach(config);
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
    attach: (namespace, pod, container, stdin) => runAttach(attachApi, server, { namespace, pod, container }, stdin),
  };
}

interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
}

function runExec(api: k8s.Exec, server: string, target: ExecTarget, streams: ExecStreams): Promise<number> {
  const where = `${target.namespace}/${target.pod}/${target.container}`;
  return new Promise<number>((resolve, reject) => {
    let status: k8s.V1Status | null = null;
    api
      .exec(target.namespace, target.pod, target.container, target.command, streams.stdout, streams.stderr, streams.stdin ?? null, false, (s) => {
        status = s;
      })
      .then((socket) => {
        socket.on('close', () => {
          if (!status) return reject(new ExecutorError('KUBE_EXEC', `kubernetes: exec in ${target.pod}/${target.container} ended without a status`));
          // A failure status (`cannot exec in a stopped container`) throws here, in an event handler.
          try {
            resolve(exitCodeOf(status));
          } catch (error) {
            reject(error as Error);
          }
        });
        socket.on('error', (error: Error) => reject(streamError(server, where, 'exec', error)));
      })
      .catch((error: unknown) => reject(streamError(server, where, 'exec', error)));
  });
}

function runAttach(api: k8s.Attach, server: string, target: Omit<ExecTarget, 'command'>, stdin: Readable): Promise<void> {
  const where = `${target.namespace}/${target.pod}/${target.container}`;
  return new Promise<void>((resolve, reject) => {
    let sent = false;
    api
      .attach(target.namespace, target.pod, target.container, null, null, stdin, false)
      .then((socket) => {
        // The library sends each chunk as it comes and, at the end, closes the stdin stream
        // (protocol v5); closing the socket then ends the session. A socket the server closes
        // first means the input may not have reached the container.
        const detach = () => {
          sent = true;
          socket.close();
        };
        if (stdin.readableEnded) detach();
        else stdin.once('end', detach);
        socket.on('close', () => (sent ? resolve() : reject(new ExecutorError('KUBE_ATTACH', `kubernetes: the API server ended the attach to ${where} before its input was sent`))));
        socket.on('error', (error: Error) => reject(streamError(server, where, 'attach', error)));
      })
      .catch((error: unknown) => reject(streamError(server, where, 'attach', error)));
  });
}

/** A refused WebSocket upgrade carries only its HTTP status: say which right is missing. */
/**
 * A WebSocket exec or attach the API server refused: the library hands over the `ws` error event,
 * whose message carries the HTTP status of the upgrade (`Unexpected server response: 403`).
 */
function streamError(server: string, where: string, kind: 'exec' | 'attach', error: unknown): ExecutorError {
  const message = (error as { message?: unknown } | null)?.message;
  const status = typeof message === 'string' ? /Unexpected server response: (\d+)/.exec(message)?.[1] : undefined;
  const code = kind === 'exec' ? 'KUBE_EXEC' : 'KUBE_ATTACH';
  const doing = kind === 'exec' ? `running a command in ${where}` : `attaching to ${where}`;
  if (status === '403') return new ExecutorError(code, `kubernetes: ${doing} is forbidden (HTTP 403)`, `the account needs get on pods/${kind} (fixtures/k8s/rbac.yaml)`);
  if (status === '401') return unauthorized(server);
  if (status) return new ExecutorError(code, `kubernetes: the API server refused ${doing} (HTTP ${status})`);
  return apiError(server, typeof message === 'string' && !(error instanceof Error) ? new Error(message) : error);
}

function unauthorized(server: string): ExecutorError {
  return new ExecutorError('KUBE_UNAUTHORIZED', `kubernetes: the API server at ${server} refused the credentials (HTTP 401 Unauthorized)`, 'check the kubeconfig\'s user, bearer_token in [runners.kubernetes] or KUBERNETES_BEARER_TOKEN');
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
    if (error.code === 401) return unauthorized(server);
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
