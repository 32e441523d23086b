// Namespaces and overwrite variables on the test bed: namespace_per_job creates the job's namespace,
// runs the pod there and deletes it at cleanup whether the job passed, failed or never started;
// KUBERNETES_NAMESPACE_OVERWRITE allowed and refused; resource, label and bearer token overwrites as
// the API server stores and checks them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClient } from '../../src/executors/kubernetes/client.js';
import { createKubernetesExecutor } from '../../src/executors/kubernetes/kubernetes-executor.js';
import type { JobEnvironment } from '../../src/executors/executor.js';
import type { KubernetesSettings } from '../../src/model/kubernetes.js';
import type { JobVariable } from '../../src/model/plan.js';
import { generateStepScript } from '../../src/script/step-script.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, kubectl, loadImages, type KubeCluster } from '../setup/kube-cluster.js';
import { OutputCollector } from '../executors/contract-support.js';
import { eventually } from '../support/eventually.js';
import { plannedJob, variable } from '../support/planned-job.js';
import { kubernetesSettings, runnerSettings } from '../support/runner-settings.js';

const suffix = randomBytes(3).toString('hex');
/**
 * Namespaces of the test's own — the overwrite target, and one holding the bearer token's account —
 * so that no pod of this file shows in `default`, where the other files count glci's pods.
 */
const overwriteNamespace = `glci-ow-${suffix}`;
const tokenNamespace = `glci-bt-${suffix}`;
const tokenBinding = `glci-bt-${suffix}`;
const pipelineId = 800_000 + Math.floor(Math.random() * 100_000);

let cluster: KubeCluster;
let busybox = '';
let client: KubeClient;
let sourceDir = '';
let token = '';
const namespacesUsed = new Set<string>();

