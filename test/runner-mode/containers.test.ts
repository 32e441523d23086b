// `glci runner run` with the docker and kubernetes executors against the coordinator double: the job
// image from the payload, the sources fetched by the runner and delivered into the container, the
// trace byte for byte, masking, the exit code of a failing job, and nothing left on the engine or in
// the cluster.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../fixtures/images/build.js';
import { createKubeClient, type KubeClient } from '../../src/executors/kubernetes/client.js';
import { shortenRunnerToken } from '../../src/variables/runner-token.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, loadImages } from '../setup/kube-cluster.js';
import { engineClient, projectLeftovers } from '../support/docker-leftovers.js';
import { eventually } from '../support/eventually.js';
import { checksumOf, startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';
import { createOwnNamespace, removeOwnNamespace } from '../kube/own-namespace.js';
import { commitOf, fixtureRepository, type FixtureRepository } from './fixture-repository.js';
import { startRunner, steps, variable } from './harness.js';

let coordinator: Coordinator;
let repo: FixtureRepository;

beforeAll(async () => {
  coordinator = await startCoordinator({ longPollMs: 2_000 });
  repo = await fixtureRepository({ 'README.md': 'fetched by the runner\n' });
});

afterAll(async () => {
  await coordinator.close();
});

function jobInput(image: string, script: string[]) {
  const commit = commitOf(repo);
  return {
    git_info: commit.git_info,
    job_info: { project_full_path: 'group/project' },
    image: { name: image },
    variables: [...commit.variables, variable('API_KEY', 'k8s-and-docker-secret-42', { masked: true })],
    steps: steps(script, ['echo "after: $CI_JOB_STATUS"']),
  };
}

describe('runner mode, docker executor', () => {
  let busybox = '';
  let web = '';
  beforeAll(async () => {
    [busybox, web] = await Promise.all([ensureImage('busybox'), ensureImage('busybox-web')]);
  }, 600_000);

  it('runs the job in the payload’s image with its services and the fetched sources, masked, and leaves nothing behind', async () => {
    const token = coordinator.createRunner();
    const runner = await startRunner({ coordinator, token, executor: 'docker', runnerToml: ['  [runners.docker]', '    pull_policy = ["if-not-present"]'] });
    try {
      const ok = coordinator.enqueue(jobInput(busybox, ['cat README.md', 'echo "key=$API_KEY"', 'git rev-parse HEAD 2>/dev/null || cat .git/HEAD']));
      const failing = coordinator.enqueue({ ...jobInput(busybox, ['wget -qO- http://site:8080/', 'exit 7']), services: [{ name: web, alias: 'site,www' }] });
      const [passed, failed] = await Promise.all([coordinator.waitForJobFinished(ok, 120_000), coordinator.waitForJobFinished(failing, 120_000)]);
      const text = passed.trace.toString();
      expect(text).toContain('Using Docker executor with image');
      expect(text).toContain('fetched by the runner');
      expect(text).toContain(repo.sha);
      expect(text).toContain('key=[MASKED]');
      expect(text).not.toContain('k8s-and-docker-secret-42');
      expect(passed.updates.at(-1)).toMatchObject({ state: 'success', output: { checksum: checksumOf(passed.trace), bytesize: passed.trace.length } });
      expect(failed.updates.at(-1)).toMatchObject({ state: 'failed', failure_reason: 'script_failure', exit_code: 7 });
      expect(failed.trace.toString()).toContain('hello from busybox-web'); // the payload's service, by its alias
      expect(passed.features?.services).toBe(true);
    } finally {
      await runner.stop();
    }
    const checkout = join(runner.dir, 'builds', shortenRunnerToken(token), '0', 'group/project');
    expect(await projectLeftovers(engineClient(), checkout)).toEqual([]);
  });
  it('stops a job canceled in GitLab and removes its containers and network', async () => {
    const token = coordinator.createRunner();
    const runner = await startRunner({ coordinator, token, executor: 'docker', runnerToml: ['  [runners.docker]', '    pull_policy = ["if-not-present"]'] });
    try {
      const id = coordinator.enqueue({ ...jobInput(busybox, ['echo started', 'sleep 120', 'echo never']), services: [{ name: web, alias: 'site' }] });
      await eventually('the job started', 60_000, async () => (coordinator.jobs.get(id)?.trace.toString().includes('started') ? true : undefined));
      coordinator.cancel(id, { graceful: true });
      const record = await coordinator.waitForJobFinished(id, 60_000);
      expect(record.trace.toString()).not.toContain('never');
      expect(record.trace.toString()).toContain('after: canceled');
    } finally {
      await runner.stop();
    }
    const checkout = join(runner.dir, 'builds', shortenRunnerToken(token), '0', 'group/project');
    expect(await projectLeftovers(engineClient(), checkout)).toEqual([]);
  });
});

describe('runner mode, kubernetes executor', () => {
  let busybox = '';
  let client: KubeClient;
  const namespace = `glci-runner-${randomBytes(3).toString('hex')}`;
  let previousKubeconfig: string | undefined;

  beforeAll(async () => {
    const cluster = await ensureKubeCluster();
    [busybox] = (await loadImages(['busybox'])) as [string];
    client = createKubeClient({ kubeconfig: cluster.kubeconfig });
    await createOwnNamespace(cluster, client, namespace);
    // GitLab Runner's kubernetes executor finds its cluster like kubectl does: KUBECONFIG here.
    previousKubeconfig = process.env.KUBECONFIG;
    process.env.KUBECONFIG = cluster.kubeconfig;
  }, kubeSetupTimeoutMs);

  afterAll(async () => {
    if (previousKubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previousKubeconfig;
    if (client) await removeOwnNamespace(client, namespace);
  });

  it('runs the job in a pod with the fetched sources, masked, and deletes the pod', async () => {
    const token = coordinator.createRunner();
    const runner = await startRunner({
      coordinator,
      token,
      executor: 'kubernetes',
      runnerToml: ['  [runners.kubernetes]', `    namespace = "${namespace}"`, `    helper_image = "${busybox}"`, '    pull_policy = "never"', '    poll_timeout = 120'],
    });
    try {
      const id = coordinator.enqueue(jobInput(busybox, ['cat README.md', 'echo "key=$API_KEY"', 'exit 4']));
      const record = await coordinator.waitForJobFinished(id, 240_000);
      const text = record.trace.toString();
      expect(text).toContain('Using Kubernetes executor');
      expect(text).toContain('fetched by the runner');
      expect(text).toContain('key=[MASKED]');
      expect(text).not.toContain('k8s-and-docker-secret-42');
      expect(text).toContain('after: failed');
      expect(record.updates.at(-1)).toMatchObject({ state: 'failed', failure_reason: 'script_failure', exit_code: 4, output: { checksum: checksumOf(record.trace) } });
    } finally {
      await runner.stop();
    }
    await eventually('the job pod deleted', 60_000, async () => ((await client.listPods(namespace, 'app.kubernetes.io/managed-by=glci')).length === 0 ? true : undefined));
  }, 300_000);
});
