// The executor contract suite on the docker executor, against the real engine of the test bed with
// the offline-built busybox image (no bash in it: the shell detection falls back to sh).
import { beforeAll } from 'vitest';
import { createDockerExecutor } from '../../src/executors/docker/docker-executor.js';
import { ensureImage } from '../../fixtures/images/build.js';
import { dockerSettings, runnerSettings } from '../support/runner-settings.js';
import { runExecutorContract } from './contract.js';

let busybox = '';
beforeAll(async () => {
  busybox = await ensureImage('busybox');
}, 30 * 60_000);

runExecutorContract(
  'docker',
  async () => createDockerExecutor({ runner: runnerSettings(), docker: dockerSettings({ image: busybox }), env: process.env, killGraceMs: 500 }),
);