async function admin(args: string[]): Promise<string> {
  const result = await kubectl(cluster, args);
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** A namespace just created gets its `default` service account from the controller manager a moment later. */
const defaultAccount = (namespace: string) =>
  eventually(`service account ${namespace}/default`, 60_000, async () => ((await kubectl(cluster, ['-n', namespace, 'get', 'serviceaccount', 'default'])).exitCode === 0 ? true : undefined));

/** Namespace deletion is asynchronous: the namespace controller empties it, then it goes. */
const namespaceGone = (namespace: string) =>
  eventually(`namespace ${namespace} deleted`, 150_000, async () => {
    const result = await kubectl(cluster, ['get', 'namespace', namespace, '-o', 'name']);
    return result.exitCode !== 0 && /NotFound/.test(result.stderr) ? true : undefined;
  });

beforeAll(async () => {
  cluster = await ensureKubeCluster();
  [busybox] = (await loadImages(['busybox'])) as [string];
  client = createKubeClient({ kubeconfig: cluster.kubeconfig });
  sourceDir = mkdtempSync(join(tmpdir(), 'glci-kube-ns-'));
  writeFileSync(join(sourceDir, 'README.md'), 'hello\n');
  await admin(['create', 'namespace', overwriteNamespace]);
  await admin(['create', 'namespace', tokenNamespace]);
  await admin(['-n', tokenNamespace, 'create', 'serviceaccount', 'runner']);
  await admin(['create', 'clusterrolebinding', tokenBinding, '--clusterrole=cluster-admin', `--serviceaccount=${tokenNamespace}:runner`]);
  token = (await admin(['-n', tokenNamespace, 'create', 'token', 'runner', '--duration', '1h'])).trim();
  await defaultAccount(overwriteNamespace);
  await defaultAccount(tokenNamespace);
}, kubeSetupTimeoutMs);

afterAll(async () => {
  if (sourceDir) rmSync(sourceDir, { recursive: true, force: true });
  if (!cluster) return;
  try {
    // Every job above cleaned up after itself: no pod of this file's pipeline is left where jobs ran.
    for (const namespace of ['default', overwriteNamespace, tokenNamespace, ...namespacesUsed]) {
      await eventually(`no pod of pipeline ${pipelineId} left in ${namespace}`, 60_000, async () =>
        ((await client.listPods(namespace, `job.glci.dev/pipeline=${pipelineId}`)).length === 0 ? true : undefined));
    }
  } finally {
    await kubectl(cluster, ['delete', 'clusterrolebinding', tokenBinding, '--ignore-not-found']);
    await kubectl(cluster, ['delete', 'namespace', overwriteNamespace, tokenNamespace, '--ignore-not-found', '--wait=false']);
  }
}, 300_000);

function executor(overrides: Partial<KubernetesSettings>) {
  return createKubernetesExecutor({
    runner: runnerSettings(),
    kubernetes: kubernetesSettings({ image: busybox, helperImage: busybox, pullPolicy: ['never'], ...overrides }),
    kubeconfig: cluster.kubeconfig,
    killGraceMs: 500,
  });
}

async function prepare(settings: Partial<KubernetesSettings>, variables: JobVariable[] = [], image?: string) {
  const io = new OutputCollector();
  const jobId = Math.floor(Math.random() * 1e6);
  const job = plannedJob('ns job', { variables: [variable('CI_JOB_NAME', 'ns job'), ...variables], ...(image ? { image: { name: image } } : {}) });
  const env = await executor(settings).prepare(job, { sourceDir, stateDir: join(sourceDir, '.state'), pipelineId, jobId }, io, new AbortController().signal);
  return { env, io, jobId };
}

/** Delivers the sources (which makes the project directory), then runs one step. */
async function step(env: JobEnvironment, commands: string[]) {
  await env.getSources?.(new AbortController().signal);
  const script = generateStepScript({ step: 'step_script', commands, variables: [], projectDir: env.projectDir, tmpDir: env.tmpDir, shell: 'bash' });
  return env.run({ name: 'step_script', script }, new AbortController().signal);
}

const namespaceLine = (text: string) => /Using Kubernetes namespace: ([^\s\x1b]+)/.exec(text)?.[1];

describe('namespace_per_job on the test bed', () => {
  it('creates ci-job-<pipeline>-<job>, labelled, runs the job there and deletes it at cleanup', async () => {
    const { env, io, jobId } = await prepare({ namespacePerJob: true, namespace: 'unused' });
    const namespace = `ci-job-${pipelineId}-${jobId}`;
    namespacesUsed.add(namespace);
    try {
      expect(namespaceLine(io.text)).toBe(namespace);
      const labels = JSON.parse(await admin(['get', 'namespace', namespace, '-o', 'jsonpath={.metadata.labels}'])) as Record<string, string>;
      expect(labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'glci', 'job.glci.dev/id': String(jobId) });
      const [pod, ...others] = await client.listPods(namespace, `job.glci.dev/id=${jobId}`);
      expect(others).toEqual([]);
      expect(pod?.status?.phase).toBe('Running');
      const outcome = await step(env, ['echo "namespace is $(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace)"']);
      expect(outcome.exitCode, io.text).toBe(0);
      expect(io.text).toContain(`namespace is ${namespace}`);
    } finally {
      await env.cleanup();
    }
    await namespaceGone(namespace);
  }, 240_000);

  it('deletes the namespace of a job that failed', async () => {
    const { env, io, jobId } = await prepare({ namespacePerJob: true });
    const namespace = `ci-job-${pipelineId}-${jobId}`;
    namespacesUsed.add(namespace);
    try {
      expect((await step(env, ['exit 3'])).exitCode, io.text).toBe(3);
    } finally {
      await env.cleanup();
    }
    await namespaceGone(namespace);
  }, 240_000);

  it('deletes the namespace when prepare fails after creating it', async () => {
    const io = new OutputCollector();
    const jobId = Math.floor(Math.random() * 1e6);
    const namespace = `ci-job-${pipelineId}-${jobId}`;
    namespacesUsed.add(namespace);
    const job = plannedJob('no image', { image: { name: 'glci-test/no-such-image:1' } });
    const error = await executor({ namespacePerJob: true })
      .prepare(job, { sourceDir, stateDir: join(sourceDir, '.state'), pipelineId, jobId }, io, new AbortController().signal)
      .then(() => null, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/ErrImageNeverPull/);
    // The namespace existed (the pod was refused inside it), and is gone again.
    expect(io.text).toContain(`Using Kubernetes namespace: ${namespace}`);
    await namespaceGone(namespace);
  }, 240_000);
});

