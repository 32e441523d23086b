// The Kubernetes test bed itself: a real API server, scheduler, controller manager and kubelet
// (on containerd) built from source and started on this machine, and the operations the
// kubernetes executor will rely on: pods that run a locally built image, logs and exec through
// the API server, scheduling failures as events, service accounts, namespace deletion. If this
// file fails, the executor tests cannot mean anything.
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, kubectl, loadImages, type KubeCluster } from '../setup/kube-cluster.js';

const namespace = `glci-testbed-${randomUUID().slice(0, 8)}`;
let cluster: KubeCluster;
let busybox: string;

/** kubectl that must succeed; resolves to its stdout. */
async function run(args: string[], input?: string): Promise<string> {
  const result = await kubectl(cluster, args, input === undefined ? {} : { input });
  if (result.exitCode !== 0) {
    throw new Error(`kubectl ${args.join(' ')} exited ${String(result.exitCode)}:\n${result.stderr}\n${result.stdout}`);
  }
  return result.stdout;
}

function pod(name: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      // sh as PID 1 ignores SIGTERM: without this, each deletion would wait out the default 30 s.
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: busybox, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo hi; sleep 3600'] }],
      ...extra,
    },
  });
}

/** Ids of this namespace's containers (and pod sandboxes) whose task runs in the node's containerd. */
async function runningContainers(): Promise<string[]> {
  const ctr = (args: string[]) => execa('ctr', ['--address', cluster.containerdAddress, '--namespace', 'k8s.io', ...args], { stdin: 'ignore' });
  const ours = (await ctr(['containers', 'ls', '-q', `labels."io.kubernetes.pod.namespace"==${namespace}`])).stdout.split('\n').filter(Boolean);
  const tasks = (await ctr(['tasks', 'ls'])).stdout.split('\n').slice(1);
  const runningIds = new Set(tasks.map((line) => line.split(/\s+/)).filter((cols) => cols[2] === 'RUNNING').map((cols) => cols[0]));
  return ours.filter((id) => runningIds.has(id));
}

interface PodStatus {
  spec: { nodeName?: string };
  status: { phase?: string };
}

beforeAll(async () => {
  cluster = await ensureKubeCluster();
  [busybox = ''] = await loadImages(['busybox']);
  await run(['create', 'namespace', namespace]);
}, kubeSetupTimeoutMs);

