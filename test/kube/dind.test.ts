// Docker-in-Docker on the kubernetes executor through the built CLI (bin/run.js; `npm run build`
// first), as GitLab documents it for Kubernetes
// (https://docs.gitlab.com/ci/docker/using_docker_build/#use-the-kubernetes-executor-with-docker-in-docker):
// image docker-cli, service docker-dind aliased `docker`, an empty_dir (medium Memory) at /certs/client,
// DOCKER_HOST=tcp://docker:2376 with TLS. The stand-in images (fixtures/images/docker-cli, docker-dind)
// run Debian's Docker 20.10. Three runs:
// - without privileges (the service runs `sleep` instead of dockerd): glci's warnings about the missing
//   client variables and privileges, and the pod's layout while the job runs;
// - `privileged = true`: dockerd starts in the service, the job imports a base image into it, builds
//   on it and runs the result. This works on the test bed although `docker run --privileged` does not:
//   containerd's CRI gives a privileged container the capabilities containerd itself has (here all but
//   SYS_RESOURCE, CapBnd 000001fffeffffff), where Docker asks for every capability the kernel knows;
// - no privileged container at all, for clusters that refuse one: every capability the host's bounding
//   set has, seccomp and AppArmor unconfined by a pod_spec patch, the host's cgroup tree mounted
//   read-write (what the docker executor's privileged_fallback gives, privileged-fallback.ts).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITY_NAMES, missingCapabilities, readCapabilityBoundingSet, readLastCapability } from '../../src/executors/docker/privileged-fallback.js';
import { createKubeClient, type KubeClient, type Pod } from '../../src/executors/kubernetes/client.js';
import { isolatedEnv } from '../acceptance/fixture-git.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, kubectl, loadImages, type KubeCluster } from '../setup/kube-cluster.js';
import { eventually } from '../support/eventually.js';
import { committedProject, createOwnNamespace, removeOwnNamespace } from './own-namespace.js';

const cli = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

let root = '';
let projectDir = '';
let cluster: KubeCluster;
let client: KubeClient;
let busybox = '';
let dockerCli = '';
let dockerDind = '';
// A namespace of this file's own: other files' pods run in `default` at the same time.
const namespace = `glci-dind-${randomBytes(3).toString('hex')}`;
const MANAGED = 'app.kubernetes.io/managed-by=glci';

function glci(args: string[]) {
  return execa(process.execPath, [cli, ...args, '--cwd', projectDir, '--state-dir', join(root, 'state'), '--no-tui'], {
    env: { ...isolatedEnv(), HOME: root },
    extendEnv: false,
    reject: false,
    timeout: 300_000,
  });
}

/** A kubernetes runner in this file's namespace with the certificates' empty_dir, plus `extra` TOML. */
function runnerToml(extra: { kubernetes?: string[]; tables?: string[] } = {}): string {
  return [
    '[[runners]]',
    '  name = "dind-runner"',
    '  executor = "kubernetes"',
    '  [runners.kubernetes]',
    `    namespace = "${namespace}"`,
    `    helper_image = "${busybox}"`,
    '    pull_policy = "never"',
    '    poll_timeout = 120',
    ...(extra.kubernetes ?? []),
    '    [[runners.kubernetes.volumes.empty_dir]]',
    '      name = "docker-certs"',
    '      mount_path = "/certs/client"',
    '      medium = "Memory"',
    ...(extra.tables ?? []),
    '',
  ].join('\n');
}

/**
 * Everything the host's bounding set has (here: all but SYS_RESOURCE), as a Kubernetes capability
 * list. The kubelet's containerd runs on this host, so it can grant these and no more.
 */