describe('KUBERNETES_NAMESPACE_OVERWRITE on the test bed', () => {
  it('runs the pod in the overwritten namespace when namespace_overwrite_allowed matches', async () => {
    const { env, io, jobId } = await prepare({ namespace: tokenNamespace, namespaceOverwriteAllowed: '^glci-ow-' }, [variable('KUBERNETES_NAMESPACE_OVERWRITE', overwriteNamespace)]);
    try {
      expect(io.text).toContain(`"Namespace" overwritten with "${overwriteNamespace}"`);
      expect(namespaceLine(io.text)).toBe(overwriteNamespace);
      expect(await client.listPods(overwriteNamespace, `job.glci.dev/id=${jobId}`)).toHaveLength(1);
    } finally {
      await env.cleanup();
    }
  });

  it('refuses a namespace the regex does not match before anything is created', async () => {
    const error = await prepare({ namespace: tokenNamespace, namespaceOverwriteAllowed: '^glci-ow-' }, [variable('KUBERNETES_NAMESPACE_OVERWRITE', 'kube-system')]).then(() => null, (e: unknown) => e as Error);
    expect(error?.message).toContain('provided value "kube-system" does not match "^glci-ow-"');
    expect(await client.listPods('kube-system', `job.glci.dev/pipeline=${pipelineId}`)).toEqual([]);
    expect(await client.listPods(tokenNamespace, `job.glci.dev/pipeline=${pipelineId}`)).toEqual([]);
  });

  it('ignores the variable when namespace_overwrite_allowed is unset', async () => {
    const { env, io } = await prepare({ namespace: tokenNamespace }, [variable('KUBERNETES_NAMESPACE_OVERWRITE', overwriteNamespace)]);
    try {
      expect(namespaceLine(io.text)).toBe(tokenNamespace);
      expect(io.text).not.toContain('overwritten');
    } finally {
      await env.cleanup();
    }
  });
});

describe('resource, label and bearer token overwrites on the test bed', () => {
  it('stores an overwritten CPU request and an added pod label in the pod', async () => {
    const tier = `ci-${suffix}`;
    const { env, io, jobId } = await prepare(
      { namespace: overwriteNamespace, build: { cpuRequest: '100m' }, buildOverwriteMax: { cpuRequest: '500m' }, podLabels: { team: 'infra' }, podLabelsOverwriteAllowed: '^tier=' },
      [variable('KUBERNETES_CPU_REQUEST', '250m'), variable('KUBERNETES_POD_LABELS_TIER', `tier=${tier}`)],
    );
    try {
      expect(io.text).toContain('"CPURequest" overwritten with "250m"');
      expect(io.text).toContain(`"PodLabels" "tier" overwritten with "${tier}"`);
      const [listed] = await client.listPods(overwriteNamespace, `job.glci.dev/id=${jobId}`);
      const pod = await client.readPod(overwriteNamespace, listed?.metadata?.name ?? '');
      expect(pod?.metadata?.labels).toMatchObject({ team: 'infra', tier });
      expect(pod?.spec?.containers.find((c) => c.name === 'build')?.resources?.requests).toMatchObject({ cpu: '250m' });
    } finally {
      await env.cleanup();
    }
  });

  it('refuses a CPU request above cpu_request_overwrite_max_allowed', async () => {
    const error = await prepare({ namespace: overwriteNamespace, buildOverwriteMax: { cpuRequest: '500m' } }, [variable('KUBERNETES_CPU_REQUEST', '0.6')]).then(() => null, (e: unknown) => e as Error);
    expect(error?.message).toContain('invalid build requests specified: the resource "CPURequest" requested "0.6" is higher than limit allowed "500m"');
  });

  it('calls the API server with KUBERNETES_BEARER_TOKEN when bearer_token_overwrite_allowed', async () => {
    const access = { host: cluster.server, caFile: join(cluster.stateDir, 'pki', 'ca.crt'), bearerToken: 'glci-not-a-token', namespace: tokenNamespace };
    const { env, io, jobId } = await prepare({ ...access, bearerTokenOverwriteAllowed: true }, [variable('KUBERNETES_BEARER_TOKEN', token, { masked: true })]);
    try {
      expect(io.text).toContain('"BearerToken" overwritten with "XXXXXXXX..."');
      expect(io.text).not.toContain(token);
      expect(await client.listPods(tokenNamespace, `job.glci.dev/id=${jobId}`)).toHaveLength(1);
    } finally {
      await env.cleanup();
    }
    // Not allowed: the configured (here invalid) token is used, and the API server refuses it.
    const refused = await prepare(access, [variable('KUBERNETES_BEARER_TOKEN', token)]).then(() => null, (e: unknown) => e as Error);
    expect(refused?.message).toMatch(/HTTP 401|Unauthorized/);
  });
});