afterAll(async () => {
  // The last test deletes the namespace; this is for a run that failed before it.
  if (cluster) await kubectl(cluster, ['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('kubernetes test bed', () => {
  it('answers /version with the version it was built from', async () => {
    const version = JSON.parse(await run(['get', '--raw', '/version'])) as { gitVersion: string; major: string; minor: string };
    expect(version).toMatchObject({ gitVersion: 'v1.34.4', major: '1', minor: '34' });
    expect(cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('gives a new namespace its default service account', async () => {
    const name = await eventually('the default ServiceAccount', 30_000, async () => {
      const result = await kubectl(cluster, ['-n', namespace, 'get', 'serviceaccount', 'default', '-o', 'jsonpath={.metadata.name}']);
      return result.exitCode === 0 ? result.stdout : undefined;
    });
    expect(name).toBe('default');
  });

  it('schedules and runs a pod of a loaded image, with logs and exec through the API server', async () => {
    await run(['apply', '-f', '-'], pod('runs'));
    await run(['-n', namespace, 'wait', '--for=condition=Ready', 'pod/runs', '--timeout=90s']);
    const status = JSON.parse(await run(['-n', namespace, 'get', 'pod', 'runs', '-o', 'json'])) as PodStatus;
    expect(status.spec.nodeName).toBe(cluster.nodeName);
    expect(status.status.phase).toBe('Running');

    const log = await eventually('the pod log', 30_000, async () => {
      const result = await kubectl(cluster, ['-n', namespace, 'logs', 'runs']);
      return result.stdout.includes('hi') ? result.stdout : undefined;
    });
    expect(log).toBe('hi');

    // kubectl exec exits with the remote command's exit code; stdout and stderr stay apart.
    const exec = await kubectl(cluster, ['-n', namespace, 'exec', 'runs', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(exec.exitCode).toBe(3);
    expect(exec.stdout).toBe('out');
    expect(exec.stderr).toContain('err');
    // Inside the pod: its UTS namespace (hostname = pod name) and the container's PID 1, the
    // `sleep` that busybox sh exec'd as the command's last word.
    const inside = await kubectl(cluster, ['-n', namespace, 'exec', 'runs', '--', 'sh', '-c', 'hostname; cat /proc/1/cmdline | tr "\\0" " "']);
    expect(inside.exitCode).toBe(0);
    expect(inside.stdout.split('\n')).toEqual(['runs', 'sleep 3600 ']);
  }, 150_000);

  it('attaches to a container\'s stdin and stdout through the API server, and reports its exit', async () => {
    // One attach on a loaded machine can lose the race with the container's stdin being opened (kubectl
    // then sees no output): a second pod gets a second chance; a broken attach fails both.
    let attach: Awaited<ReturnType<typeof kubectl>> | undefined;
    let name = '';
    for (const attempt of [1, 2]) {
      name = `attached-${attempt}`;
      await run(['apply', '-f', '-'], pod(name, {
        restartPolicy: 'Never',
        containers: [{
          name: 'main', image: busybox, imagePullPolicy: 'Never', stdin: true, stdinOnce: true,
          command: ['sh', '-c', 'read line; echo "got $line"; exit 4'],
        }],
      }));
      await run(['-n', namespace, 'wait', '--for=condition=Ready', `pod/${name}`, '--timeout=90s']);
      attach = await kubectl(cluster, ['-n', namespace, 'attach', '-i', name, '-c', 'main'], { input: 'ping\n' });
      if (attach.stdout.includes('got ping')) break;
    }
    expect(attach?.stdout, attach?.stderr).toContain('got ping');
    // The container's terminated state can be reported a moment before the pod's phase.
    const ended = await eventually('the pod to fail', 30_000, async () => {
      const status = await run(['-n', namespace, 'get', 'pod', name, '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].state.terminated.exitCode}']);
      return status.startsWith('Failed ') ? status : undefined;
    });
    expect(ended).toBe('Failed 4');
  }, 300_000);

  it('reports a pod that fits no node as a FailedScheduling event', async () => {
    await run(['apply', '-f', '-'], pod('fits-nowhere', { nodeSelector: { 'glci.test/no-such-node': 'true' } }));
    const message = await eventually('a FailedScheduling event', 60_000, async () => {
      const events = JSON.parse(
        await run(['-n', namespace, 'get', 'events', '--field-selector', 'involvedObject.name=fits-nowhere,reason=FailedScheduling', '-o', 'json']),
      ) as { items: { message: string }[] };
      return events.items[0]?.message;
    });
    expect(message).toMatch(/0\/1 nodes are available.*node affinity\/selector/);
    const status = JSON.parse(await run(['-n', namespace, 'get', 'pod', 'fits-nowhere', '-o', 'json'])) as PodStatus;
    expect(status.spec.nodeName).toBeUndefined();
    expect(status.status.phase).toBe('Pending');
  }, 90_000);

  it('finishes deleting the namespace and what runs in it', async () => {
    // Waits until the namespace is gone: the controller manager deleted its pods, the kubelet
    // stopped them, and the namespace's finalizer was removed.
    await run(['delete', 'namespace', namespace, '--timeout=120s']);
    const gone = await kubectl(cluster, ['get', 'namespace', namespace]);
    expect(gone.exitCode).not.toBe(0);
    expect(gone.stderr).toContain('NotFound');
    // The kubelet stopped the pods' processes, not only the API objects: no task of a container
    // (or sandbox) of this namespace runs in the node's containerd any more.
    const running = await eventually('the pods\' containers to stop', 30_000, async () => {
      const ids = await runningContainers();
      return ids.length === 0 ? ids : undefined;
    });
    expect(running).toEqual([]);
  }, 150_000);
});
