// The docker executor against podman's Docker-compatible API (podman 4.3 on Debian bookworm, netavark
// + aardvark-dns for service aliases): the executor contract suite, the script reaching the shell
// intact, services (aliases, health check, dead service, legacy links), and cleanup counted by label.
// The service is started by test/setup/ensure-podman.sh on glci's own socket and left running, like
// dockerd; the test images are the Docker engine's, copied into podman's storage. Skips, with the
// reason, where podman cannot run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../src/executors/docker/client.js';
import { createDockerExecutor } from '../../src/executors/docker/docker-executor.js';
import { resolveEngineAddress } from '../../src/executors/docker/engine-address.js';
import { LABELS } from '../../src/executors/docker/labels.js';
import type { ServiceDefinition } from '../../src/model/config.js';
import { ensureImage } from '../../fixtures/images/build.js';
import { ensurePodmanEngine, ensurePodmanImages } from '../setup/podman-engine.js';
import { dockerSettings, runnerSettings } from '../support/runner-settings.js';
import { createWorkspace, prepareJob, testJob, variable } from './contract-support.js';
import { runExecutorContract } from './contract.js';

// Decided before the suites are registered, so an environment without podman skips them visibly.
const podman = await ensurePodmanEngine();
if (!podman.available) console.warn(`podman tests skipped: ${podman.reason}`);
const podmanUrl = podman.available ? podman.url : '';

