// The pod features of [runners.kubernetes] on the test bed: configured volumes of four kinds reach the
// stored pod and the job sees their files; DOCKER_AUTH_CONFIG becomes a dockercfg pull secret that
// cleanup deletes; image:kubernetes:user runs the build container as that user (within allowed_users
// and allowed_groups) with the checkout its own; a list of pull policies falls back on the next one and
// then fails with the pod's events. Nothing of glci (pod or secret) is left behind.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClient } from '../../src/executors/kubernetes/client.js';
import { createKubernetesExecutor } from '../../src/executors/kubernetes/kubernetes-executor.js';
import type { KubernetesSettings } from '../../src/model/kubernetes.js';
import type { JobVariable } from '../../src/model/plan.js';
import { generateStepScript } from '../../src/script/step-script.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, kubectl, loadImages, type KubeCluster } from '../setup/kube-cluster.js';
import { OutputCollector } from '../executors/contract-support.js';
import { plannedJob, variable } from '../support/planned-job.js';
import { kubernetesSettings, runnerSettings } from '../support/runner-settings.js';

const suffix = Math.random().toString(36).slice(2, 8);
const configMap = `glci-test-cfg-${suffix}`;
const secret = `glci-test-sec-${suffix}`;
const GLCI = 'app.kubernetes.io/managed-by=glci';

let cluster: KubeCluster;
let busybox = '';
let client: KubeClient;
let sourceDir = '';
let hostDir = '';

