// The runner-scoped endpoints of the coordinator double, with GitLab's codes and bodies
// (runner-behavior.md §8.2, §8.3): legacy register, verify, unregister (runner and manager), token
// reset, and jobs/request with Workhorse-style long polling.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { header, sendEmpty, sendJson, sendMessage } from './http-util.js';
import { randomToken, validRunner, type World } from './state.js';

type Body = Record<string, unknown> | undefined;

function bodyToken(req: IncomingMessage, body: Body): string | undefined {
  const fromBody = typeof body?.token === 'string' ? body.token : undefined;
  return fromBody ?? header(req, 'RUNNER-TOKEN');
}

export function register(world: World, req: IncomingMessage, res: ServerResponse, body: Body): void {
  if (world.registrationTokensDisabled) return sendMessage(res, 410, 'Gone');
  if (bodyToken(req, body) !== world.registrationToken) return sendMessage(res, 403, 'Forbidden');
  const token = randomToken('glrtr-');
  const id = world.nextRunnerId++;
  world.runners.set(token, { id, token, tokenExpiresAt: null, legacy: true, systemIds: new Set(), ...(body ? { registration: body } : {}) });
  sendJson(res, 201, { id, token, token_expires_at: null });
}

export function verify(world: World, req: IncomingMessage, res: ServerResponse, body: Body): void {
  const runner = validRunner(world, bodyToken(req, body));
  if (!runner) return sendMessage(res, 403, 'Forbidden');
  if (typeof body?.system_id === 'string') runner.systemIds.add(body.system_id);
  sendJson(res, 200, { id: runner.id, token: runner.token, token_expires_at: runner.tokenExpiresAt });
}

export function unregister(world: World, req: IncomingMessage, res: ServerResponse, body: Body): void {
  const runner = validRunner(world, bodyToken(req, body));
  if (!runner) return sendMessage(res, 403, 'Forbidden');
  world.runners.delete(runner.token);
  sendEmpty(res, 204);
}

export function unregisterManager(world: World, req: IncomingMessage, res: ServerResponse, body: Body): void {
  const runner = validRunner(world, bodyToken(req, body));
  if (!runner) return sendMessage(res, 403, 'Forbidden');
  const systemId = typeof body?.system_id === 'string' ? body.system_id : undefined;
  if (!systemId) return sendJson(res, 400, { error: 'system_id is missing' });
  if (!runner.systemIds.delete(systemId)) return sendMessage(res, 404, 'Not Found');
  sendEmpty(res, 204);
}

export function resetToken(world: World, req: IncomingMessage, res: ServerResponse, body: Body): void {
  const runner = validRunner(world, bodyToken(req, body));
  if (!runner) return sendMessage(res, 403, 'Forbidden');
  world.runners.delete(runner.token);
  runner.token = randomToken(runner.legacy ? 'glrtr-' : 'glrt-');
  world.runners.set(runner.token, runner);
  sendJson(res, 201, { token: runner.token, token_expires_at: runner.tokenExpiresAt });
}

/** The next pending job for this runner, marked running; undefined when none. */
function assign(world: World, token: string, features: Record<string, boolean> | undefined) {
  for (;;) {
    const id = world.queue.shift();
    if (id === undefined) return undefined;
    const job = world.jobs.get(id);
    if (!job || job.state !== 'pending') continue;
    job.state = 'running';
    job.runnerToken = token;
    if (features) job.features = features;
    return job;
  }
}

export async function requestJob(world: World, req: IncomingMessage, res: ServerResponse, body: Body): Promise<void> {
  const token = bodyToken(req, body);
  const runner = validRunner(world, token);
  if (!runner || !token) return sendMessage(res, 403, 'Forbidden');
  if (typeof body?.system_id === 'string') runner.systemIds.add(body.system_id);
  const info = body?.info as { features?: Record<string, boolean> } | undefined;
  const features = info?.features;
  let job = assign(world, token, features);
  const lastUpdate = typeof body?.last_update === 'string' ? body.last_update : undefined;
  // Workhorse holds a request whose last_update is current until the queue changes or time runs out.
  if (!job && world.longPollMs > 0 && lastUpdate === String(world.queueVersion)) {
    await waitForQueue(world, req, world.longPollMs);
    job = assign(world, token, features);
  }
  if (res.destroyed) return;
  if (job) return sendJson(res, 201, job.payload);
  sendEmpty(res, 204, { 'X-GitLab-Last-Update': String(world.queueVersion) });
}

function waitForQueue(world: World, req: IncomingMessage, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      world.pollWaiters.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    world.pollWaiters.add(done);
    req.socket.once('close', done);
  });
}
