// Services in the job's pod on the test bed: a slow busybox-web service waited for by its
// HEALTHCHECK_TCP_PORT, reached from the script by its alias and by the host name derived from its
// image (hostAliases on 127.0.0.1), the stored pod's containers; a service that dies fails prepare
// with its exit code; no pod of glci is left behind.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClient } from '../../src/executors/kubernetes/client.js';
import { createKubernetesExecutor } from '../../src/executors/kubernetes/kubernetes-executor.js';
import type { ServiceDefinition } from '../../src/model/config.js';
import { generateStepScript } from '../../src/script/step-script.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, loadImages } from '../setup/kube-cluster.js';
import { OutputCollector } from '../executors/contract-support.js';
import { plannedJob, variable } from '../support/planned-job.js';
import { kubernetesSettings, runnerSettings } from '../support/runner-settings.js';

let busybox = '';
let web = '';
let kubeconfig = '';
let client: KubeClient;
let sourceDir = '';

beforeAll(async () => {
  kubeconfig = (await ensureKubeCluster()).kubeconfig;
  [busybox, web] = (await loadImages(['busybox', 'busybox-web'])) as [string, string];
  client = createKubeClient({ kubeconfig });
  sourceDir = mkdtempSync(join(tmpdir(), 'glci-kube-services-'));
  writeFileSync(join(sourceDir, 'README.md'), 'hello\n');
}, kubeSetupTimeoutMs);

afterAll(async () => {
  if (sourceDir) rmSync(sourceDir, { recursive: true, force: true });
  if (!client) return;
  let left = await client.listPods('default', 'app.kubernetes.io/managed-by=glci,job.glci.dev/pipeline=13');
  for (let i = 0; i < 120 && left.length; i++) {
    await new Promise((r) => setTimeout(r, 250));
    left = await client.listPods('default', 'app.kubernetes.io/managed-by=glci,job.glci.dev/pipeline=13');
  }
  expect(left.map((p) => p.metadata?.name)).toEqual([]);
});

async function prepare(name: string, services: ServiceDefinition[]) {
  const executor = createKubernetesExecutor({
    runner: runnerSettings(),
    kubernetes: kubernetesSettings({ image: busybox, helperImage: busybox, pullPolicy: ['never'] }),
    kubeconfig,
    killGraceMs: 500,
  });
  const io = new OutputCollector();
  const jobId = Math.floor(Math.random() * 1e6);
  const job = plannedJob(name, { variables: [variable('CI_JOB_NAME', name), variable('WEB_PORT', '8080')], services });
  const env = executor.prepare(job, { sourceDir, stateDir: join(sourceDir, '.state'), pipelineId: 13, jobId }, io, new AbortController().signal);
  return { env, io, jobId };
}

describe('kubernetes services on the test bed', () => {
  it('waits for a slow service, which the script reaches by its alias and by its image name', async () => {
    // httpd starts only after 3 s: without the wait the script's first request would be refused.
    const slow: ServiceDefinition = {
      name: web,
      aliases: ['web'],
      command: ['sh', '-c', 'sleep 3; exec httpd -f -p 8080 -h /www'],
      variables: { HEALTHCHECK_TCP_PORT: '$WEB_PORT' },
    };
    const derived = web.replace(/:[^:]+$/, '').replaceAll('/', '-'); // glci-test-busybox-web
    const { env: preparing, io, jobId } = await prepare('with services', [slow]);
    const env = await preparing;
    try {
      expect(io.text).toContain('Waiting for services to be up and running...');
      expect(io.text).toContain('waiting for TCP connection to localhost:8080 (service web)...');
      const [pod] = await client.listPods('default', `job.glci.dev/id=${jobId}`);
      const spec = pod?.spec;
      expect(spec?.containers.map((c) => c.name)).toEqual(['build', 'helper', 'web']);
      const service = spec?.containers[2];
      expect(service).toMatchObject({ image: web, args: ['sh', '-c', 'sleep 3; exec httpd -f -p 8080 -h /www'], imagePullPolicy: 'Never' });
      expect(service?.command).toBeUndefined();
      expect(service?.env).toEqual(expect.arrayContaining([{ name: 'HEALTHCHECK_TCP_PORT', value: '8080' }, { name: 'CI_JOB_NAME', value: 'with services' }]));
      expect(service?.volumeMounts?.filter((m) => ['repo', 'scripts'].includes(m.name))).toEqual(spec?.containers[0]?.volumeMounts?.filter((m) => ['repo', 'scripts'].includes(m.name)));
      expect(spec?.hostAliases).toEqual([{ ip: '127.0.0.1', hostnames: [derived, 'web'] }]);

      await env.getSources?.(new AbortController().signal);
      const script = generateStepScript({
        step: 'step_script',
        commands: ['wget -q -O- http://web:8080/', `wget -q -O- http://${derived}:8080/`, 'grep -w web /etc/hosts'],
        variables: [],
        projectDir: env.projectDir,
        tmpDir: env.tmpDir,
        shell: 'bash',
      });
      const outcome = await env.run({ name: 'step_script', script }, new AbortController().signal);
      expect(outcome.exitCode, io.text).toBe(0);
      expect(io.text.match(/^hello from busybox-web$/gm)).toHaveLength(2);
      expect(io.text).toMatch(/^127\.0\.0\.1\s.*\bweb\b/m);
    } finally {
      await env.cleanup();
    }
  }, 180_000);

  it('fails prepare when a waited-for service dies, and deletes the pod', async () => {
    const dead: ServiceDefinition = { name: web, aliases: ['dead'], command: ['sh', '-c', 'echo bye; exit 3'], variables: { HEALTHCHECK_TCP_PORT: '8080' } };
    const { env, jobId } = await prepare('dead service', [dead]);
    await expect(env).rejects.toMatchObject({
      code: 'KUBE_SERVICE_EXITED',
      message: `service container dead (${web}) ended (exit code 3, Error) before port 8080 accepted connections`,
    });
    const [pod] = await client.listPods('default', `job.glci.dev/id=${jobId}`);
    expect(pod === undefined || pod.metadata?.deletionTimestamp !== undefined).toBe(true);
  }, 180_000);
});