function hostCapabilities(): string[] {
  const bnd = readCapabilityBoundingSet(readFileSync('/proc/self/status', 'utf8'));
  const last = readLastCapability(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  const missing = missingCapabilities(bnd, last);
  return CAPABILITY_NAMES.slice(0, last + 1).filter((c) => !missing.includes(c));
}

const fallbackToml = () =>
  runnerToml({
    // GitLab Runner drops NET_RAW from every container unless cap_add names it, and the service's own
    // `capabilities.add` does not undo that drop: dind's containers get NET_RAW by default, so runc in the
    // service would fail with "unable to apply caps" on the first `RUN`.
    kubernetes: ['    cap_add = ["NET_RAW"]'],
    tables: [
      '  [runners.feature_flags]',
      '    FF_USE_ADVANCED_POD_SPEC_CONFIGURATION = true',
      '    [runners.kubernetes.service_container_security_context]',
      '      privileged = false',
      '      [runners.kubernetes.service_container_security_context.capabilities]',
      `        add = [${hostCapabilities().map((c) => JSON.stringify(c)).join(', ')}]`,
      // dind's dockerd sets up device and other cgroups for its containers: the pod's own (v1) cgroups
      // are read-only and deny most devices, so the host's tree is mounted as the docker executor does.
      '    [[runners.kubernetes.volumes.host_path]]',
      '      name = "cgroup"',
      '      mount_path = "/sys/fs/cgroup"',
      '      host_path = "/sys/fs/cgroup"',
      '    [[runners.kubernetes.pod_spec]]',
      '      name = "unconfined"',
      '      patch_type = "strategic"',
      `      patch = '${JSON.stringify({ securityContext: { seccompProfile: { type: 'Unconfined' }, appArmorProfile: { type: 'Unconfined' } } })}'`,
    ],
  });

function ciYaml(): string {
  const dind = (extra: string[]) => ['  services:', `    - name: ${dockerDind}`, '      alias: docker', ...extra];
  const tls = ['    DOCKER_HOST: tcp://docker:2376', '    DOCKER_TLS_CERTDIR: "/certs"'];
  return [
    `image: ${dockerCli}`,
    // dockerd for real: glci waits for its TLS port (HEALTHCHECK_TCP_PORT), by then the client
    // certificates are in the shared empty_dir. No registry here: the base image comes from the job
    // image's own static busybox.
    'nested:',
    ...dind(['      variables:', '        HEALTHCHECK_TCP_PORT: "2376"']),
    '  variables:',
    ...tls,
    '    DOCKER_TLS_VERIFY: "1"',
    '    DOCKER_CERT_PATH: "$DOCKER_TLS_CERTDIR/client"',
    '  script:',
    '    - docker info --format "nested server {{.ServerVersion}}"',
    '    - tar -C / -c bin/busybox | docker import - base:1',
    '    - |',
    `      printf '%s\\n' 'FROM base:1' 'RUN ["/bin/busybox", "--install", "-s", "/bin"]' 'RUN echo "built and run inside docker: $((6 * 7))" > /hello' 'CMD ["cat", "/hello"]' > Dockerfile`,
    '    - docker build -q -t app:1 .',
    '    - docker run --rm app:1',
    // No dockerd (the entrypoint runs any other command instead), so no privileges needed; the job
    // waits until the test has looked at the pod.
    'layout:',
    ...dind(['      command: ["sleep", "300"]']),
    '  variables:',
    ...tls,
    '  script:',
    '    - grep -w docker /etc/hosts',
    `    - awk '$2 == "/certs/client" { print "certs on", $3 }' /proc/mounts`,
    '    - echo "waiting for the test"',
    '    - i=0; while [ ! -e /tmp/inspected ] && [ $i -lt 240 ]; do sleep 0.5; i=$((i + 1)); done',
    '',
  ].join('\n');
}

beforeAll(async () => {
  cluster = await ensureKubeCluster();
  [busybox, dockerCli, dockerDind] = (await loadImages(['busybox', 'docker-cli', 'docker-dind'])) as [string, string, string];
  client = createKubeClient({ kubeconfig: cluster.kubeconfig });
  await createOwnNamespace(cluster, client, namespace);
  root = await mkdtemp(join(tmpdir(), 'glci-kube-dind-'));
  projectDir = join(root, 'project');
  await committedProject(projectDir, { '.gitlab-ci.yml': ciYaml() });
  await writeFile(join(root, 'unprivileged.toml'), runnerToml());
  await writeFile(join(root, 'privileged.toml'), runnerToml({ kubernetes: ['    privileged = true'] }));
  await writeFile(join(root, 'fallback.toml'), fallbackToml());
}, kubeSetupTimeoutMs);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  if (client) await removeOwnNamespace(client, namespace);
});

/** `glci exec JOB`, and the job's pod as the API server stored it while the job ran. */
async function execWatched(job: string, config: string) {
  const child = glci(['exec', job, '--config', join(root, config), '--kubeconfig', cluster.kubeconfig]);
  let done = false;
  void child.finally(() => (done = true));
  let pod: Pod | undefined;
  while (!done && !pod) {
    [pod] = await client.listPods(namespace, `${MANAGED},job.glci.dev/name=${job}`);
    if (!pod) await sleep(250);
  }
  const result = await child;
  return { result, output: String(result.stdout), pod };
}

function service(pod: Pod | undefined) {
  return pod?.spec?.containers.find((c) => c.name === 'docker');
}

function mountsOf(pod: Pod, container: string) {
  return pod.spec?.containers.find((c) => c.name === container)?.volumeMounts?.filter((m) => m.mountPath === '/certs/client').map((m) => m.name);
}

