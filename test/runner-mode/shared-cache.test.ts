// Two glci runners (two tokens, two working directories) behind one GitLab share a cache through a
// real S3 server (Versity's gateway, which checks every pre-signed URL's signature): a job on the
// first saves it, a job on the second restores it, under GitLab Runner's object names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3_SETUP_TIMEOUT_MS, startS3Server, type TestS3Server } from '../setup/s3-server.js';
import { startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';
import { startRunner, steps, variable } from './harness.js';

let s3: TestS3Server;
let coordinator: Coordinator;

beforeAll(async () => {
  s3 = await startS3Server();
  coordinator = await startCoordinator({ longPollMs: 2_000 });
}, S3_SETUP_TIMEOUT_MS);

afterAll(async () => {
  await coordinator?.close();
  await s3?.stop();
});

function cacheToml(): string[] {
  return [
    '  [runners.cache]',
    '    Type = "s3"',
    '    Path = "team-cache"',
    '    Shared = true',
    '    [runners.cache.s3]',
    `      ServerAddress = "${s3.endpoint}"`,
    `      AccessKey = "${s3.accessKey}"`,
    `      SecretKey = "${s3.secretKey}"`,
    `      BucketName = "${s3.bucket}"`,
    '      Insecure = true',
  ];
}

const cachedJob = (script: string[]) => ({
  job_info: { project_id: 77, project_full_path: 'group/cached' },
  variables: [variable('GIT_STRATEGY', 'none')],
  cache: [{ key: 'deps-1-protected', paths: ['vendor/'], policy: 'pull-push' as const, when: 'on_success' as const, untracked: false }],
  steps: steps(script),
});

describe('runner mode, distributed cache', () => {
  it('restores on one runner the cache another runner saved, through the bucket', async () => {
    const first = await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell', runnerToml: cacheToml() });
    let saved;
    try {
      const id = coordinator.enqueue(cachedJob(['mkdir -p vendor', 'echo "built once on runner A" > vendor/lib.txt']));
      saved = await coordinator.waitForJobFinished(id, 60_000);
    } finally {
      await first.stop();
    }
    const savedLog = saved.trace.toString();
    expect(savedLog).toContain('Uploading cache.zip to');
    expect(savedLog).toContain('/team-cache/project/77/deps-1-protected');
    expect(savedLog).toContain('Created cache');
    expect(savedLog).not.toMatch(/X-Amz-Signature|Signature=/);

    const second = await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell', runnerToml: cacheToml() });
    try {
      const id = coordinator.enqueue(cachedJob(['cat vendor/lib.txt']));
      const restored = await coordinator.waitForJobFinished(id, 60_000);
      const text = restored.trace.toString();
      expect(text).toContain('Downloading cache from');
      expect(text).toContain('Successfully extracted cache');
      expect(text).toContain('built once on runner A');
      expect(restored.state).toBe('success');
    } finally {
      await second.stop();
    }
  });
});