// Everything this file creates carries this runner name, so the leftover count sees nothing else.
const runnerName = `podman-test-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
let busybox = '';
let web = '';

beforeAll(async () => {
  if (!podman.available) return;
  [busybox, web] = await Promise.all([ensureImage('busybox'), ensureImage('busybox-web')]);
  await ensurePodmanImages(podmanUrl, [busybox, web]);
}, 30 * 60_000);

function podmanExecutor(docker: Parameters<typeof dockerSettings>[0] = {}) {
  return createDockerExecutor({ runner: runnerSettings({ name: runnerName }), docker: dockerSettings({ image: busybox, host: podmanUrl, ...docker }), env: process.env, killGraceMs: 500 });
}

function podmanClient() {
  return createDockerClient(resolveEngineAddress({ host: podmanUrl, env: process.env }));
}

const ours = () => [`${LABELS.runner}=${runnerName}`];

async function leftovers(): Promise<number> {
  const client = podmanClient();
  const [containers, networks, volumes] = await Promise.all([client.listContainers(ours()), client.listNetworks(ours()), client.listVolumes(ours())]);
  return containers.length + networks.length + volumes.length;
}

// After the count has been asserted: whatever a failing run left behind goes, so podman's storage does
// not fill up with it. Two passes, because podman refuses to remove a container another one still
// uses as its network namespace (the health-check probe).
afterAll(async () => {
  if (!podman.available) return;
  const client = podmanClient();
  for (let pass = 0; pass < 2; pass++) {
    for (const c of await client.listContainers(ours())) await client.removeContainer(c.id).catch(() => undefined);
  }
  for (const v of await client.listVolumes(ours())) await client.removeVolume(v.name).catch(() => undefined);
  for (const n of await client.listNetworks(ours())) await client.removeNetwork(n.name).catch(() => undefined);
});

describe.skipIf(!podman.available)('docker executor on podman', () => {
  runExecutorContract('docker on podman', async () => podmanExecutor());

  describe('jobs on podman', () => {
    let workspace: ReturnType<typeof createWorkspace>;
    let jobCounter = 0;
    const pipelineId = 800_000 + Math.floor(Math.random() * 99_999);
    beforeAll(() => {
      workspace = createWorkspace();
    });
    afterAll(() => workspace?.dispose());

    async function runJob(services: ServiceDefinition[], commands: string[], options: { flags?: Record<string, boolean>; wait?: number } = {}) {
      jobCounter++;
      const executor = createDockerExecutor({
        runner: runnerSettings({ name: runnerName, featureFlags: options.flags ?? {} }),
        docker: dockerSettings({ image: busybox, host: podmanUrl, waitForServicesTimeout: options.wait ?? 15 }),
        env: process.env,
        killGraceMs: 500,
      });
      const job = testJob(`podman job ${jobCounter}`, { services, variables: [variable('CI_JOB_NAME', 'services')] });
      const p = await prepareJob(executor, job, workspace, jobCounter, pipelineId);
      try {
        const outcome = await p.run(commands);
        return { exitCode: outcome.exitCode, log: p.io.text };
      } finally {
        await p.env.cleanup();
      }
    }

    // Podman's attach hands the hijacked request's body to the container's stdin (Docker drops it), and
    // dockerode sends the attach options as a JSON body: the shell then reads `{"stream":true,...}`
    // glued to the script's first line and logs "not found" in every stage.
    it('feeds the shell exactly the script (nothing of the attach request before it)', async () => {
      const { exitCode, log } = await runJob([], ['echo only-this-line']);
      expect(log).toContain('only-this-line');
      expect(log).not.toMatch(/"?stream"?:true/);
      expect(log).not.toContain('not found');
      expect(exitCode).toBe(0);
    }, 120_000);

    it('reach the job by their aliases and by the host names derived from the image', async () => {
      const derived = web.replace(/:[^:]+$/, ''); // glci-test/busybox-web
      const { exitCode, log } = await runJob([{ name: web, aliases: ['site', 'www'] }], [
        'wget -qO- http://site:8080/',
        'wget -qO- http://www:8080/',
        `wget -qO- http://${derived.replaceAll('/', '-')}:8080/`,
        // aardvark-dns answers on the network's gateway (resolv.conf), not on Docker's 127.0.0.11.
        `nslookup ${derived.replaceAll('/', '__')} >/dev/null && echo underscored-resolves`,
      ]);
      expect(log).toContain(`Starting service ${derived}:`);
      expect(log).toContain('Waiting for services to be up and running (timeout 15 seconds)...');
      expect(log).not.toContain("probably didn't start properly");
      expect(log.match(/hello from busybox-web/g)).toHaveLength(3);
      expect(log).toContain('underscored-resolves');
      expect(exitCode).toBe(0);
    }, 120_000);

    it('waits for a slow service before the script starts (the probe joins its network namespace)', async () => {
      const slow: ServiceDefinition = { name: web, aliases: ['slow'], command: ['sh', '-c', 'sleep 3; exec httpd -f -p 8080 -h /www'] };
      const { exitCode, log } = await runJob([slow], ['wget -qO- http://slow:8080/']);
      expect(log).not.toContain("probably didn't start properly");
      expect(log).toContain('hello from busybox-web');
      expect(exitCode).toBe(0);
    }, 120_000);

    it('reports a dead service with its own log (podman k8s-file logs) and goes on with the job', async () => {
      const dead: ServiceDefinition = { name: web, aliases: ['dead'], command: ['sh', '-c', 'echo dying-service-says-goodbye; exit 3'] };
      const { exitCode, log } = await runJob([dead], ['echo job-went-on']);
      expect(log).toMatch(/\*\*\* WARNING:.*Service .*busybox-web-0 probably didn't start properly\./);
      expect(log).toContain('dying-service-says-goodbye');
      expect(log).toContain('job-went-on');
      expect(exitCode).toBe(0);
    }, 120_000);

    it('links services into the job in legacy mode (FF_NETWORK_PER_BUILD=false)', async () => {
      const { exitCode, log } = await runJob([{ name: web, aliases: ['origin'] }], ['wget -qO- http://origin:8080/ && echo job-reaches-origin'], { flags: { FF_NETWORK_PER_BUILD: false } });
      expect(log).toContain('job-reaches-origin');
      expect(exitCode).toBe(0);
    }, 120_000);
  });

  // Last in the file (vitest runs tests in order): every job above has been cleaned up by now.
  it('leaves no container, network or volume behind in podman', async () => {
    expect(await leftovers()).toBe(0);
  });
});
