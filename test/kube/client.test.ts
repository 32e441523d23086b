// The kubernetes executor's narrow client against the real API server and kubelet of the test bed:
// namespaces, secrets, pods, events and exec (WebSocket v5 from the client, SPDY from the API server
// to the kubelet) with stdin, both output streams and the real exit code.
import { randomUUID } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { createKubeClient, type KubeClient, type Pod } from '../../src/executors/kubernetes/client.js';
import { ExecutorError } from '../../src/errors.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, loadImages } from '../setup/kube-cluster.js';

const namespace = `glci-client-${randomUUID().slice(0, 8)}`;
let client: KubeClient;
let busybox: string;

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function sleeperPod(name: string, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    metadata: { name, labels: { 'glci.test': 'client' } },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'main', image: busybox, imagePullPolicy: 'Never', command: ['sh', '-c', 'sleep 3600'], stdin: true }],
      ...extra,
    },
  };
}

beforeAll(async () => {
  const cluster = await ensureKubeCluster();
  [busybox] = (await loadImages(['busybox'])) as [string];
  client = createKubeClient({ kubeconfig: cluster.kubeconfig });
  await client.createNamespace(namespace, { 'glci.test': 'client' });
}, kubeSetupTimeoutMs);

afterAll(async () => {
  await client?.deleteNamespace(namespace);
});

describe('kubernetes client against the test bed', () => {
  it('runs a pod, execs with stdin, stdout, stderr and the exit code, and deletes it', async () => {
    await client.createPod(namespace, sleeperPod('exec-pod'));
    await eventually('pod running', 60_000, async () => ((await client.readPod(namespace, 'exec-pod'))?.status?.phase === 'Running' ? true : undefined));

    const out = collector();
    const err = collector();
    const stdin = Readable.from([Buffer.from('line one\nline two\n')]);
    const code = await client.exec(namespace, 'exec-pod', 'main', ['sh', '-c', 'cat; echo to-err >&2; exit 7'], { stdin, stdout: out.stream, stderr: err.stream });
    expect(code).toBe(7);
    expect(out.text()).toBe('line one\nline two\n');
    expect(err.text()).toBe('to-err\n');

    const ok = collector();
    expect(await client.exec(namespace, 'exec-pod', 'main', ['echo', 'fine'], { stdout: ok.stream, stderr: new PassThrough() })).toBe(0);
    expect(ok.text()).toBe('fine\n');

    expect((await client.listPods(namespace, 'glci.test=client')).map((p) => p.metadata?.name)).toContain('exec-pod');
    await client.deletePod(namespace, 'exec-pod', 0);
    await eventually('pod gone', 60_000, async () => ((await client.readPod(namespace, 'exec-pod')) === null ? true : undefined));
    // Deleting what is gone is not an error (cleanup runs on every path).
    await client.deletePod(namespace, 'exec-pod');
  });

  it('reports a pod nobody can schedule through its events', async () => {
    await client.createPod(namespace, sleeperPod('nowhere', { nodeSelector: { 'glci.test/no-such-node': 'true' } }));
    const events = await eventually('FailedScheduling', 60_000, async () => {
      const found = (await client.podEvents(namespace, 'nowhere')).filter((e) => e.reason === 'FailedScheduling');
      return found.length ? found : undefined;
    });
    expect(events[0]?.message).toMatch(/didn't match Pod's node affinity\/selector/);
    await client.deletePod(namespace, 'nowhere', 0);
  });

  it('creates and deletes a secret, and words the API server\'s refusals', async () => {
    await client.createSecret(namespace, { metadata: { name: 'pull' }, type: 'Opaque', stringData: { a: 'b' } });
    await expect(client.createSecret(namespace, { metadata: { name: 'pull' }, type: 'Opaque' })).rejects.toThrow(/secrets "pull" already exists/);
    await client.deleteSecret(namespace, 'pull');
    await client.deleteSecret(namespace, 'pull');
    const refused = await client.createPod('glci-no-such-namespace', sleeperPod('x')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ExecutorError);
    expect((refused as Error).message).toMatch(/namespaces "glci-no-such-namespace" not found/);
  });
});
