// Registration through the built CLI against the coordinator double, with both kinds of token, then a
// job taken with what it wrote: config.toml (mode 0600, the other entries and comments kept) is the
// file `glci runner run` works from.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRunners } from '../../src/app/runner-run.js';
import { parseRunnerConfig } from '../../src/runner-config/parse.js';
import { startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';
import { isolatedEnv } from '../acceptance/fixture-git.js';
import { steps, variable } from './harness.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
let coordinator: Coordinator;
const dir = mkdtempSync(join(tmpdir(), 'glci-register-run-'));
const config = join(dir, 'config.toml');

beforeAll(async () => {
  coordinator = await startCoordinator({ longPollMs: 1_000 });
  await writeFile(config, '# the team\'s runners\nconcurrent = 2\ncheck_interval = 1\n\n[[runners]]\n  # kept as written\n  name = "existing"\n  url = "https://gitlab.example.com"\n  token = "glrt-existing-entry"\n  executor = "shell"\n');
});

afterAll(async () => {
  await coordinator.close();
});

function register(...args: string[]) {
  return execa(process.execPath, [bin, 'runner', 'register', '--non-interactive', '--config', config, '--url', coordinator.url, '--executor', 'shell', ...args], {
    env: { ...isolatedEnv(), HOME: dir },
    extendEnv: false,
    reject: false,
  });
}

describe('register, then run', () => {
  it('registers with a runner authentication token and with a legacy registration token', async () => {
    const glrt = coordinator.createRunner();
    const modern = await register('--token', glrt, '--name', 'modern');
    expect(modern.exitCode, modern.stderr).toBe(0);
    expect(modern.stderr).toContain('Verifying runner... is valid');
    const legacy = await register('--token', coordinator.registrationToken, '--name', 'legacy', '--tag-list', 'linux,shell');
    expect(legacy.exitCode, legacy.stderr).toBe(0);
    expect(legacy.stderr).toContain('deprecated');
    expect(legacy.stderr).toContain('Registering runner... succeeded');
    const text = await readFile(config, 'utf8');
    expect(text.startsWith('# the team\'s runners\nconcurrent = 2\n')).toBe(true);
    expect(text).toContain('  # kept as written\n  name = "existing"');
    expect((await stat(config)).mode & 0o777).toBe(0o600);
    const parsed = parseRunnerConfig(text, config);
    expect(parsed.runners.map((r) => r.name)).toEqual(['existing', 'modern', 'legacy']);
    expect(parsed.runners[1]?.token).toBe(glrt);
    expect(parsed.runners[2]?.token).toMatch(/^glrtr-/);
    expect(coordinator.requestsTo('register_runner')[0]?.json).toMatchObject({ tag_list: 'linux,shell', token: coordinator.registrationToken });
  });

  it('takes jobs for both registered runners with the file it wrote', async () => {
    // The first entry belongs to another GitLab: point it at nothing that answers, so it only logs errors.
    const text = (await readFile(config, 'utf8')).replace('https://gitlab.example.com', 'http://127.0.0.1:9');
    await writeFile(config, text, { mode: 0o600 });
    const lines: string[] = [];
    const stop = new AbortController();
    const done = runRunners({ configPath: config, workingDirectory: dir, version: '0.0.0-test', env: { ...process.env, HOME: dir }, stderr: { write: (t: string) => lines.push(t) }, stop: stop.signal, retry: { attempts: 1, minDelayMs: 10, maxDelayMs: 10 } });
    try {
      const ids = [1, 2].map((n) => coordinator.enqueue({ variables: [variable('GIT_STRATEGY', 'none')], steps: steps([`echo job ${n}`]) }));
      const records = await Promise.all(ids.map((id) => coordinator.waitForJobFinished(id, 60_000)));
      expect(records.map((r) => r.state)).toEqual(['success', 'success']);
      expect(new Set(records.map((r) => r.runnerToken)).size).toBeGreaterThanOrEqual(1);
    } finally {
      stop.abort();
      await done;
    }
    expect(lines.join('')).toContain('Checking for jobs... received');
  });
});
