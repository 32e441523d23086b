// The job's namespace without a cluster: the choice (namespace_per_job, setting, `default`), the
// per-job namespace created on first use and deleted only by its creator, and pod creation waiting
// out a new namespace's missing `default` service account — against a recording fake client.
import { describe, expect, it } from 'vitest';
import { ExecutorError } from '../../../src/errors.js';
import type { KubeClient, Pod } from '../../../src/executors/kubernetes/client.js';
import { chooseNamespace, createJobPod, JobNamespace } from '../../../src/executors/kubernetes/job-namespace.js';

const ids = { pipelineId: 1700000000, jobId: 4 };
const refusal = (ns: string) =>
  new ExecutorError('KUBE_API', `kubernetes: pods "p" is forbidden: error looking up service account ${ns}/default: serviceaccount "default" not found`);

/** A client whose createPod answers from `answers` in turn (an error is thrown), recording every call. */
function fakeClient(answers: (Error | 'ok')[] = [], namespaceError?: Error) {
  const calls: string[] = [];
  const client = {
    server: 'https://fake',
    context: null,
    createNamespace: async (name: string, labels: Record<string, string>) => {
      calls.push(`createNamespace ${name} ${JSON.stringify(labels)}`);
      if (namespaceError) throw namespaceError;
    },
    deleteNamespace: async (name: string) => void calls.push(`deleteNamespace ${name}`),
    createSecret: async (ns: string) => void calls.push(`createSecret ${ns}`),
    createPod: async (ns: string, pod: Pod) => {
      calls.push(`createPod ${ns}`);
      const answer = answers.shift() ?? 'ok';
      if (answer !== 'ok') throw answer;
      return pod;
    },
    readPod: async () => null,
  } as unknown as KubeClient;
  return { client, calls };
}

const wait = (timeoutMs = 5000, onWait?: (m: string) => void) => ({ timeoutMs, signal: new AbortController().signal, ...(onWait ? { onWait } : {}) });
const pod: Pod = { metadata: { name: 'p' } };

/** The ExecutorError `promise` rejects with; a promise that resolves fails the test. */
async function failure(promise: Promise<unknown>): Promise<ExecutorError> {
  const error = await promise.then(() => new Error('expected a rejection'), (e: unknown) => e);
  expect(error).toBeInstanceOf(ExecutorError);
  return error as ExecutorError;
}

describe('chooseNamespace', () => {
  it.each([
    [{ namespace: 'team', namespacePerJob: false }, { name: 'team', perJob: false }],
    [{ namespace: '', namespacePerJob: false }, { name: 'default', perJob: false, warning: "Namespace is empty, therefore assuming 'default'." }],
    // GitLab: namespace_per_job replaces the namespace even when KUBERNETES_NAMESPACE_OVERWRITE set it.
    [{ namespace: 'ci-overwritten', namespacePerJob: true }, { name: 'ci-job-1700000000-4', perJob: true }],
  ])('%j → %j', (settings, choice) => {
    expect(chooseNamespace(settings, ids)).toEqual(choice);
  });
});

describe('JobNamespace', () => {
  it('leaves the client as it is for a configured namespace and never creates or deletes it', async () => {
    const { client, calls } = fakeClient();
    const ns = new JobNamespace(client, chooseNamespace({ namespace: 'team', namespacePerJob: false }, ids), ids, wait());
    expect(ns.client).toBe(client);
    await ns.client.createPod('team', pod);
    await ns.delete();
    expect(calls).toEqual(['createPod team']);
  });

  it('creates the per-job namespace, labelled, before the first secret or pod in it, once, and deletes it once', async () => {
    const { client, calls } = fakeClient();
    const ns = new JobNamespace(client, chooseNamespace({ namespace: '', namespacePerJob: true }, ids), ids, wait());
    await ns.client.createSecret(ns.name, { metadata: { name: 's' } });
    await ns.client.createPod(ns.name, pod);
    await ns.delete();
    await ns.delete();
    expect(calls).toEqual([
      'createNamespace ci-job-1700000000-4 {"app.kubernetes.io/managed-by":"glci","job.glci.dev/pipeline":"1700000000","job.glci.dev/id":"4"}',
      'createSecret ci-job-1700000000-4',
      'createPod ci-job-1700000000-4',
      'deleteNamespace ci-job-1700000000-4',
    ]);
  });

  it('deletes nothing when the job never got to create its namespace', async () => {
    const { client, calls } = fakeClient();
    await new JobNamespace(client, chooseNamespace({ namespace: '', namespacePerJob: true }, ids), ids, wait()).delete();
    expect(calls).toEqual([]);
  });

  it('never deletes a namespace of that name it could not create', async () => {
    const taken = new ExecutorError('KUBE_API', 'kubernetes: namespaces "ci-job-1700000000-4" already exists');
    const { client, calls } = fakeClient([], taken);
    const ns = new JobNamespace(client, chooseNamespace({ namespace: '', namespacePerJob: true }, ids), ids, wait());
    const error = await failure(ns.client.createPod(ns.name, pod));
    expect(error).toMatchObject({ code: 'KUBE_NAMESPACE', message: 'cannot create the job\'s namespace ci-job-1700000000-4 (namespace_per_job): namespaces "ci-job-1700000000-4" already exists' });
    expect(error.hint).toContain('kubectl get namespace ci-job-1700000000-4');
    await ns.delete();
    expect(calls.filter((c) => !c.startsWith('createNamespace'))).toEqual([]);
  });
});

describe('createJobPod', () => {
  it('retries while the new namespace has no default service account, telling it once', async () => {
    const { client, calls } = fakeClient([refusal('ci-x'), refusal('ci-x'), 'ok']);
    const told: string[] = [];
    await expect(createJobPod(client, 'ci-x', pod, wait(5000, (m) => told.push(m)))).resolves.toBe(pod);
    expect(calls).toEqual(['createPod ci-x', 'createPod ci-x', 'createPod ci-x']);
    expect(told).toEqual(['Waiting for the default service account of namespace ci-x ...']);
  });

  it('gives up after the timeout with the reason and the admission message', async () => {
    const { client } = fakeClient(Array.from({ length: 100 }, () => refusal('ci-x')));
    const started = Date.now();
    const error = await failure(createJobPod(client, 'ci-x', pod, wait(400)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(error.code).toBe('KUBE_SERVICE_ACCOUNT');
    expect(error.message).toMatch(/^namespace ci-x got no "default" service account within poll_timeout \(0s\), so the pod was refused: pods "p" is forbidden: error looking up service account ci-x\/default/);
  });

  it('fails at once on any other refusal, also another namespace\'s or account\'s', async () => {
    for (const other of [new ExecutorError('KUBE_API', 'kubernetes: pods "p" is forbidden: exceeded quota'), refusal('elsewhere'), new ExecutorError('KUBE_API', 'kubernetes: pods "p" is forbidden: error looking up service account ci-x/deployer: serviceaccount "deployer" not found')]) {
      const { client, calls } = fakeClient([other]);
      await expect(createJobPod(client, 'ci-x', pod, wait())).rejects.toBe(other);
      expect(calls).toHaveLength(1);
    }
  });

  it('stops waiting when the job is cancelled', async () => {
    const { client } = fakeClient(Array.from({ length: 100 }, () => refusal('ci-x')));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const error = await failure(createJobPod(client, 'ci-x', pod, { timeoutMs: 60_000, signal: controller.signal }));
    expect(error.code).toBe('KUBE_CANCELED');
  });
});