describe('Docker-in-Docker on kubernetes', () => {
  it('warns about the missing client variables and privileges, and lays out the pod as GitLab Runner does', async () => {
    const child = glci(['exec', 'layout', '--config', join(root, 'unprivileged.toml'), '--kubeconfig', cluster.kubeconfig]);
    let output = '';
    let inspected = false;
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    try {
      await eventually('the job waits for the test', 150_000, async () => (/^layout \| waiting for the test$/m.test(output) ? true : undefined));
      const [pod] = await client.listPods(namespace, `${MANAGED},job.glci.dev/name=layout`);
      expect(pod?.spec?.containers.map((c) => c.name)).toEqual(['build', 'helper', 'docker']);
      expect(pod?.spec?.containers.find((c) => c.name === 'docker')?.image).toBe(dockerDind);
      expect(pod?.spec?.volumes?.find((v) => v.name === 'docker-certs')?.emptyDir).toEqual({ medium: 'Memory' });
      expect(mountsOf(pod!, 'build')).toEqual(['docker-certs']);
      expect(mountsOf(pod!, 'docker')).toEqual(['docker-certs']);
      expect(pod?.spec?.hostAliases).toEqual([{ ip: '127.0.0.1', hostnames: expect.arrayContaining(['docker']) as string[] }]);
      const touched = await kubectl(cluster, ['-n', namespace, 'exec', pod?.metadata?.name ?? '', '-c', 'build', '--', 'touch', '/tmp/inspected']);
      expect(touched.exitCode, touched.stderr).toBe(0);
      inspected = true;
    } finally {
      // A failed look stops the job (glci deletes the pod on SIGINT) instead of leaving it waiting.
      if (!inspected) {
        child.kill('SIGINT');
        await child;
      }
    }
    const result = await child;
    expect(result.exitCode, String(result.stderr) + output).toBe(0);
    const warnings = output.split('\n').filter((l) => l.includes('WARNING:'));
    expect(warnings).toContainEqual(expect.stringContaining('the dind service runs unprivileged, so dockerd inside it cannot start: set privileged = true in [runners.kubernetes]'));
    expect(warnings).toContainEqual(
      expect.stringContaining('on Kubernetes the job image\'s entrypoint does not run, so nothing sets DOCKER_TLS_VERIFY, DOCKER_CERT_PATH for the docker client: set DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/certs/client"'),
    );
    // DOCKER_HOST is set and the empty_dir is there: neither is named.
    expect(warnings.join('\n')).not.toMatch(/DOCKER_HOST:|no empty_dir volume/);
    expect(output.indexOf('the dind service runs unprivileged')).toBeLessThan(output.indexOf('waiting for the test'));
    expect(output).toMatch(/^layout \| 127\.0\.0\.1\s.*\bdocker\b/m);
    expect(output).toMatch(/^layout \| certs on tmpfs$/m);
  }, 200_000);

  it('privileged = true: dockerd runs in the service, and the job builds and runs an image in it over TLS', async () => {
    const { result, output, pod } = await execWatched('nested', 'privileged.toml');
    expect(result.exitCode, String(result.stderr) + output).toBe(0);
    expect(service(pod)?.securityContext?.privileged).toBe(true);
    expect(output).toContain('waiting for TCP connection to localhost:2376 (service docker)');
    expect(output).not.toContain('Docker-in-Docker');
    expect(output).not.toMatch(/WARNING: .*(dind|DOCKER_)/);
    expect(output).toMatch(/^nested \| nested server 20\.10/m);
    expect(output).toMatch(/^nested \| built and run inside docker: 42$/m);
    expect(output).toContain('Job succeeded');
  }, 300_000);

  it('without a privileged container: host capabilities, unconfined seccomp/AppArmor and the host cgroup tree', async () => {
    const { result, output, pod } = await execWatched('nested', 'fallback.toml');
    expect(result.exitCode, String(result.stderr) + output).toBe(0);
    const context = service(pod)?.securityContext;
    expect(context?.privileged).toBe(false);
    expect(context?.capabilities?.add).toEqual(expect.arrayContaining(['SYS_ADMIN', 'NET_ADMIN', 'MKNOD']));
    expect(context?.capabilities?.add).toEqual(hostCapabilities());
    expect(context?.capabilities?.drop ?? []).not.toContain('NET_RAW');
    expect(pod?.spec?.securityContext).toMatchObject({ seccompProfile: { type: 'Unconfined' }, appArmorProfile: { type: 'Unconfined' } });
    expect(pod?.spec?.volumes?.find((v) => v.name === 'cgroup')?.hostPath?.path).toBe('/sys/fs/cgroup');
    expect(service(pod)?.volumeMounts?.find((m) => m.name === 'cgroup')).toMatchObject({ mountPath: '/sys/fs/cgroup' });
    expect(pod?.spec?.containers.every((c) => c.securityContext?.privileged !== true)).toBe(true);
    expect(output).toMatch(/^nested \| nested server 20\.10/m);
    expect(output).toMatch(/^nested \| built and run inside docker: 42$/m);
    expect(output).toContain('Job succeeded');
  }, 300_000);
});
