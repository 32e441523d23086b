// The listen_address metrics server over real HTTP on 127.0.0.1: /metrics in text format 0.0.4,
// 404 for /debug/ and everything else, listen_address parsing, and a taken port.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { RunnerMetrics } from '../../src/gitlab/metrics.js';
import { DEFAULT_METRICS_PORT, MetricsServerError, parseListenAddress, startMetricsServer, type MetricsServer } from '../../src/platform/metrics-server.js';
import { parseExposition } from '../gitlab/exposition-parser.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function fetchPath(address: string, path: string, method = 'GET'): Promise<Reply> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const servers: MetricsServer[] = [];
async function start(address: string, render: () => string): Promise<MetricsServer> {
  const server = await startMetricsServer(address, render);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('startMetricsServer', () => {
  it('serves the rendered metrics on GET /metrics with the 0.0.4 content type', async () => {
    const metrics = new RunnerMetrics({ name: 'glci', version: '0.0.0', revision: '', branch: '', builtAt: '', os: 'linux', architecture: 'x64', nodeVersion: process.version });
    const runner = { token: 'glrt-abcdefgh123', name: 'r1', systemId: 's_000000000001' };
    metrics.configure(3, [{ runner, limit: 1 }]);
    const server = await start('127.0.0.1:0', () => metrics.render());
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.address).not.toBe('127.0.0.1:0');

    const job = metrics.jobReceived(runner);
    const reply = await fetchPath(server.address, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(reply.body));
    const families = parseExposition(reply.body);
    const jobs = families.find((f) => f.name === 'gitlab_runner_jobs');
    expect(jobs?.samples.find((s) => s.labels.state === 'running')?.value).toBe(1);
    expect(families.find((f) => f.name === 'gitlab_runner_concurrent')?.samples[0]?.value).toBe(3);

    // Each scrape renders anew.
    job.finish();
    const after = parseExposition((await fetchPath(server.address, '/metrics?x=1')).body);
    expect(after.find((f) => f.name === 'gitlab_runner_jobs')?.samples.map((s) => s.labels.state)).toEqual(['idle']);
  });

  it('answers 404 for /debug/ and unknown paths, 405 for other methods, HEAD without a body', async () => {
    const server = await start('127.0.0.1:0', () => 'up 1\n');
    for (const path of ['/debug/', '/debug/pprof/', '/debug/jobs/list', '/', '/metricsx']) {
      expect((await fetchPath(server.address, path)).status, path).toBe(404);
    }
    const post = await fetchPath(server.address, '/metrics', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await fetchPath(server.address, '/metrics', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe('5');
  });

  it('answers 500 when rendering fails, and keeps serving', async () => {
    let fail = true;
    const server = await start('127.0.0.1:0', () => {
      if (fail) throw new Error('boom');
      return 'ok 1\n';
    });
    const broken = await fetchPath(server.address, '/metrics');
    expect(broken.status).toBe(500);
    expect(broken.body).toContain('boom');
    fail = false;
    expect((await fetchPath(server.address, '/metrics')).body).toBe('ok 1\n');
  });

  it('refuses an address another server holds, and stops listening on close', async () => {
    const first = await start('127.0.0.1:0', () => '');
    const error = await startMetricsServer(first.address, () => '').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricsServerError);
    expect((error as MetricsServerError).message).toContain(first.address);
    expect((error as MetricsServerError).hint).toMatch(/another process/);
    await first.close();
    servers.splice(servers.indexOf(first), 1);
    await expect(fetchPath(first.address, '/metrics')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:9252', '127.0.0.1', 9252],
    [':9252', '127.0.0.1', 9252],
    ['0.0.0.0:9300', '0.0.0.0', 9300],
    ['localhost', 'localhost', DEFAULT_METRICS_PORT],
    ['localhost:', 'localhost', DEFAULT_METRICS_PORT],
    ['[::1]:9252', '::1', 9252],
    ['[::]', '::', DEFAULT_METRICS_PORT],
    ['[]:0', '127.0.0.1', 0],
  ])('%s → %s port %d', (text, host, port) => {
    expect(parseListenAddress(text)).toEqual({ host, port });
  });

  it.each(['::1:9252', 'host:http', 'host:70000', 'host:-1', 'host:1.5'])('refuses %s', (text) => {
    expect(() => parseListenAddress(text)).toThrow(MetricsServerError);
  });
});
