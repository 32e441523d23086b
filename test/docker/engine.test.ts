// The test bed itself: a real Docker engine, a locally built image, and the container,
// network and volume operations the docker executor will rely on. If this file fails, the
// executor tests cannot mean anything.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../fixtures/images/build.js';
import { ensureDockerEngine } from '../setup/docker-engine.js';

const runLabel = 'org.glci.test-run';
const runId = randomUUID();
const labels = { [runLabel]: runId };
const labelFilter = { label: [`${runLabel}=${runId}`] };
const resourceName = `glci-engine-test-${runId}`;
const docker = new Docker();

interface ExecOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Run a command in a running container the way an executor runs a step: exec + demux. */
async function execIn(container: Docker.Container, cmd: string[]): Promise<ExecOutput> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const readStdout = collect(stdout);
  const readStderr = collect(stderr);
  docker.modem.demuxStream(stream, stdout, stderr);
  await once(stream, 'end');
  // The engine can report the exit code a moment after the output stream ends.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const info = await exec.inspect();
    if (!info.Running) return { exitCode: info.ExitCode, stdout: readStdout(), stderr: readStderr() };
    await sleep(100);
  }
  throw new Error(`exec ${cmd.join(' ')} still running after its output ended`);
}

async function labelledLeftovers(): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters: labelFilter }),
    docker.listNetworks({ filters: labelFilter }),
    docker.listVolumes({ filters: labelFilter }),
  ]);
  return {
    containers: containers.map((c) => c.Id),
    networks: networks.map((n) => n.Name),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name),
  };
}

/** Best-effort removal of everything this run labelled, in dependency order. */
async function removeLabelled(): Promise<void> {
  const left = await labelledLeftovers();
  await Promise.allSettled(left.containers.map((id) => docker.getContainer(id).remove({ force: true, v: true })));
  await Promise.allSettled(left.networks.map((name) => docker.getNetwork(name).remove()));
  await Promise.allSettled(left.volumes.map((name) => docker.getVolume(name).remove()));
}

describe('real Docker engine', () => {
  let image = '';

  beforeAll(async () => {
    await ensureDockerEngine();
    image = await ensureImage('busybox');
  }, 30 * 60_000);

  afterAll(async () => {
    if (image !== '') await removeLabelled();
  }, 60_000);

  it('runs commands in a container from a locally built image, then leaves nothing behind', async () => {
    const network = await docker.createNetwork({ Name: resourceName, Labels: labels, CheckDuplicate: true });
    const volume = await docker.createVolume({ Name: resourceName, Labels: labels });
    const container = await docker.createContainer({
      Image: image,
      Cmd: ['sleep', '600'],
      Labels: labels,
      HostConfig: { NetworkMode: resourceName, Binds: [`${resourceName}:/data`] },
    });
    await container.start();

    await expect(execIn(container, ['echo', 'hello from glci'])).resolves.toEqual({
      exitCode: 0,
      stdout: 'hello from glci\n',
      stderr: '',
    });
    // A failing command is an exit code and stderr, not an error from the engine.
    await expect(execIn(container, ['sh', '-c', 'echo to-stderr >&2; exit 3'])).resolves.toEqual({
      exitCode: 3,
      stdout: '',
      stderr: 'to-stderr\n',
    });
    await expect(execIn(container, ['sh', '-c', 'echo kept > /data/f && cat /data/f'])).resolves.toMatchObject({
      exitCode: 0,
      stdout: 'kept\n',
    });
    const inspected = await container.inspect();
    expect(Object.keys(inspected.NetworkSettings.Networks)).toEqual([resourceName]);
    expect(inspected.Mounts.map((m) => [m.Name, m.Destination])).toEqual([[resourceName, '/data']]);
    expect(inspected.State.Running).toBe(true);

    await container.remove({ force: true });
    await network.remove();
    await volume.remove();
    expect(await labelledLeftovers()).toEqual({ containers: [], networks: [], volumes: [] });
  }, 120_000);
});
