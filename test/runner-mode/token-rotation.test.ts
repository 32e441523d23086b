// A runner authentication token past three quarters of its life (from token_obtained_at) is rotated
// before the next request (POST runners/reset_authentication_token), written back to config.toml
// (token, token_obtained_at, token_expires_at; mode kept), and used from then on. A token that is not
// due is left alone.
import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';
import { startRunner, steps, variable } from './harness.js';

let coordinator: Coordinator;

beforeAll(async () => {
  coordinator = await startCoordinator({ longPollMs: 1_000 });
});

afterAll(async () => {
  await coordinator?.close();
});

/** RFC 3339 without milliseconds, as GitLab Runner writes these keys. */
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function keyOf(text: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}\\s*=\\s*(.+)$`, 'm').exec(text)?.[1]?.trim();
}

const job = (line: string) => ({ variables: [variable('GIT_STRATEGY', 'none')], steps: steps([`echo "${line}"`]) });

describe('runner mode, token rotation', () => {
  it('rotates a token that is due before asking for jobs, writes it back and keeps taking jobs', async () => {
    const expiresAt = rfc3339(Date.now() + 2 * 60 * 60_000);
    const old = coordinator.createRunner({ tokenExpiresAt: expiresAt });
    const began = Date.now() - 1_000;
    const runner = await startRunner({
      coordinator,
      token: old,
      executor: 'shell',
      runnerToml: ['  token_obtained_at = 2020-01-01T00:00:00Z', `  token_expires_at = ${expiresAt}`],
    });
    try {
      const first = await coordinator.waitForJobFinished(coordinator.enqueue(job('with the new token')), 60_000);
      expect(first.state, first.trace.toString()).toBe('success');
      const fresh = first.runnerToken ?? '';
      expect(fresh).toMatch(/^glrt-/);
      expect(fresh).not.toBe(old);

      // Exactly one reset, with the old token, and before the first request for jobs: none went out with the old one.
      const resets = coordinator.requestsTo('reset_token');
      expect(resets).toHaveLength(1);
      expect(resets[0]?.json?.token).toBe(old);
      const order = coordinator.requests.filter((r) => r.endpoint === 'reset_token' || r.endpoint === 'request_job');
      expect(order[0]?.endpoint).toBe('reset_token');
      const polls = coordinator.requestsTo('request_job');
      expect(polls.length).toBeGreaterThan(0);
      expect(polls.every((r) => r.json?.token === fresh && r.headers['runner-token'] === fresh)).toBe(true);

      // config.toml read anew: the new token and when it was obtained; the expiry GitLab answered.
      const text = await readFile(runner.configFile, 'utf8');
      expect(text).not.toContain(old);
      expect(keyOf(text, 'token')).toBe(`"${fresh}"`);
      const obtained = keyOf(text, 'token_obtained_at') ?? '';
      expect(obtained).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(obtained)).toBeGreaterThanOrEqual(Math.floor(began / 1000) * 1000);
      expect(Date.parse(obtained)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(keyOf(text, 'token_expires_at') ?? '')).toBe(Date.parse(expiresAt));
      expect(text.match(/^\s*token_obtained_at\s*=/gm)).toHaveLength(1);
      expect(text.match(/^\s*token_expires_at\s*=/gm)).toHaveLength(1);
      expect((await stat(runner.configFile)).mode & 0o777).toBe(0o600);
      expect(runner.log()).toContain('Runner token rotated');

      // Just rotated, so not due again: the next job is taken with the same token and nothing is reset.
      const second = await coordinator.waitForJobFinished(coordinator.enqueue(job('still the new token')), 60_000);
      expect(second.state).toBe('success');
      expect(second.runnerToken).toBe(fresh);
      expect(coordinator.requestsTo('reset_token')).toHaveLength(1);
    } finally {
      await runner.stop();
    }
  });

  it('leaves a token alone that is not due yet', async () => {
    const obtainedAt = rfc3339(Date.now() - 60_000);
    const expiresAt = rfc3339(Date.now() + 30 * 24 * 60 * 60_000);
    const token = coordinator.createRunner({ tokenExpiresAt: expiresAt });
    const resetsBefore = coordinator.requestsTo('reset_token').length;
    const runner = await startRunner({
      coordinator,
      token,
      executor: 'shell',
      runnerToml: [`  token_obtained_at = ${obtainedAt}`, `  token_expires_at = ${expiresAt}`],
    });
    try {
      const record = await coordinator.waitForJobFinished(coordinator.enqueue(job('old token is fine')), 60_000);
      expect(record.state).toBe('success');
      expect(record.runnerToken).toBe(token);
      expect(coordinator.requestsTo('reset_token')).toHaveLength(resetsBefore);
      const text = await readFile(runner.configFile, 'utf8');
      expect(keyOf(text, 'token')).toBe(`"${token}"`);
      expect(keyOf(text, 'token_obtained_at')).toBe(obtainedAt);
    } finally {
      await runner.stop();
    }
  });
});
