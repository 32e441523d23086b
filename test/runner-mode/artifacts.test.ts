// Artifacts in runner mode (runner-behavior.md §7, §8.7): a job's `archive` goes to GitLab as a zip
// and its junit report as gzip, with GitLab's query parameters; a later job that depends on it gets the
// files from GitLab, extracted into its project dir; an upload GitLab refuses as too large fails the job.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from '../../src/platform/zip-archive.js';
import { startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';
import { startRunner, steps, variable, type RunnerUnderTest } from './harness.js';

const noSources = [variable('GIT_STRATEGY', 'empty')];

describe('runner mode, artifacts', () => {
  let coordinator: Coordinator;
  let runner: RunnerUnderTest;

  beforeAll(async () => {
    coordinator = await startCoordinator({ longPollMs: 1_000 });
    runner = await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell' });
  });

  afterAll(async () => {
    await runner?.stop();
    await coordinator?.close();
  });

  /** A job writing files, some listed, one excluded, and a junit report; its finished record. */
  async function buildJob() {
    const id = coordinator.enqueue({
      job_info: { name: 'build', project_full_path: 'group/art' },
      variables: noSources,
      steps: steps([
        'mkdir -p dist/sub',
        'echo "binary v1" > dist/app.txt',
        'echo "nested" > dist/sub/deep.txt',
        'echo "map" > dist/app.map',
        'echo "<testsuites/>" > report.xml',
        'echo "not listed" > other.txt',
      ]),
      artifacts: [
        { name: 'dist', paths: ['dist/'], exclude: ['dist/*.map'], when: 'on_success', artifact_type: 'archive', artifact_format: 'zip', expire_in: '1 week' },
        { paths: ['report.xml'], when: 'always', artifact_type: 'junit', artifact_format: 'gzip' },
      ],
    });
    const record = await coordinator.waitForJobFinished(id, 60_000);
    expect(record.state, record.trace.toString()).toBe('success');
    return record;
  }

  it('uploads the archive as zip and a report as gzip, with GitLab’s query parameters', async () => {
    const built = await buildJob();
    // What the runner sent: GitLab's query parameters and the job token, once per artifact.
    const uploads = coordinator.requestsTo('upload_artifacts').filter((r) => r.path.startsWith(`/api/v4/jobs/${built.id}/artifacts?`));
    expect(uploads).toHaveLength(2);
    const queries = uploads.map((r) => Object.fromEntries(new URL(r.path, 'http://x').searchParams));
    expect(queries).toContainEqual({ artifact_type: 'archive', artifact_format: 'zip', expire_in: '1 week' });
    expect(queries).toContainEqual({ artifact_type: 'junit', artifact_format: 'gzip' });
    for (const upload of uploads) expect(upload.headers['job-token']).toBe(built.payload.token);

    const archive = built.artifacts.find((a) => a.type === 'archive');
    expect(archive).toMatchObject({ format: 'zip', expireIn: '1 week', filename: 'artifacts.zip' });
    const entries = readZip(archive?.body ?? Buffer.alloc(0));
    const files = entries.filter((e) => e.type === 'file').map((e) => e.path).sort();
    expect(files).toEqual(['dist/app.txt', 'dist/sub/deep.txt']);
    expect(entries.find((e) => e.path === 'dist/app.txt')?.data.toString()).toBe('binary v1\n');

    const junit = built.artifacts.find((a) => a.type === 'junit');
    expect(junit).toMatchObject({ format: 'gzip', expireIn: undefined });
    expect(gunzipSync(junit?.body ?? Buffer.alloc(0)).toString()).toBe('<testsuites/>\n');
    const text = built.trace.toString();
    expect(text).toContain('Uploading artifacts as "archive" to coordinator... 201 Created');
    expect(text).toContain('Uploading artifacts as "junit" to coordinator... 201 Created');
  });

  it('extracts the artifacts of a dependency into the project dir of the job that needs them', async () => {
    const built = await buildJob();
    const archive = built.artifacts.find((a) => a.type === 'archive');
    const test = coordinator.enqueue({
      job_info: { name: 'test', project_full_path: 'group/art' },
      variables: noSources,
      dependencies: [{ id: built.id, name: 'build', token: built.payload.token, artifacts_file: { filename: 'artifacts.zip', size: archive?.body.length ?? 0 } }],
      steps: steps(['cat dist/app.txt', 'cat dist/sub/deep.txt', 'test ! -e dist/app.map && echo "no map"', 'test ! -e other.txt && echo "no other"']),
    });
    const tested = await coordinator.waitForJobFinished(test, 60_000);
    const text = tested.trace.toString();
    expect(tested.state, text).toBe('success');
    expect(text).toContain(`Downloading artifacts for build (${built.id})...`);
    expect(text).toContain(`Downloading artifacts from coordinator... ok  id=${built.id}`);
    expect(text).toMatch(/\$ cat dist\/app\.txt[^\n]*\nbinary v1\n/);
    expect(text).toMatch(/\$ cat dist\/sub\/deep\.txt[^\n]*\nnested\n/);
    expect(text).toMatch(/^no map$/m);
    expect(text).toMatch(/^no other$/m);
    const downloads = coordinator.requestsTo('download_artifacts').filter((r) => r.path.startsWith(`/api/v4/jobs/${built.id}/artifacts`));
    expect(downloads).toHaveLength(1);
    expect(downloads[0]?.headers['job-token']).toBe(built.payload.token);
  });

  it('sends an upload GitLab answered 500 again, from the start, and the job passes', async () => {
    coordinator.failNext({ endpoint: 'upload_artifacts', response: { status: 500 } });
    const built = await buildJob();
    const uploads = coordinator.requestsTo('upload_artifacts').filter((r) => r.path.startsWith(`/api/v4/jobs/${built.id}/artifacts?`));
    expect(uploads).toHaveLength(3);
    expect(uploads[0]?.bytes).toBe(uploads[1]?.bytes);
    const text = built.trace.toString();
    expect(text).toMatch(/WARNING: Uploading artifacts as "archive" to coordinator\.\.\. failed {2}id=\d+ responseStatus=500/);
    expect(text).toContain('WARNING: Retrying...');
    expect(readZip(built.artifacts.find((a) => a.type === 'archive')?.body ?? Buffer.alloc(0)).map((e) => e.path)).toContain('dist/app.txt');
  });

  it('skips a dependency without an artifacts file', async () => {
    const id = coordinator.enqueue({
      job_info: { name: 'lonely', project_full_path: 'group/art' },
      variables: noSources,
      dependencies: [{ id: 999_999, name: 'nothing' }],
      steps: steps(['echo ran']),
    });
    const record = await coordinator.waitForJobFinished(id, 60_000);
    const text = record.trace.toString();
    expect(record.state, text).toBe('success');
    expect(text).not.toContain('Downloading artifacts for nothing');
  });
});

describe('runner mode, artifacts GitLab refuses', () => {
  let coordinator: Coordinator;
  let runner: RunnerUnderTest;

  beforeAll(async () => {
    coordinator = await startCoordinator({ longPollMs: 1_000, maxArtifactBytes: 64 });
    runner = await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell' });
  });

  afterAll(async () => {
    await runner?.stop();
    await coordinator?.close();
  });

  it('fails the job when the upload is answered 413, with the coordinator line in the trace', async () => {
    const id = coordinator.enqueue({
      job_info: { name: 'big', project_full_path: 'group/big' },
      variables: noSources,
      steps: steps(['head -c 4096 /dev/urandom > big.bin', 'echo script done']),
      artifacts: [{ name: 'big', paths: ['big.bin'], when: 'on_success', artifact_type: 'archive', artifact_format: 'zip' }],
    });
    const record = await coordinator.waitForJobFinished(id, 60_000);
    const text = record.trace.toString();
    expect(record.state, text).toBe('failed');
    expect(text).toContain('script done');
    expect(text).toMatch(/ERROR: Uploading artifacts as "archive" to coordinator\.\.\. too large archive {2}id=\d+ responseStatus=413 Request Entity Too Large/);
    expect(text).toMatch(/ERROR: Job failed[^\n]*413 Request Entity Too Large/);
    expect(record.artifacts).toHaveLength(0);
    expect(coordinator.requestsTo('upload_artifacts').length).toBeGreaterThanOrEqual(1);
    const final = record.updates.filter((u) => u.state === 'failed' && u.status === 200);
    expect(final).toHaveLength(1);
  });
});
