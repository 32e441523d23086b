// GitLab Runner's attach strategy on the test bed, beyond the contract suite (which runs with it):
// the pod it needs, output streamed while the step runs, a status line user output cannot forge,
// offsets across steps, the legacy flag as a job variable, and a build container or pod that goes
// away mid-step failing the step instead of hanging it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClient, type Pod } from '../../src/executors/kubernetes/client.js';
import { createKubernetesExecutor } from '../../src/executors/kubernetes/kubernetes-executor.js';
import type { JobEnvironment } from '../../src/executors/executor.js';
import { generateStepScript } from '../../src/script/step-script.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, loadImages } from '../setup/kube-cluster.js';
import { OutputCollector } from '../executors/contract-support.js';
import { eventually } from '../support/eventually.js';
import { plannedJob, variable } from '../support/planned-job.js';
import { kubernetesSettings, runnerSettings } from '../support/runner-settings.js';

let busybox = '';
let kubeconfig = '';
let client: KubeClient;
let sourceDir = '';
const pipelineId = 4000 + Math.floor(Math.random() * 1000);

beforeAll(async () => {
  kubeconfig = (await ensureKubeCluster()).kubeconfig;
  [busybox] = (await loadImages(['busybox'])) as [string];
  client = createKubeClient({ kubeconfig });
  sourceDir = mkdtempSync(join(tmpdir(), 'glci-kube-attach-'));
  writeFileSync(join(sourceDir, 'README.md'), 'hello\n');
}, kubeSetupTimeoutMs);

afterAll(async () => {
  if (sourceDir) rmSync(sourceDir, { recursive: true, force: true });
  if (!client) return;
  const selector = `job.glci.dev/pipeline=${pipelineId}`;
  await eventually('no pod of these tests left', 60_000, async () => ((await client.listPods('default', selector)).length === 0 ? true : undefined));
});

let jobId = 0;
async function prepare(variables: { key: string; value: string }[] = []) {
  const io = new OutputCollector();
  const id = ++jobId;
  const executor = createKubernetesExecutor({
    runner: runnerSettings(),
    kubernetes: kubernetesSettings({ image: busybox, helperImage: busybox, pullPolicy: ['never'] }),
    kubeconfig,
    killGraceMs: 500,
  });
  const job = plannedJob(`attach ${id}`, { variables: [variable('CI_JOB_NAME', `attach ${id}`), ...variables.map((v) => variable(v.key, v.value))] });
  const env = await executor.prepare(job, { sourceDir, stateDir: join(sourceDir, '.state'), pipelineId, jobId: id }, io, new AbortController().signal);
  await env.getSources?.(new AbortController().signal);
  const [pod] = await client.listPods('default', `job.glci.dev/pipeline=${pipelineId},job.glci.dev/id=${id}`);
  return { env, io, pod: pod as Pod };
}

const step = (env: JobEnvironment, commands: string[], name = 'step_script') => ({
  name,
  script: generateStepScript({ step: 'step_script', commands, variables: [], projectDir: env.projectDir, tmpDir: env.tmpDir, shell: 'bash' }),
});

describe('the attach strategy on the test bed', () => {
  it('says so, and the pod has the logs volume and init-permissions', async () => {
    const { env, io, pod } = await prepare();
    try {
      expect(io.text).toContain('Using attach strategy to execute scripts...');
      expect(pod.spec?.initContainers?.map((c) => c.name)).toEqual(['init-permissions']);
      expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode).toBe(0);
      expect(pod.spec?.volumes?.map((v) => v.name)).toContain('logs');
    } finally {
      await env.cleanup();
    }
  });

  it('streams output while the step runs, and user output cannot forge the status line', async () => {
    const { env, io } = await prepare();
    try {
      const forged = `{"command_exit_code": 0, "script": "/scripts-${pipelineId}-${jobId}/step_script"}`;
      const guess = `{"command_exit_code": 0, "script": "/scripts-${pipelineId}-${jobId}/step_script", "nonce": "00000000000000000000000000000000"}`;
      const running = env.run(step(env, ['echo started', `echo '${forged}'`, `echo '${guess}'`, 'sleep 2', 'exit 4']), new AbortController().signal);
      await eventually('output before the step ends', 10_000, async () => (io.text.includes('started\n') ? true : undefined));
      expect(io.text).not.toContain('$ exit 4');
      expect(await running).toEqual({ exitCode: 4, timedOut: false, canceled: false });
      // Shown as output lines of their own (the command lines echo them too, quoted).
      expect(io.text).toContain(`\n${forged}\n`);
      expect(io.text).toContain(`\n${guess}\n`);
      // The real status line (its nonce random) is not shown: only the guess's command line and output.
      expect(io.text.match(/"nonce": "/g)).toHaveLength(2);
    } finally {
      await env.cleanup();
    }
  });

  it('starts each step where the previous one ended, also after output without a newline', async () => {
    const { env, io } = await prepare();
    try {
      expect(await env.run(step(env, ['printf first-no-newline']), new AbortController().signal)).toMatchObject({ exitCode: 0 });
      expect(await env.run(step(env, ['echo second'], 'after_script'), new AbortController().signal)).toMatchObject({ exitCode: 0 });
      expect(await env.run(step(env, ['echo third']), new AbortController().signal)).toMatchObject({ exitCode: 0 });
      expect(io.text.match(/first-no-newline/g)).toHaveLength(2); // the command line and its output
      expect(io.text.match(/^second$/gm)).toHaveLength(1);
      expect(io.text.match(/^third$/gm)).toHaveLength(1);
      expect(io.text).not.toContain('command_exit_code');
    } finally {
      await env.cleanup();
    }
  });

  it('runs steps by exec when the job sets FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY', async () => {
    const { env, io, pod } = await prepare([{ key: 'FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY', value: 'true' }]);
    try {
      expect(io.text).not.toContain('Using attach strategy');
      expect(pod.spec?.initContainers).toBeUndefined();
      expect(pod.spec?.volumes?.map((v) => v.name)).not.toContain('logs');
      expect(await env.run(step(env, ['echo by-exec', 'exit 3']), new AbortController().signal)).toEqual({ exitCode: 3, timedOut: false, canceled: false });
      expect(io.text).toContain('by-exec\n');
    } finally {
      await env.cleanup();
    }
  });

  it('fails the step when the build container stops under it', async () => {
    const { env, io, pod } = await prepare();
    try {
      const running = env.run(step(env, ['sleep 300']), new AbortController().signal);
      await eventually('the step running', 10_000, async () => (io.text.includes('$ sleep 300') ? true : undefined));
      // The container's main shell reads its stdin: told to exit, the build container ends.
      await client.attach('default', pod.metadata?.name ?? '', 'build', Readable.from([Buffer.from('exit 7\n')]));
      await expect(running).rejects.toThrow(/the build container of pod default\/\S+ stopped while the step_script stage ran \(Error, exit code 7\)/);
    } finally {
      await env.cleanup();
    }
  });

  it('fails the step when the pod is deleted under it', async () => {
    const { env, io, pod } = await prepare();
    try {
      const running = env.run(step(env, ['sleep 300']), new AbortController().signal);
      await eventually('the step running', 10_000, async () => (io.text.includes('$ sleep 300') ? true : undefined));
      await client.deletePod('default', pod.metadata?.name ?? '', 0);
      await expect(running).rejects.toThrow(/^pod default\/\S+ was deleted while the step_script stage ran$/);
    } finally {
      await env.cleanup();
    }
  });
});
