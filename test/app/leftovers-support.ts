// Test support for `glci clean` and `glci cache`: labelled Docker resources made the way the docker
// executor labels them (src/executors/docker/labels.ts), with the pid of a dead process (a crashed run)
// or of this test process (a live run), and a state directory with fake builds, pipelines and caches.
// Every resource also carries a per-test label, so tests count and clean only their own.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { LABELS } from '../../src/executors/docker/labels.js';

export const docker = new Docker();
export const TEST_LABEL = 'org.glci.test-run';

/** A pid no process has any more: a child that already exited (pids are not reused that fast). */
export async function deadPid(): Promise<number> {
  const child = spawn('true');
  await once(child, 'exit');
  return child.pid as number;
}

export interface LabelInput {
  testRun: string;
  pid: number;
  type: string;
  pipelineId: string;
  projectDir: string;
  extra?: Record<string, string>;
}

export function glciLabels(input: LabelInput): Record<string, string> {
  return {
    [LABELS.managed]: 'true',
    [LABELS.type]: input.type,
    [LABELS.pipelineId]: input.pipelineId,
    [LABELS.projectDir]: input.projectDir,
    [LABELS.pid]: String(input.pid),
    [TEST_LABEL]: input.testRun,
    ...input.extra,
  };
}

export interface RunLeftovers {
  container: string;
  network: string;
  volume: string;
}

/**
 * What one docker job leaves: a per-build network, a builds volume, and a running build container
 * attached to both (so the network and volume cannot go before the container).
 */
export async function createRunLeftovers(image: string, input: Omit<LabelInput, 'type'>): Promise<RunLeftovers> {
  const base = `glci-test-${randomUUID().slice(0, 8)}`;
  const network = `${base}-network`;
  const volume = `${base}-builds`;
  await docker.createNetwork({ Name: network, Labels: glciLabels({ ...input, type: 'build' }) });
  await docker.createVolume({ Name: volume, Labels: glciLabels({ ...input, type: 'builds', extra: { [LABELS.destination]: '/builds', [LABELS.reusable]: 'false' } }) });
  const container = await docker.createContainer({
    name: `${base}-build`,
    Image: image,
    Cmd: ['sleep', '300'],
    Labels: glciLabels({ ...input, type: 'build' }),
    HostConfig: { NetworkMode: network, Binds: [`${volume}:/builds`] },
  });
  await container.start();
  return { container: container.id, network, volume };
}

/** A persistent cache volume, as the docker executor creates for `[runners.docker] volumes = ["/cache"]`. */
export async function createCacheVolume(input: Omit<LabelInput, 'type'>, destination = '/cache'): Promise<string> {
  const name = `glci-test-${randomUUID().slice(0, 8)}-cache`;
  await docker.createVolume({ Name: name, Labels: glciLabels({ ...input, type: 'cache', extra: { [LABELS.destination]: destination, [LABELS.reusable]: 'true' } }) });
  return name;
}

export interface LabelledCounts {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/** Names (ids for containers) of everything carrying `label` (KEY=VALUE). */
export async function byLabel(label: string): Promise<LabelledCounts> {
  const filters = { label: [label] };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return {
    containers: containers.map((c) => c.Id).sort(),
    networks: networks.map((n) => n.Name).sort(),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name).sort(),
  };
}

/** Removes everything carrying `label`, whatever a test left (containers first). */
export async function removeByLabel(label: string): Promise<void> {
  const left = await byLabel(label);
  await Promise.allSettled(left.containers.map((id) => docker.getContainer(id).remove({ force: true, v: true })));
  await Promise.allSettled(left.networks.map((name) => docker.getNetwork(name).remove()));
  await Promise.allSettled(left.volumes.map((name) => docker.getVolume(name).remove()));
}

const DAY_MS = 86_400_000;

/** Sets a path's times `days` into the past (so an unmarked builds folder looks abandoned). */
export async function age(path: string, days: number): Promise<void> {
  const when = new Date(Date.now() - days * DAY_MS);
  await utimes(path, when, when);
}

/** A shell executor's builds copy: `builds/<id>/<job dir>/<project>` and its `.tmp` folder. */
export async function fakeBuilds(stateDir: string, pipelineId: string, ageDays = 0): Promise<string> {
  const root = join(stateDir, 'builds', pipelineId);
  const job = join(root, 'build-0123abcd');
  await mkdir(join(job, 'project'), { recursive: true });
  await mkdir(join(job, 'project.tmp'), { recursive: true });
  await writeFile(join(job, 'project', 'file.txt'), 'x');
  if (ageDays > 0) for (const dir of [join(job, 'project'), join(job, 'project.tmp'), job, root]) await age(dir, ageDays);
  return root;
}

export interface FakeArtifacts {
  job: string;
  expireIn: string | null;
  createdAt: Date;
}

/** A pipeline folder with stored artifacts (metadata.json as src/artifacts/artifact-store.ts writes it). */
export async function fakePipeline(stateDir: string, pipelineId: string, artifacts: readonly FakeArtifacts[]): Promise<string> {
  const dir = join(stateDir, 'pipelines', pipelineId);
  await mkdir(join(dir, 'artifacts'), { recursive: true });
  for (const [index, a] of artifacts.entries()) {
    const jobDir = join(dir, 'artifacts', `job-${index}`);
    await mkdir(jobDir, { recursive: true });
    await writeFile(join(jobDir, 'artifacts.tar'), Buffer.alloc(1024));
    const metadata = { job: a.job, jobId: index + 1, name: 'artifacts', expireIn: a.expireIn, createdAt: a.createdAt.toISOString(), archiveEntries: 1, reports: {}, dotenv: { variables: [], errors: [] } };
    await writeFile(join(jobDir, 'metadata.json'), `${JSON.stringify(metadata)}\n`);
  }
  return dir;
}

/** A local cache archive `cache/<key>/cache.tar` (plus the metadata.json the cache stage writes). */
export async function fakeLocalCache(stateDir: string, key: string, bytes = 2048): Promise<string> {
  const dir = join(stateDir, 'cache', ...key.split('/'));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'cache.tar'), Buffer.alloc(bytes));
  await writeFile(join(dir, 'metadata.json'), `${JSON.stringify({ cachekey: key })}\n`);
  return join(dir, 'cache.tar');
}
