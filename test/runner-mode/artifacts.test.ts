// Artifacts in runner mode: a job's `archive` goes to GitLab as a zip and its junit report as gzip,
// with GitLab's query parameters; a later job that depends on it gets the files from GitLab.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from '../../src/platform/zip-archive.js';
import { startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';
import { startRunner, steps, variable, type RunnerUnderTest } from './harness.js';

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

describe('runner mode, artifacts', () => {
  it('uploads the archive as zip and a report as gzip, and hands them to a dependent job', async () => {
    const build = coordinator.enqueue({
      job_info: { name: 'build', project_full_path: 'group/art' },
      variables: [variable('GIT_STRATEGY', 'empty')],
      steps: steps(['mkdir -p dist', 'echo "binary v1" > dist/app.txt', 'echo "map" > dist/app.map', 'echo "<testsuites/>" > report.xml']),
      artifacts: [
        { name: 'dist', paths: ['dist/'], exclude: ['dist/*.map'], when: 'on_success', artifact_type: 'archive', artifact_format: 'zip', expire_in: '1 week' },
        { paths: ['report.xml'], when: 'always', artifact_type: 'junit', artifact_format: 'gzip' },
      ],
    });
    const built = await coordinator.waitForJobFinished(build, 60_000);
    expect(built.state, built.trace.toString()).toBe('success');
    const archive = built.artifacts.find((a) => a.type === 'archive');
    expect(archive).toMatchObject({ format: 'zip', expireIn: '1 week' });
    const entries = readZip(archive?.body ?? Buffer.alloc(0)).map((e) => e.path);
    expect(entries).toContain('dist/app.txt');
    expect(entries).not.toContain('dist/app.map');
    const junit = built.artifacts.find((a) => a.type === 'junit');
    expect(junit?.format).toBe('gzip');
    expect(gunzipSync(junit?.body ?? Buffer.alloc(0)).toString()).toBe('<testsuites/>\n');
    expect(built.trace.toString()).toContain('Uploading artifacts as "archive" to coordinator... 201 Created');

    const test = coordinator.enqueue({
      job_info: { name: 'test', project_full_path: 'group/art' },
      variables: [variable('GIT_STRATEGY', 'empty')],
      dependencies: [{ id: build, name: 'build', token: built.payload.token, artifacts_file: { filename: 'artifacts.zip', size: archive?.body.length ?? 0 } }],
      steps: steps(['cat dist/app.txt']),
    });
    const tested = await coordinator.waitForJobFinished(test, 60_000);
    const text = tested.trace.toString();
    expect(tested.state, text).toBe('success');
    expect(text).toContain('Downloading artifacts for build');
    expect(text).toContain('binary v1');
  });
});
