// The coordinator double held to the real GitLab Runner: built from the Go module proxy by
// test/setup/gitlab-runner/build.sh, it verifies, takes a job (GIT_STRATEGY none, shell executor),
// streams its trace and finishes it against the double, unchanged. When the proxy refuses the modules
// GitLab Runner needs (it does on these machines, test/setup/gitlab-runner/README.md), the test is
// skipped with the refusals as its reason.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGitLabRunner, GitLabRunnerUnavailable, gitLabRunnerSetupTimeoutMs } from '../setup/gitlab-runner.js';
import { checksumOf, startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';

const run = promisify(execFile);
let binary: string | null = null;
let unavailable = '';
let coordinator: Coordinator;

beforeAll(async () => {
  try {
    binary = await ensureGitLabRunner();
  } catch (error) {
    if (!(error instanceof GitLabRunnerUnavailable)) throw error;
    unavailable = error.message;
  }
  coordinator = await startCoordinator({ longPollMs: 1_000 });
}, gitLabRunnerSetupTimeoutMs);

afterAll(async () => {
  await coordinator?.close();
});

describe('the real gitlab-runner against the coordinator double', () => {
  it('verifies, takes a job, streams its trace and finishes it', async (context) => {
    if (binary === null) {
      context.skip(`gitlab-runner could not be built here: ${unavailable}`);
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'glci-gitlab-runner-'));
    const token = coordinator.createRunner();
    const config = join(dir, 'config.toml');
    await writeFile(config, `concurrent = 1\ncheck_interval = 1\n[[runners]]\n  name = "real"\n  url = "${coordinator.url}"\n  token = "${token}"\n  executor = "shell"\n`);
    await run(binary, ['verify', '--config', config], { cwd: dir });
    expect(coordinator.requestsTo('verify_runner').length).toBeGreaterThan(0);
    const id = coordinator.enqueue({
      variables: [{ key: 'GIT_STRATEGY', value: 'none', public: true, masked: false, file: false, raw: false }],
      steps: [{ name: 'script', script: ['echo from the real runner'], timeout: 600, when: 'on_success', allow_failure: false }],
    });
    const child = spawn(binary, ['run', '--config', config, '--working-directory', dir], { cwd: dir, stdio: 'ignore' });
    try {
      const record = await coordinator.waitForJobFinished(id, 120_000);
      expect(record.trace.toString()).toContain('from the real runner');
      expect(record.updates.at(-1)).toMatchObject({ state: 'success', output: { checksum: checksumOf(record.trace) } });
      expect(record.finalAccepted).toBe(1);
    } finally {
      child.kill('SIGQUIT');
    }
  }, 180_000);
});
