// fixtures/k8s/rbac.yaml grants exactly what the client calls (CLIENT_PERMISSIONS), and those rights
// are enough: the client runs a pod, execs and attaches into it and cleans up as the manifest's service account,
// against the test bed's API server with RBAC enforced.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CLIENT_PERMISSIONS, createKubeClient, type KubeClient } from '../../src/executors/kubernetes/client.js';
import { ExecutorError } from '../../src/errors.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, kubectl, loadImages, type KubeCluster } from '../setup/kube-cluster.js';

const manifest = fileURLToPath(new URL('../../fixtures/k8s/rbac.yaml', import.meta.url));
const account = 'system:serviceaccount:glci:glci-runner';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function grantedPermissions(): string[] {
  const docs = parseAllDocuments(readFileSync(manifest, 'utf8')).map((d) => d.toJS() as { kind: string; rules?: Rule[] });
  const role = docs.find((d) => d.kind === 'ClusterRole');
  return (role?.rules ?? []).flatMap((rule) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${resource}:${verb}`))).sort();
}

function neededPermissions(): string[] {
  return [...new Set(Object.values(CLIENT_PERMISSIONS).map((p) => `${p.resource}:${p.verb}`))].sort();
}

describe('fixtures/k8s/rbac.yaml', () => {
  it('grants exactly the verbs the client uses', () => {
    expect(grantedPermissions()).toEqual(neededPermissions());
  });

  it('lists a permission for every call of the client', () => {
    const client = createKubeClient({ host: 'https://127.0.0.1:9' });
    const calls = Object.keys(client).filter((key) => typeof (client as unknown as Record<string, unknown>)[key] === 'function');
    expect(calls.sort()).toEqual(Object.keys(CLIENT_PERMISSIONS).sort());
  });
});

describe('the client with only the manifest\'s rights', () => {
  let cluster: KubeCluster;
  let client: KubeClient;
  let busybox: string;
  const namespace = `glci-rbac-${randomUUID().slice(0, 8)}`;

  async function admin(args: string[]): Promise<string> {
    const result = await kubectl(cluster, args);
    if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  }

  beforeAll(async () => {
    cluster = await ensureKubeCluster();
    [busybox] = (await loadImages(['busybox'])) as [string];
    await admin(['apply', '-f', manifest]);
    const token = (await admin(['-n', 'glci', 'create', 'token', 'glci-runner', '--duration', '1h'])).trim();
    client = createKubeClient({ host: cluster.server, caFile: join(cluster.stateDir, 'pki', 'ca.crt'), bearerToken: token });
  }, kubeSetupTimeoutMs);

  afterAll(async () => {
    if (!cluster) return;
    await kubectl(cluster, ['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
    await kubectl(cluster, ['delete', '-f', manifest, '--ignore-not-found', '--wait=false']);
  });

  it('runs a pod in a namespace of its own, execs and attaches into it and removes both', async () => {
    await client.createNamespace(namespace, {});
    // The controller manager gives a new namespace its default service account; admission needs it.
    for (let i = 0; i < 120; i++) {
      if ((await kubectl(cluster, ['-n', namespace, 'get', 'serviceaccount', 'default'])).exitCode === 0) break;
      await sleep(250);
    }
    await client.createSecret(namespace, { metadata: { name: 'registry' }, type: 'Opaque', stringData: { k: 'v' } });
    await client.createPod(namespace, {
      metadata: { name: 'job', labels: { 'glci.test': 'rbac' } },
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'build', image: busybox, imagePullPolicy: 'Never', command: ['sh'], stdin: true }],
      },
    });
    for (let i = 0; i < 240 && (await client.readPod(namespace, 'job'))?.status?.phase !== 'Running'; i++) await sleep(250);
    const chunks: Buffer[] = [];
    const stdout = new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) });
    expect(await client.exec(namespace, 'job', 'build', ['sh', '-c', 'echo as-runner; exit 4'], { stdout, stderr: new PassThrough() })).toBe(4);
    expect(Buffer.concat(chunks).toString()).toBe('as-runner\n');
    // A WebSocket attach is `get` on pods/attach: the line reaches the main shell, which stays up.
    await client.attach(namespace, 'job', 'build', Readable.from([Buffer.from('echo attached > /tmp/attached\n')]));
    let attached = '';
    for (let i = 0; i < 40 && attached !== 'attached\n'; i++) {
      const out: Buffer[] = [];
      await client.exec(namespace, 'job', 'build', ['sh', '-c', 'cat /tmp/attached 2>/dev/null; true'], { stdout: new Writable({ write: (c: Buffer, _e, done) => (out.push(c), done()) }), stderr: new PassThrough() });
      attached = Buffer.concat(out).toString();
      if (attached !== 'attached\n') await sleep(250);
    }
    expect(attached).toBe('attached\n');
    expect((await client.readPod(namespace, 'job'))?.status?.phase).toBe('Running');
    expect(await client.listPods(namespace, 'glci.test=rbac')).toHaveLength(1);
    expect(Array.isArray(await client.podEvents(namespace, 'job'))).toBe(true);
    await client.deletePod(namespace, 'job', 0);
    await client.deleteSecret(namespace, 'registry');
    await client.deleteNamespace(namespace);
  });

  it('is refused anything else', async () => {
    // `create` on pods/exec and pods/attach is what an SPDY client needs; the WebSocket one does not.
    const refused = [['list', 'secrets'], ['get', 'secrets'], ['patch', 'pods'], ['watch', 'pods'], ['create', 'deployments'], ['create', 'pods', '--subresource=attach'], ['create', 'pods', '--subresource=exec']];
    for (const [verb, ...resource] of refused) {
      const answer = await kubectl(cluster, ['auth', 'can-i', verb as string, ...resource, '--as', account, '-n', 'default']);
      expect(answer.stdout.trim(), `${verb} ${resource.join(' ')}`).toBe('no');
    }
    const granted = await kubectl(cluster, ['auth', 'can-i', 'get', 'pods', '--subresource=attach', '--as', account, '-n', 'default']);
    expect(granted.stdout.trim()).toBe('yes');
    await expect(client.createPod('kube-system', { metadata: { name: 'x' }, spec: { containers: [] } })).rejects.toThrow(/is invalid|forbidden/);
  });

  it('names the missing right when an account may not attach or exec, and a token the API server does not know', async () => {
    // The namespace's default account has no rights at all; authorisation comes before the pod lookup.
    const token = (await admin(['-n', 'glci', 'create', 'token', 'default', '--duration', '10m'])).trim();
    const bare = createKubeClient({ host: cluster.server, caFile: join(cluster.stateDir, 'pki', 'ca.crt'), bearerToken: token });
    const refused = await bare.attach('default', 'no-such-pod', 'build', Readable.from([Buffer.from('true\n')])).catch((e: unknown) => e as ExecutorError);
    expect(refused).toBeInstanceOf(ExecutorError);
    expect(refused).toMatchObject({ code: 'KUBE_ATTACH', message: 'kubernetes: attaching to default/no-such-pod/build is forbidden (HTTP 403)', hint: expect.stringContaining('pods/attach') });
    const streams = { stdout: new PassThrough().resume(), stderr: new PassThrough().resume() };
    const noExec = await bare.exec('default', 'no-such-pod', 'helper', ['true'], streams).catch((e: unknown) => e as ExecutorError);
    expect(noExec).toMatchObject({ code: 'KUBE_EXEC', message: 'kubernetes: running a command in default/no-such-pod/helper is forbidden (HTTP 403)', hint: expect.stringContaining('pods/exec') });
    const stranger = createKubeClient({ host: cluster.server, caFile: join(cluster.stateDir, 'pki', 'ca.crt'), bearerToken: 'not-a-token' });
    for (const call of [() => stranger.readPod('default', 'x'), () => stranger.exec('default', 'x', 'helper', ['true'], streams)]) {
      await expect(call()).rejects.toMatchObject({ code: 'KUBE_UNAUTHORIZED', message: `kubernetes: the API server at ${cluster.server} refused the credentials (HTTP 401 Unauthorized)` });
    }
  });
});
