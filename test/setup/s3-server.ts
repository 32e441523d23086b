// A real S3 server for the distributed-cache tests: Versity's S3 gateway (built by s3/build.sh) on
// its posix backend in a temp dir, listening on 127.0.0.1 only, with one root key pair. It checks
// the SigV4 signature of every request, presigned URLs included. One per test process; `stop()`
// (also run when the process exits) leaves nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { presignObjectUrl } from '../../src/artifacts/s3-presign.js';
import { runSetupOnce, setupError } from './setup-script.js';

export const s3BuildScript = fileURLToPath(new URL('./s3/build.sh', import.meta.url));

export interface TestS3Server {
  /** `127.0.0.1:PORT` (a ServerAddress; plain http, so `Insecure = true`). */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** Created at start. */
  bucket: string;
  /** Creates another bucket. */
  createBucket(name: string): Promise<void>;
  /** Stops the server and deletes its storage; safe to call twice. */
  stop(): Promise<void>;
}

/** A cold build downloads modules and compiles for a few minutes (more beside other builds). */
export const S3_SETUP_TIMEOUT_MS = 15 * 60_000;
const buildTimeoutMs = S3_SETUP_TIMEOUT_MS;

let running: Promise<TestS3Server> | undefined;

function buildServer(): Promise<string> {
  return runSetupOnce(s3BuildScript, buildTimeoutMs, (result) => {
    const binary = result.stdout.trim().split('\n').pop() ?? '';
    if (result.failed || binary === '') throw setupError('building the S3 test server', s3BuildScript, buildTimeoutMs, result);
    return binary;
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`versitygw exited with ${child.exitCode}:\n${output()}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`versitygw did not answer on ${url}:\n${output()}`);
}

async function launch(): Promise<TestS3Server> {
  const binary = await buildServer();
  const dir = await mkdtemp(join(tmpdir(), 'glci-s3-'));
  const port = await freePort();
  const endpoint = `127.0.0.1:${port}`;
  const accessKey = 'glci-test-access';
  const secretKey = `glci-test-secret-${process.pid}-${Date.now()}`;
  const child = spawn(binary, ['--access', accessKey, '--secret', secretKey, '--port', endpoint, '--quiet', 'posix', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  // A test process that dies without afterAll must still not leave a server running.
  const onExit = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    running = undefined;
    process.removeListener('exit', onExit);
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForServer(`http://${endpoint}/`, child, () => log);
    const createBucket = async (name: string) => {
      const endpointSettings = { serverAddress: endpoint, insecure: true, bucketName: name, bucketLocation: '' };
      const { url } = presignObjectUrl(endpointSettings, '', 'PUT', { accessKey, secretKey }, { expiresSeconds: 60 });
      const response = await fetch(url, { method: 'PUT' });
      if (!response.ok) throw new Error(`creating bucket ${name}: ${response.status} ${await response.text()}`);
    };
    await createBucket('glci-cache');
    return { endpoint, accessKey, secretKey, bucket: 'glci-cache', createBucket, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts the server once per process (later calls get the same one until it is stopped). */
export function startS3Server(): Promise<TestS3Server> {
  running ??= launch().catch((error: unknown) => {
    running = undefined;
    throw error;
  });
  return running;
}
