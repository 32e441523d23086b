// `glci exec JOB` and `glci run` on kubernetes through the built CLI (bin/run.js; `npm run build`
// first), against the test bed: a kubernetes runner of config.toml, `--executor kubernetes` on a
// runner of another executor, exit statuses, and no pod of glci left behind.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClient } from '../../src/executors/kubernetes/client.js';
import { isolatedEnv } from '../acceptance/fixture-git.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, loadImages } from '../setup/kube-cluster.js';
import { committedProject, createOwnNamespace, removeOwnNamespace } from './own-namespace.js';
import { eventually } from '../support/eventually.js';

const cli = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

let root = '';
let projectDir = '';
let kubeconfig = '';
let busybox = '';
let client: KubeClient;
// A namespace of this file's own: other files' pods run in `default` at the same time.
const namespace = `glci-cli-${randomBytes(3).toString('hex')}`;

async function glci(args: string[]) {
  const result = await execa(process.execPath, [cli, ...args, '--cwd', projectDir, '--state-dir', join(root, 'state'), '--no-tui'], {
    env: { ...isolatedEnv(), HOME: root },
    extendEnv: false,
    reject: false,
    timeout: 240_000,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

const runnerToml = (executor: string) =>
  [
    'concurrent = 2',
    '[[runners]]',
    `  name = "${executor}-runner"`,
    `  executor = "${executor}"`,
    '  [runners.kubernetes]',
    `    namespace = "${namespace}"`,
    `    helper_image = "${busybox}"`,
    '    pull_policy = "never"',
    '    poll_timeout = 120',
    '',
  ].join('\n');

beforeAll(async () => {
  const cluster = await ensureKubeCluster();
  kubeconfig = cluster.kubeconfig;
  [busybox] = (await loadImages(['busybox'])) as [string];
  client = createKubeClient({ kubeconfig });
  await createOwnNamespace(cluster, client, namespace);
  root = await mkdtemp(join(tmpdir(), 'glci-kube-cli-'));
  projectDir = join(root, 'project');
  const pipeline = [
    `image: ${busybox}`,
    'hello:',
    '  script:',
    '    - cat README.md',
    '    - echo "in pod $(hostname) as $CI_JOB_NAME"',
    'waits:',
    '  script: ["echo started", "sleep 300"]',
    'fails:',
    '  script: ["echo about to fail", "exit 3"]',
    '',
  ].join('\n');
  await committedProject(projectDir, { 'README.md': 'hello from the checkout\n', '.gitlab-ci.yml': pipeline });
  await writeFile(join(root, 'kube.toml'), runnerToml('kubernetes'));
  await writeFile(join(root, 'docker.toml'), runnerToml('docker'));
}, kubeSetupTimeoutMs);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  if (client) await removeOwnNamespace(client, namespace);
});

describe('glci on kubernetes', () => {
  it('exec runs one job of a kubernetes runner in a pod, with the checkout and GitLab Runner\'s log', async () => {
    const res = await glci(['exec', 'hello', '--config', join(root, 'kube.toml'), '--kubeconfig', kubeconfig]);
    expect(res.exitCode, res.stderr + res.stdout).toBe(0);
    expect(res.stderr).toContain('Using the kubernetes executor for 1 job(s) (runner "kubernetes-runner" uses the kubernetes executor)');
    expect(res.stdout).toContain(`Using Kubernetes namespace: ${namespace}`);
    expect(res.stdout).toContain(`Using Kubernetes executor with image ${busybox} ...`);
    expect(res.stdout).toContain('hello from the checkout');
    expect(res.stdout).toMatch(/in pod runner-glci-\S+ as hello/);
    expect(res.stdout).toContain('Job succeeded');
    expect(res.stdout).not.toContain('fails');
  });

  it('exec --executor kubernetes takes a job of a docker runner to the cluster, and a failing script exits 1', async () => {
    const res = await glci(['exec', 'fails', '--executor', 'kubernetes', '--config', join(root, 'docker.toml'), '--kubeconfig', kubeconfig]);
    expect(res.exitCode, res.stderr).toBe(1);
    expect(res.stderr).toContain('Using the kubernetes executor for 1 job(s) (--executor kubernetes)');
    expect(res.stdout).toContain('about to fail');
    expect(res.stdout).toContain('ERROR: Job failed: exit code 3');
  });

  it('deletes the pod of a job stopped with Ctrl-C, and exits 130', async () => {
    const child = execa(process.execPath, [cli, 'exec', 'waits', '--config', join(root, 'kube.toml'), '--kubeconfig', kubeconfig, '--cwd', projectDir, '--state-dir', join(root, 'state'), '--no-tui'], {
      env: { ...isolatedEnv(), HOME: root },
      extendEnv: false,
      reject: false,
      timeout: 240_000,
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    await eventually('the job started', 120_000, async () => (/^waits \| started$/m.test(output) ? true : undefined));
    const pods = await client.listPods(namespace, 'app.kubernetes.io/managed-by=glci,job.glci.dev/name=waits');
    expect(pods).toHaveLength(1);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(130);
    await eventually('the pod is gone', 30_000, async () => ((await client.readPod(namespace, pods[0]?.metadata?.name ?? '')) === null ? true : undefined));
  });

  it('names a kubeconfig context that does not exist, with the ones there, as a system error', async () => {
    const res = await glci(['exec', 'hello', '--config', join(root, 'kube.toml'), '--kubeconfig', kubeconfig, '--kube-context', 'nope']);
    expect(res.exitCode).toBe(3);
    expect(res.stdout).toContain('ERROR: Job failed (system failure): kubernetes: no context "nope" in the kubeconfig');
    expect(res.stdout + res.stderr).not.toMatch(/\n\s+at /);
  });

  it('exec without a job name is a usage error', async () => {
    const res = await glci(['exec', '--executor', 'kubernetes']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('Missing 1 required arg');
  });
});
