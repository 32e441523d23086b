// The kubernetes executor's own behaviour on the test bed, besides the contract suite: what reaches
// the stored pod, the errors a pod that cannot start gives (with its events), cancel, and that no
// pod of glci is left behind.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClient } from '../../src/executors/kubernetes/client.js';
import { createKubernetesExecutor } from '../../src/executors/kubernetes/kubernetes-executor.js';
import type { KubernetesSettings } from '../../src/model/kubernetes.js';
import { generateStepScript } from '../../src/script/step-script.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, loadImages } from '../setup/kube-cluster.js';
import { OutputCollector } from '../executors/contract-support.js';
import { plannedJob, variable } from '../support/planned-job.js';
import { kubernetesSettings, runnerSettings } from '../support/runner-settings.js';

let busybox = '';
let kubeconfig = '';
let client: KubeClient;
let sourceDir = '';

beforeAll(async () => {
  kubeconfig = (await ensureKubeCluster()).kubeconfig;
  [busybox] = (await loadImages(['busybox'])) as [string];
  client = createKubeClient({ kubeconfig });
  sourceDir = mkdtempSync(join(tmpdir(), 'glci-kube-exec-'));
  writeFileSync(join(sourceDir, 'README.md'), 'hello\n');
}, kubeSetupTimeoutMs);

afterAll(async () => {
  if (sourceDir) rmSync(sourceDir, { recursive: true, force: true });
  if (!client) return;
  // Every path above cleaned up after itself: no pod of glci may remain once deletions finish.
  let left = await client.listPods('default', 'app.kubernetes.io/managed-by=glci,job.glci.dev/pipeline=11');
  for (let i = 0; i < 120 && left.length; i++) {
    await new Promise((r) => setTimeout(r, 250));
    left = await client.listPods('default', 'app.kubernetes.io/managed-by=glci,job.glci.dev/pipeline=11');
  }
  expect(left.map((p) => p.metadata?.name)).toEqual([]);
});

function executor(overrides: Partial<KubernetesSettings> = {}) {
  return createKubernetesExecutor({
    runner: runnerSettings(),
    kubernetes: kubernetesSettings({ image: busybox, helperImage: busybox, pullPolicy: ['never'], ...overrides }),
    kubeconfig,
    killGraceMs: 500,
  });
}

const job = (name: string, image?: string) =>
  plannedJob(name, { variables: [variable('CI_JOB_NAME', name), variable('CI_JOB_TIMEOUT', '600')], ...(image ? { image: { name: image } } : {}) });

async function prepare(settings: Partial<KubernetesSettings>, name: string, image?: string) {
  const io = new OutputCollector();
  const jobId = Math.floor(Math.random() * 1e6);
  const env = await executor(settings).prepare(job(name, image), { sourceDir, stateDir: join(sourceDir, '.state'), pipelineId: 11, jobId }, io, new AbortController().signal);
  return { env, io, jobId };
}

describe('kubernetes executor on the test bed', () => {
  it('stores the resources, node selector, tolerations and labels of the settings in the pod', async () => {
    const { env } = await prepare(
      {
        build: { cpuRequest: '50m', memoryLimit: '128Mi' },
        helper: { cpuLimit: '200m' },
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        nodeTolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule' }, { key: 'spot', operator: 'Exists' }],
        podLabels: { team: 'infra' },
        podAnnotations: { 'example.com/owner': 'ci' },
      },
      'stored pod',
    );
    try {
      const [pod] = await client.listPods('default', 'team=infra');
      expect(pod?.spec?.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
      // FF_USE_POD_ACTIVE_DEADLINE_SECONDS, on by default: the job timeout plus one.
      expect(pod?.spec?.activeDeadlineSeconds).toBe(601);
      expect(pod?.spec?.tolerations).toEqual(expect.arrayContaining([
        { key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule' },
        { key: 'spot', operator: 'Exists' },
      ]));
      const build = pod?.spec?.containers.find((c) => c.name === 'build');
      expect(build?.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '128Mi' } });
      // The API server defaults a request to its limit when only the limit is set.
      expect(pod?.spec?.containers.find((c) => c.name === 'helper')?.resources).toEqual({ limits: { cpu: '200m' }, requests: { cpu: '200m' } });
      expect(pod?.metadata?.labels).toMatchObject({ team: 'infra', 'app.kubernetes.io/managed-by': 'glci', 'job.glci.dev/name': 'stored_pod' });
      expect(pod?.metadata?.annotations).toMatchObject({ 'example.com/owner': 'ci', 'job.glci.dev/name': 'stored pod' });
      // Admission adds the service account token's projected volume besides the builds and scripts ones.
      expect(pod?.spec?.volumes?.map((v) => v.name)).toEqual(expect.arrayContaining(['repo', 'scripts']));
    } finally {
      await env.cleanup();
    }
  });

  it('names a missing image with the pod\'s events and deletes the pod', async () => {
    const error = await prepare({}, 'no image', 'glci-test/no-such-image:1').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cannot start: container build: ErrImageNeverPull/);
    expect((error as Error).message).toMatch(/pod events:\n[\s\S]*ErrImageNeverPull: Container image "glci-test\/no-such-image:1" is not present/);
  });

  it('reports an unschedulable pod with FailedScheduling once poll_timeout is over', async () => {
    const error = await prepare({ nodeSelector: { 'glci.test/pool': 'none' }, pollInterval: 1, pollTimeout: 3 }, 'unschedulable').catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/timed out waiting for pod to start/);
    expect((error as Error).message).toMatch(/FailedScheduling: 0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector/);
  });

  it('deletes the pod of a cancelled job', async () => {
    const { env, io, jobId } = await prepare({}, 'cancelled');
    await env.getSources?.(new AbortController().signal);
    expect(io.text).toContain('Skipping Git checkout');
    const controller = new AbortController();
    const script = generateStepScript({ step: 'step_script', commands: ['echo started', 'sleep 600'], variables: [], projectDir: env.projectDir, tmpDir: env.tmpDir, shell: 'bash' });
    const running = env.run({ name: 'step_script', script }, controller.signal);
    for (let i = 0; i < 100 && !/^started$/m.test(io.text); i++) await new Promise((r) => setTimeout(r, 100));
    expect(io.text).toMatch(/^started$/m);
    controller.abort();
    const outcome = await running;
    expect(outcome, io.text).toMatchObject({ canceled: true, timedOut: false });
    await env.cleanup();
    const [pod] = await client.listPods('default', `job.glci.dev/id=${jobId}`);
    expect(pod === undefined || pod.metadata?.deletionTimestamp !== undefined).toBe(true);
  });
});
