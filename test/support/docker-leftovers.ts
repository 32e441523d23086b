// What the docker executor's runs of one project left on the engine, counted by glci's labels: the
// containers, networks and non-cache volumes (cache volumes are meant to persist).
import { createDockerClient, type DockerClient } from '../../src/executors/docker/client.js';
import { resolveEngineAddress } from '../../src/executors/docker/engine-address.js';
import { LABELS } from '../../src/executors/docker/labels.js';

export function engineClient(): DockerClient {
  return createDockerClient(resolveEngineAddress({ env: process.env }));
}

/** Names of the containers, networks and non-cache volumes whose project label is `projectDir`. */
export async function projectLeftovers(client: DockerClient, projectDir: string): Promise<string[]> {
  const filter = [`${LABELS.projectDir}=${projectDir}`];
  const [containers, networks, volumes] = await Promise.all([client.listContainers(filter), client.listNetworks(filter), client.listVolumes(filter)]);
  return [...containers, ...networks, ...volumes.filter((v) => v.labels[LABELS.reusable] !== 'true')].map((r) => r.name);
}

/** Removes every volume of the project, cache volumes included (a test's afterAll). */
export async function removeProjectVolumes(client: DockerClient, projectDir: string): Promise<void> {
  const volumes = await client.listVolumes([`${LABELS.projectDir}=${projectDir}`]);
  await Promise.all(volumes.map((v) => client.removeVolume(v.name)));
}
