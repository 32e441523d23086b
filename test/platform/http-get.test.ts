// httpGet: what counts as "no network", and a token never follows a redirect to another host.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from '../../src/platform/http-get.js';

const seen: Array<{ server: string; path: string; token: string | undefined }> = [];
let origin: Server;
let other: Server;
let originUrl: string;
let otherUrl: string;

async function listen(name: string, handler: (path: string) => { status: number; location?: string; body?: string }): Promise<[Server, string]> {
  const server = createServer((request, response) => {
    seen.push({ server: name, path: request.url ?? '', token: request.headers['private-token'] as string | undefined });
    const answer = handler(request.url ?? '');
    response.writeHead(answer.status, answer.location ? { location: answer.location } : {}).end(answer.body ?? '');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  [other, otherUrl] = await listen('other', () => ({ status: 200, body: 'other' }));
  [origin, originUrl] = await listen('origin', (path) => {
    if (path === '/away') return { status: 302, location: `${otherUrl}/stolen` };
    if (path === '/moved') return { status: 301, location: '/here' };
    return { status: 200, body: `origin ${path}` };
  });
});

afterAll(async () => {
  await Promise.all([origin, other].map((server) => new Promise((done) => server.close(done))));
});

describe('httpGet', () => {
  it('follows a redirect with the token only within the same origin', async () => {
    const headers = { 'PRIVATE-TOKEN': 'secret' };
    expect(await httpGet(`${originUrl}/moved`, { timeoutMs: 5000, headers })).toMatchObject({ kind: 'response', status: 200, body: 'origin /here' });
    expect(await httpGet(`${originUrl}/away`, { timeoutMs: 5000, headers })).toEqual({ kind: 'failed', detail: `redirected to ${otherUrl}, where glci does not send the token` });
    expect(seen.filter((s) => s.server === 'other')).toEqual([]);
    // Without a token (remote includes), redirects are followed anywhere.
    expect(await httpGet(`${originUrl}/away`, { timeoutMs: 5000 })).toMatchObject({ kind: 'response', status: 200, body: 'other' });
  });

  it('tells a refused connection from a malformed address', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/x`;
    await new Promise((done) => closed.close(done));
    expect(await httpGet(dead, { timeoutMs: 5000 })).toEqual({ kind: 'network', reason: 'socket', detail: 'ECONNREFUSED' });
    expect(await httpGet('not a url', { timeoutMs: 5000 })).toEqual({ kind: 'failed', detail: 'not a valid address: not a url' });
  });

  it('counts a server that never answers as no network (timeout)', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/slow`;
    expect(await httpGet(url, { timeoutMs: 200 })).toEqual({ kind: 'network', reason: 'timeout', detail: 'timeout' });
    silent.closeAllConnections();
    await new Promise((done) => silent.close(done));
  });
});
