// Services on the real engine: host names (explicit and derived from the image), per-build network vs
// legacy links, the health check (slow and dead services), variables passed to services, and cleanup
// counted by label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../src/executors/docker/client.js';
import { createDockerExecutor } from '../../src/executors/docker/docker-executor.js';
import { resolveEngineAddress } from '../../src/executors/docker/engine-address.js';
import { LABELS } from '../../src/executors/docker/labels.js';
import type { ServiceDefinition } from '../../src/model/config.js';
import type { JobVariable } from '../../src/model/plan.js';
import { ensureImage } from '../../fixtures/images/build.js';
import { createWorkspace, prepareJob, testJob, variable } from '../executors/contract-support.js';
import { dockerSettings, runnerSettings } from '../support/runner-settings.js';

const client = createDockerClient(resolveEngineAddress({ env: process.env }));
const pipelineId = 900_000 + Math.floor(Math.random() * 99_999);
let busybox = '';
let web = '';
let workspace: ReturnType<typeof createWorkspace>;
let jobCounter = 0;

beforeAll(async () => {
  [busybox, web] = await Promise.all([ensureImage('busybox'), ensureImage('busybox-web')]);
  workspace = createWorkspace();
}, 30 * 60_000);

afterAll(() => workspace?.dispose());

async function leftovers(): Promise<number> {
  const filter = [`${LABELS.pipelineId}=${pipelineId}`];
  const [containers, networks, volumes] = await Promise.all([client.listContainers(filter), client.listNetworks(filter), client.listVolumes(filter)]);
  return containers.length + networks.length + volumes.length;
}

function service(name: string, extra: Partial<ServiceDefinition> = {}): ServiceDefinition {
  return { name, aliases: [], ...extra };
}

/** Prepares a job with these services, runs `commands`, cleans up; returns the log and exit code. */
async function runWithServices(services: ServiceDefinition[], commands: string[], options: { variables?: JobVariable[]; flags?: Record<string, boolean>; wait?: number } = {}) {
  jobCounter++;
  const executor = createDockerExecutor({
    runner: runnerSettings({ featureFlags: options.flags ?? {} }),
    docker: dockerSettings({ image: busybox, waitForServicesTimeout: options.wait ?? 15 }),
    env: process.env,
    killGraceMs: 500,
  });
  const job = testJob(`services ${jobCounter}`, { services, variables: [variable('CI_JOB_NAME', 'services'), ...(options.variables ?? [])] });
  const p = await prepareJob(executor, job, { ...workspace, stateDir: workspace.stateDir }, jobCounter, pipelineId);
  try {
    const outcome = await p.run(commands);
    return { exitCode: outcome.exitCode, log: p.io.text };
  } finally {
    await p.env.cleanup();
  }
}

