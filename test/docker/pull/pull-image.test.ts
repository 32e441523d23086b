// The retry loop and the progress lines, with a scripted stand-in for the engine's pull call (the
// real engine is exercised in resolve-image.test.ts).
import { describe, expect, it } from 'vitest';
import type { DockerClient, PullProgress } from '../../../src/executors/docker/client.js';
import type { RunnerLineKind } from '../../../src/log/runner-lines.js';
import { classifyPullText, daemonText, engineFailure } from '../../../src/executors/docker/pull/pull-errors.js';
import { defaultRetryDelayMs, progressPrinter, pullWithRetry } from '../../../src/executors/docker/pull/pull-image.js';

function engineError(statusCode: number, message: string): Error & { statusCode: number } {
  return Object.assign(new Error(`(HTTP code ${statusCode}) server error - ${message} `), { statusCode });
}

function scriptedClient(outcomes: (Error | PullProgress[])[]): { client: DockerClient; pulls: string[] } {
  const pulls: string[] = [];
  const client = {
    address: 'unix:///test/docker.sock',
    async pullImage(reference: string, _auth: unknown, onProgress: (p: PullProgress) => void) {
      pulls.push(reference);
      const outcome = outcomes.shift();
      if (outcome instanceof Error) throw outcome;
      for (const event of outcome ?? []) onProgress(event);
    },
  } as unknown as DockerClient;
  return { client, pulls };
}

function recorder(): { lines: string[]; log: (kind: RunnerLineKind, message: string) => void } {
  const lines: string[] = [];
  return { lines, log: (kind, message) => lines.push(`${kind}: ${message}`) };
}

describe('pullWithRetry', () => {
  it('retries network-transient failures up to 3 attempts with the injected backoff', async () => {
    const refused = engineError(500, 'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused');
    const { client, pulls } = scriptedClient([refused, refused, refused]);
    const { lines, log } = recorder();
    const delays: number[] = [];
    const pulling = pullWithRetry({ client, reference: 'r/x:1', auth: undefined, log, retryDelayMs: (attempt) => (delays.push(attempt), 0) });
    await expect(pulling).rejects.toMatchObject({ kind: 'network', message: 'Error response from daemon: Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused' });
    expect(pulls).toEqual(['r/x:1', 'r/x:1', 'r/x:1']);
    expect(delays).toEqual([1, 2]);
    expect(lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
  });

  it('succeeds on a later attempt', async () => {
    const { client, pulls } = scriptedClient([engineError(500, 'net/http: TLS handshake timeout'), []]);
    await pullWithRetry({ client, reference: 'r/x:1', auth: undefined, log: () => undefined, retryDelayMs: () => 0 });
    expect(pulls).toHaveLength(2);
  });

  it.each([
    ['unauthorized: authentication required', 'denied'],
    ['manifest for r/x:1 not found: manifest unknown: manifest unknown', 'not-found'],
    ['something odd', 'failed'],
  ])('does not retry %j (%s)', async (message, kind) => {
    const { client, pulls } = scriptedClient([engineError(500, message), []]);
    await expect(pullWithRetry({ client, reference: 'r/x:1', auth: undefined, log: () => undefined, retryDelayMs: () => 0 })).rejects.toMatchObject({ kind });
    expect(pulls).toHaveLength(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const { client } = scriptedClient([engineError(500, 'dial tcp: i/o timeout'), []]);
    const pulling = pullWithRetry({ client, reference: 'r/x:1', auth: undefined, log: () => undefined, retryDelayMs: () => 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled')), 10);
    await expect(pulling).rejects.toThrow('cancelled');
  });

  it('keeps the default backoff between 2 and 10 seconds', () => {
    for (let attempt = 1; attempt < 6; attempt += 1) {
      const ms = defaultRetryDelayMs(attempt);
      expect(ms).toBeGreaterThanOrEqual(2_000);
      expect(ms).toBeLessThanOrEqual(10_000);
    }
  });
});

it('progressPrinter writes one line per layer status change, and passes every event on', () => {
  const { lines, log } = recorder();
  const seen: PullProgress[] = [];
  const print = progressPrinter(log, (p) => seen.push(p));
  const events: PullProgress[] = [
    { id: '1', status: 'Pulling from private/busybox' },
    { id: 'aaa', status: 'Already exists' },
    { id: 'bbb', status: 'Pulling fs layer' },
    { id: 'bbb', status: 'Downloading', progress: '[=>   ] 1kB/2kB' },
    { id: 'bbb', status: 'Downloading', progress: '[===> ] 2kB/2kB' },
    { id: 'bbb', status: 'Download complete' },
    { id: 'bbb', status: 'Extracting', progress: '[=>   ]' },
    { id: 'bbb', status: 'Extracting', progress: '[====>]' },
    { id: 'bbb', status: 'Pull complete' },
    { status: 'Digest: sha256:abc' },
    { status: 'Status: Downloaded newer image for r/x:1' },
  ];
  events.forEach(print);
  expect(seen).toEqual(events);
  expect(lines).toEqual([
    'print: 1: Pulling from private/busybox',
    'print: aaa: Already exists',
    'print: bbb: Pulling fs layer',
    'print: bbb: Downloading',
    'print: bbb: Download complete',
    'print: bbb: Extracting',
    'print: bbb: Pull complete',
    'print: Digest: sha256:abc',
    'print: Status: Downloaded newer image for r/x:1',
  ]);
});

describe('pull error classification', () => {
  it.each([
    ['Head "http://h/v2/x/manifests/1": no basic auth credentials', 'denied'],
    ['pull access denied for x, repository does not exist or may require \'docker login\'', 'denied'],
    ['denied: access forbidden', 'denied'],
    ['manifest unknown', 'not-found'],
    ['Get "https://no-such.invalid/v2/": dial tcp: lookup no-such.invalid: no such host', 'network'],
    ['received unexpected HTTP status: 503 Service Unavailable', 'network'],
    ['no space left on device', 'failed'],
  ])('%s → %s', (text, kind) => {
    expect(classifyPullText(text)).toBe(kind);
  });

  it('strips dockerode’s wrapper and names an unreachable engine', () => {
    expect(daemonText(engineError(404, 'manifest unknown'))).toBe('manifest unknown');
    const down = Object.assign(new Error('connect ENOENT /run/x.sock'), { code: 'ENOENT' });
    expect(engineFailure(down, 'unix:///run/x.sock')).toMatchObject({
      kind: 'engine-unreachable',
      code: 'DOCKER_ENGINE_UNREACHABLE',
      message: 'Cannot connect to the Docker daemon at unix:///run/x.sock. Is the docker daemon running?',
    });
  });
});
