// The services' health check of the kubernetes executor: the probe script run by a real sh against
// real sockets of this host, and the wait loop against a scripted client (exit statuses, a service
// container that ended, cancellation).
import { createServer, type Server } from 'node:net';
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { KubeClient, Pod } from '../../../src/executors/kubernetes/client.js';
import { endedService, healthCheckScript, waitForServices } from '../../../src/executors/kubernetes/service-health.js';

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

async function closedPort(): Promise<number> {
  const { server, port } = await listen();
  await new Promise((r) => server.close(r));
  return port;
}

function runScript(script: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', script], { timeout: 20_000 }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout });
    });
  });
}

describe('healthCheckScript', () => {
  it('exits 0 once every port listens', async () => {
    const [a, b] = await Promise.all([listen(), listen()]);
    try {
      expect(await runScript(healthCheckScript([a.port, b.port], 5))).toEqual({ code: 0, stdout: '' });
    } finally {
      a.server.close();
      b.server.close();
    }
  });

  it('reports the ports still closed with status 3 after its time', async () => {
    const open = await listen();
    const closed = await closedPort();
    try {
      const started = Date.now();
      const result = await runScript(healthCheckScript([open.port, closed], 1));
      expect(result.code).toBe(3);
      expect(result.stdout.trim()).toBe(`not listening: ${closed.toString(16).toUpperCase().padStart(4, '0')}`);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      open.server.close();
    }
  });
});

/** A client whose exec answers from `codes` in turn and whose pod is `pod()`. */
function scriptedClient(codes: (number | 'hang')[], pod: () => Pod | null = () => ({ status: { containerStatuses: [] } })) {
  const calls: string[][] = [];
  const client = {
    exec: (_ns: string, _pod: string, container: string, command: string[]) => {
      calls.push([container, ...command]);
      const code = codes.shift() ?? 0;
      return code === 'hang' ? new Promise<number>(() => {}) : Promise.resolve(code);
    },
    readPod: () => Promise.resolve(pod()),
  } as unknown as KubeClient;
  return { client, calls };
}

const checks = [
  { container: 'db', image: 'postgres:16', port: 5432 },
  { container: 'web', image: 'nginx', port: 80 },
];

describe('waitForServices', () => {
  it('execs the probe in the helper container until it exits 0, after GitLab Runner\'s waiting line', async () => {
    const { client, calls } = scriptedClient([3, 3, 0]);
    const lines: string[] = [];
    await waitForServices({ client, namespace: 'ci', pod: 'p', checks, signal: new AbortController().signal, log: (_, m) => lines.push(m) });
    expect(calls).toHaveLength(3);
    expect(calls[0]?.slice(0, 3)).toEqual(['helper', 'sh', '-c']);
    expect(calls[0]?.[3]).toContain('ports="1538 0050"');
    expect(lines).toEqual([
      'Waiting for services to be up and running...',
      'waiting for TCP connection to localhost:5432 (service db)...',
      'waiting for TCP connection to localhost:80 (service web)...',
    ]);
  });

  it('does nothing without health checks', async () => {
    const { client, calls } = scriptedClient([]);
    const lines: string[] = [];
    await waitForServices({ client, namespace: 'ci', pod: 'p', checks: [], signal: new AbortController().signal, log: (_, m) => lines.push(m) });
    expect([calls, lines]).toEqual([[], []]);
  });

  it('fails when a waited-for service container has ended', async () => {
    const ended: Pod = { status: { containerStatuses: [{ name: 'web', image: 'nginx', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error' } } }] } };
    const { client } = scriptedClient([3], () => ended);
    await expect(waitForServices({ client, namespace: 'ci', pod: 'p', checks, signal: new AbortController().signal, log: () => {} })).rejects.toMatchObject({
      code: 'KUBE_SERVICE_EXITED',
      message: 'service container web (nginx) ended (exit code 2, Error) before port 80 accepted connections',
      hint: 'see what the service printed: kubectl logs -n ci p -c web',
    });
  });

  it('fails on any other exit status of the probe', async () => {
    const { client } = scriptedClient([127]);
    await expect(waitForServices({ client, namespace: 'ci', pod: 'p', checks, signal: new AbortController().signal, log: () => {} })).rejects.toMatchObject({ code: 'KUBE_SERVICE_HEALTH' });
  });

  it('gives up at once when the job is cancelled, even while an exec is still running', async () => {
    const { client } = scriptedClient(['hang']);
    const controller = new AbortController();
    const waiting = waitForServices({ client, namespace: 'ci', pod: 'p', checks, signal: controller.signal, log: () => {} });
    setTimeout(() => controller.abort(), 50);
    await expect(waiting).rejects.toMatchObject({ code: 'KUBE_CANCELED' });
  });

  it('tells a deleted pod from a running one', () => {
    expect(endedService(null, checks)).toEqual({ message: 'the pod was deleted while waiting for its services' });
    expect(endedService({ status: { containerStatuses: [{ name: 'db', image: 'p', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] } }, checks)).toBeNull();
  });
});