describe('docker services', () => {
  it('reach the job by their aliases and by the host names derived from the image', async () => {
    const derived = web.replace(/:[^:]+$/, ''); // glci-test/busybox-web
    const { exitCode, log } = await runWithServices([service(web, { aliases: ['site', 'www'] })], [
      'wget -qO- http://site:8080/',
      'wget -qO- http://www:8080/',
      `wget -qO- http://${derived.replaceAll('/', '-')}:8080/`,
      `nslookup ${derived.replaceAll('/', '__')} 127.0.0.11 >/dev/null && echo underscored-resolves`,
    ]);
    expect(log).toContain(`Starting service ${derived}:`);
    expect(log).toContain('Waiting for services to be up and running (timeout 15 seconds)...');
    expect(log.match(/hello from busybox-web/g)).toHaveLength(3);
    expect(log).toContain('underscored-resolves');
    expect(exitCode).toBe(0);
    expect(await leftovers()).toBe(0);
  }, 120_000);

  it('reach each other on the per-build network, and not in legacy mode (FF_NETWORK_PER_BUILD=false)', async () => {
    // The second service listens only once it can fetch the first one by its alias.
    const relay = service(web, {
      aliases: ['relay'],
      command: ['sh', '-c', 'until wget -q -O /www/index.html http://origin:8080/; do sleep 0.2; done; exec httpd -f -p 8081 -h /www'],
      variables: { HEALTHCHECK_TCP_PORT: '8081' },
    });
    const services = [service(web, { aliases: ['origin'] }), relay];
    const perBuild = await runWithServices(services, ['wget -qO- http://relay:8081/']);
    expect(perBuild.log).toContain('hello from busybox-web');
    expect(perBuild.exitCode).toBe(0);

    const legacy = await runWithServices(services, ['wget -qO- http://origin:8080/ && echo job-reaches-origin', 'wget -T 2 -qO- http://relay:8081/'], { flags: { FF_NETWORK_PER_BUILD: false }, wait: 4 });
    expect(legacy.log).toContain('job-reaches-origin');
    expect(legacy.log).toContain("probably didn't start properly");
    expect(legacy.exitCode).not.toBe(0);
    expect(await leftovers()).toBe(0);
  }, 120_000);

  it('waits for a slow service before the script starts', async () => {
    const slow = service(web, { aliases: ['slow'], command: ['sh', '-c', 'sleep 3; exec httpd -f -p 8080 -h /www'] });
    const { exitCode, log } = await runWithServices([slow], ['wget -qO- http://slow:8080/']);
    expect(log).not.toContain("probably didn't start properly");
    expect(log).toContain('hello from busybox-web');
    expect(exitCode).toBe(0);
  }, 120_000);

  it('reports a dead service with its own log and goes on with the job', async () => {
    const dead = service(web, { aliases: ['dead'], command: ['sh', '-c', 'echo dying-service-says-goodbye; exit 3'] });
    const { exitCode, log } = await runWithServices([dead], ['echo job-went-on']);
    expect(log).toMatch(/\*\*\* WARNING:.*Service .*busybox-web-0 probably didn't start properly\./);
    expect(log).toContain('Service container logs:');
    expect(log).toContain('dying-service-says-goodbye');
    expect(log).toContain('job-went-on');
    expect(exitCode).toBe(0);
    expect(await leftovers()).toBe(0);
  }, 120_000);

  it('warns about a service without exposed ports instead of waiting', async () => {
    const { exitCode, log } = await runWithServices([service(busybox, { aliases: ['quiet'], command: ['sleep', '300'] })], ['echo done']);
    expect(log).toContain('has no exposed ports');
    expect(exitCode).toBe(0);
  }, 120_000);

  it('stream their logs into the job log with CI_DEBUG_SERVICES', async () => {
    const chatty = service(web, { aliases: ['chatty'], command: ['sh', '-c', 'echo service-says-hello; exec httpd -f -p 8080 -h /www'] });
    const { exitCode, log } = await runWithServices([chatty], ['wget -qO- http://chatty:8080/ >/dev/null', 'sleep 0.5'], { variables: [variable('CI_DEBUG_SERVICES', 'true')] });
    expect(log).toMatch(/\[service:[^\]]*chatty[^\]]*\].* service-says-hello\n/);
    expect(exitCode).toBe(0);
    const quiet = await runWithServices([chatty], ['true']);
    expect(quiet.log).not.toContain('service-says-hello');
  }, 120_000);

  it('see the job’s public variables and their own, never masked ones', async () => {
    const echo = service(web, {
      aliases: ['echo'],
      command: ['sh', '-c', 'echo "job=$JOB_VAR own=$OWN_VAR secret=${SECRET_VAR:-unset}" > /www/index.html; exec httpd -f -p 8080 -h /www'],
      variables: { OWN_VAR: '$JOB_VAR-own' },
    });
    const { exitCode, log } = await runWithServices([echo], ['wget -qO- http://echo:8080/'], {
      variables: [variable('JOB_VAR', 'from-job'), variable('SECRET_VAR', 'hunter2', { public: false, masked: true })],
    });
    expect(log).toContain('job=from-job own=from-job-own secret=unset');
    expect(exitCode).toBe(0);
  }, 120_000);
});