async function kube(args: string[], input?: string): Promise<string> {
  const result = await kubectl(cluster, args, input === undefined ? {} : { input });
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

async function glciSecrets(selector = GLCI): Promise<{ name: string; type: string }[]> {
  const list = JSON.parse(await kube(['get', 'secrets', '-n', 'default', '-l', selector, '-o', 'json'])) as { items: { metadata: { name: string }; type: string }[] };
  return list.items.map((s) => ({ name: s.metadata.name, type: s.type }));
}

beforeAll(async () => {
  cluster = await ensureKubeCluster();
  [busybox] = (await loadImages(['busybox'])) as [string];
  client = createKubeClient({ kubeconfig: cluster.kubeconfig });
  sourceDir = mkdtempSync(join(tmpdir(), 'glci-kube-features-'));
  writeFileSync(join(sourceDir, 'README.md'), 'hello\n');
  // The node is this machine: a host_path under a temp dir is what the kubelet mounts.
  hostDir = mkdtempSync(join(tmpdir(), 'glci-kube-hostpath-'));
  writeFileSync(join(hostDir, 'from-host.txt'), 'host file\n');
  await kube(['create', 'configmap', configMap, '-n', 'default', '--from-literal=app.conf=config map value']);
  await kube(['create', 'secret', 'generic', secret, '-n', 'default', '--from-literal=token=secret value']);
}, kubeSetupTimeoutMs);

afterAll(async () => {
  if (sourceDir) rmSync(sourceDir, { recursive: true, force: true });
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
  if (!client) return;
  await kubectl(cluster, ['delete', 'configmap', configMap, '-n', 'default', '--ignore-not-found']);
  await kubectl(cluster, ['delete', 'secret', secret, '-n', 'default', '--ignore-not-found']);
  // Only this file's pipeline: other files run pods of glci in `default` at the same time.
  const mine = `${GLCI},job.glci.dev/pipeline=12`;
  let left = await client.listPods('default', mine);
  for (let i = 0; i < 120 && left.length; i++) {
    await new Promise((r) => setTimeout(r, 250));
    left = await client.listPods('default', mine);
  }
  expect(left.map((p) => p.metadata?.name)).toEqual([]);
  expect(await glciSecrets(mine)).toEqual([]);
});

interface Extra {
  image?: string;
  variables?: JobVariable[];
  io?: OutputCollector;
  featureFlags?: Record<string, boolean>;
  /** image:kubernetes:user of the job's image (the configured image's name). */
  imageUser?: string;
}

async function prepare(overrides: Partial<KubernetesSettings>, name: string, extra: Extra = {}) {
  const executor = createKubernetesExecutor({
    runner: runnerSettings({ featureFlags: extra.featureFlags ?? {} }),
    kubernetes: kubernetesSettings({ image: busybox, helperImage: busybox, pullPolicy: ['never'], ...overrides }),
    kubeconfig: cluster.kubeconfig,
    killGraceMs: 500,
  });
  const io = extra.io ?? new OutputCollector();
  const jobId = Math.floor(Math.random() * 1e6);
  const image = extra.image ?? (extra.imageUser ? busybox : undefined);
  const user = extra.imageUser ? { kubernetes: { user: extra.imageUser } } : {};
  const job = plannedJob(name, { variables: [variable('CI_JOB_NAME', name), ...(extra.variables ?? [])], ...(image ? { image: { name: image, ...user } } : {}) });
  const env = await executor.prepare(job, { sourceDir, stateDir: join(sourceDir, '.state'), pipelineId: 12, jobId }, io, new AbortController().signal);
  return { env, io, jobId };
}

type Prepared = Awaited<ReturnType<typeof prepare>>;

async function runScript({ env }: Prepared, commands: string[]) {
  await env.getSources?.(new AbortController().signal);
  const script = generateStepScript({ step: 'step_script', commands, variables: [], projectDir: env.projectDir, tmpDir: env.tmpDir, shell: 'bash' });
  return env.run({ name: 'step_script', script }, new AbortController().signal);
}

describe('pod features on the test bed', () => {
  it('mounts host_path, empty_dir, config_map and secret volumes into the stored pod and the job sees their files', async () => {
    const base = { readOnly: false } as const;
    const job = await prepare(
      {
        volumes: [
          { ...base, kind: 'host_path', name: 'host', mountPath: '/mnt/host', hostPath: hostDir, readOnly: true },
          { ...base, kind: 'empty_dir', name: 'scratch', mountPath: '/scratch', medium: 'Memory', sizeLimit: '16Mi' },
          { ...base, kind: 'config_map', name: configMap, mountPath: '/etc/app', items: {} },
          { ...base, kind: 'secret', name: secret, mountPath: '/run/secret', readOnly: true, items: { token: 'auth/token' } },
        ],
      },
      'volumes',
    );
    try {
      const [pod] = await client.listPods('default', `job.glci.dev/id=${job.jobId}`);
      const volumes = Object.fromEntries((pod?.spec?.volumes ?? []).map((v) => [v.name, v]));
      expect(volumes.host?.hostPath?.path).toBe(hostDir);
      expect(volumes.scratch?.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '16Mi' });
      expect(volumes[configMap]?.configMap?.name).toBe(configMap);
      expect(volumes[secret]?.secret).toMatchObject({ secretName: secret, items: [{ key: 'token', path: 'auth/token' }] });
      for (const container of pod?.spec?.containers ?? []) {
        expect(container.volumeMounts?.map((m) => m.mountPath), container.name).toEqual(expect.arrayContaining(['/builds', '/mnt/host', '/scratch', '/etc/app', '/run/secret']));
      }
      const outcome = await runScript(job, ['cat /mnt/host/from-host.txt', 'cat /etc/app/app.conf; echo', 'cat /run/secret/auth/token; echo', 'echo scratch > /scratch/x && cat /scratch/x', 'touch /mnt/host/nope || echo read-only']);
      expect(outcome.exitCode, job.io.text).toBe(0);
      expect(job.io.text).toContain('host file\n');
      expect(job.io.text).toContain('config map value\n');
      expect(job.io.text).toContain('secret value\n');
      expect(job.io.text).toMatch(/^scratch$/m);
      expect(job.io.text).toMatch(/^read-only$/m);
    } finally {
      await job.env.cleanup();
    }
  });

  it('turns DOCKER_AUTH_CONFIG into a dockercfg pull secret of the pod, deleted at cleanup', async () => {
    const password = `pw-${suffix}-never-logged`;
    const auth = JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from(`ci:${password}`).toString('base64') } } });
    const job = await prepare({}, 'pull secret', { variables: [variable('DOCKER_AUTH_CONFIG', auth, { public: false })] });
    const selector = `${GLCI},job.glci.dev/id=${job.jobId}`;
    try {
      const secrets = await glciSecrets(selector);
      expect(secrets).toEqual([{ name: expect.stringMatching(/^runner-glci-12-\d+-[a-z0-9]{8}$/) as unknown as string, type: 'kubernetes.io/dockercfg' }]);
      const [pod] = await client.listPods('default', `job.glci.dev/id=${job.jobId}`);
      expect(pod?.spec?.imagePullSecrets).toEqual([{ name: secrets[0]?.name }]);
      const stored = JSON.parse(await kube(['get', 'secret', secrets[0]?.name ?? '', '-n', 'default', '-o', 'json'])) as { data: Record<string, string> };
      expect(Object.keys(stored.data)).toEqual(['.dockercfg']);
      expect(JSON.parse(Buffer.from(stored.data['.dockercfg'] ?? '', 'base64').toString('utf8'))).toEqual({
        'https://index.docker.io/v1/': { username: 'ci', password, auth: Buffer.from(`ci:${password}`).toString('base64') },
      });
    } finally {
      await job.env.cleanup();
    }
    expect(job.io.text).not.toContain(password);
    expect(await glciSecrets(selector)).toEqual([]);
  });

  it('stores the security contexts and applies pod_spec patches with FF_USE_ADVANCED_POD_SPEC_CONFIGURATION', async () => {
    const io = new OutputCollector();
    const job = await prepare(
      {
        capAdd: ['SYS_TIME'],
        buildContainerSecurityContext: { runAsGroup: 1234 },
        podSpec: [
          { name: 'env', patchType: 'strategic', patch: { containers: [{ name: 'build', env: [{ name: 'PATCHED', value: 'by-strategic' }] }] } },
          { name: 'host', patchType: 'json', patch: [{ op: 'add', path: '/hostname', value: 'patched-host' }] },
          { name: 'labels', patchType: 'merge', patch: { dnsPolicy: 'Default' } },
        ],
      },
      'security and patches',
      { io, featureFlags: { FF_USE_ADVANCED_POD_SPEC_CONFIGURATION: true } },
    );
    try {
      expect(io.text).toContain('WARNING: Advanced Pod Spec configuration enabled, merging the provided PodSpec to the generated one.');
      const [pod] = await client.listPods('default', `job.glci.dev/id=${job.jobId}`);
      const containers = Object.fromEntries((pod?.spec?.containers ?? []).map((c) => [c.name, c]));
      expect(containers.build?.securityContext).toEqual({ capabilities: { add: ['SYS_TIME'], drop: ['NET_RAW'] }, runAsGroup: 1234 });
      expect(containers.helper?.securityContext).toEqual({ capabilities: { add: ['SYS_TIME'], drop: ['NET_RAW'] } });
      expect(containers.build?.env).toContainEqual({ name: 'PATCHED', value: 'by-strategic' });
      expect(pod?.spec).toMatchObject({ hostname: 'patched-host', dnsPolicy: 'Default' });
      const outcome = await runScript(job, [
        'echo "gid=$(id -g) host=$(hostname) patched=$PATCHED"',
        'echo "capeff=$(( 0x$(awk \'/^CapEff/ {print $2}\' /proc/self/status) ))"',
      ]);
      expect(outcome.exitCode, job.io.text).toBe(0);
      expect(job.io.text).toContain('gid=1234 host=patched-host patched=by-strategic');
      // The runtime applied the capabilities: NET_RAW (bit 13) dropped, SYS_TIME (bit 25) added.
      const capEff = BigInt(/^capeff=(\d+)$/m.exec(job.io.text)?.[1] ?? '-1');
      expect(capEff & (1n << 13n)).toBe(0n);
      expect(capEff & (1n << 25n)).toBe(1n << 25n);
    } finally {
      await job.env.cleanup();
    }
  });

  it('runs the build container as image:kubernetes:user within allowed_users, and says when a group is refused', async () => {
    const io = new OutputCollector();
    const job = await prepare({ allowedUsers: ['1000'], allowedGroups: ['3000'] }, 'job user', { io, imageUser: '1000:2000' });
    try {
      expect(io.text).toContain('WARNING: Error parsing \'gid\' from image options for container "build", using the configured security context: validating GID: group "2000" is not in the allowed list: [3000]');
      const [pod] = await client.listPods('default', `job.glci.dev/id=${job.jobId}`);
      const build = pod?.spec?.containers.find((c) => c.name === 'build');
      expect(build?.securityContext).toMatchObject({ runAsUser: 1000 });
      expect(build?.securityContext?.runAsGroup).toBeUndefined();
      // The checkout is the build user's: it can write to its project and beside it.
      const outcome = await runScript(job, ['echo "uid=$(id -u)"', 'touch written-by-job && stat -c "owner=%u" README.md']);
      expect(outcome.exitCode, job.io.text).toBe(0);
      expect(job.io.text).toMatch(/^uid=1000$/m);
      expect(job.io.text).toMatch(/^owner=1000$/m);
    } finally {
      await job.env.cleanup();
    }
  });

  it('falls back on the next pull policy, then fails with the pod\'s events and leaves no pod', async () => {
    // Nothing listens on port 1: the pull the second policy makes fails at once.
    const image = '127.0.0.1:1/glci-test/absent:1';
    const io = new OutputCollector();
    const failure = await prepare({ pullPolicy: ['never', 'if-not-present'], pollTimeout: 60 }, 'fallback', { image, io }).catch((e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(Error);
    expect(io.text).toContain('Using effective pull policy of [Never IfNotPresent] for container build');
    expect(io.text).toContain(`WARNING: Failed to pull image "${image}" for container "build" with policy "Never": image pull failed: Container image "${image}" is not present`);
    expect(io.text).toContain(`Attempt #2: Trying "IfNotPresent" pull policy for "${image}" image for container "build"`);
    expect(io.text).toContain(`WARNING: Failed to pull image "${image}" for container "build" with policy "IfNotPresent"`);
    const message = (failure as Error).message;
    expect(message).toMatch(/cannot start: container build: (ErrImagePull|ImagePullBackOff)/);
    expect(message).toMatch(/pod events:\n[\s\S]*Failed: .*127\.0\.0\.1:1\/glci-test\/absent:1/);
  });
});
