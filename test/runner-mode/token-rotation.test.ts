// A runner authentication token past three quarters of its life is rotated before the next request
// (POST runners/reset_authentication_token), written back to config.toml, and used from then on.
import { readFile } from 'node:fs/promises';
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

describe('runner mode, token rotation', () => {
  it('rotates a token that is due, writes it back and keeps taking jobs', async () => {
    const old = coordinator.createRunner({ tokenExpiresAt: '2027-01-01T00:00:00Z' });
    const runner = await startRunner({
      coordinator,
      token: old,
      executor: 'shell',
      runnerToml: ['  token_obtained_at = 2020-01-01T00:00:00Z', '  token_expires_at = 2027-01-01T00:00:00Z'],
    });
    try {
      const id = coordinator.enqueue({ variables: [variable('GIT_STRATEGY', 'none')], steps: steps(['echo with the new token']) });
      const record = await coordinator.waitForJobFinished(id, 60_000);
      expect(record.state).toBe('success');
      const resets = coordinator.requestsTo('reset_token');
      expect(resets.length).toBe(1);
      expect(resets[0]?.json?.token).toBe(old);
      expect(record.runnerToken).not.toBe(old);
      const text = await readFile(runner.configFile, 'utf8');
      expect(text).not.toContain(old);
      expect(text).toContain(`token = "${record.runnerToken}"`);
      expect(text).not.toContain('token_obtained_at = 2020-01-01T00:00:00Z');
      expect(runner.log()).toContain('Runner token rotated');
    } finally {
      await runner.stop();
    }
  });
});
