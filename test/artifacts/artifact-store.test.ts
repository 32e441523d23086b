import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readArtifactsMetadata, readDotenv, readReportFiles, restoreArtifacts, saveArtifacts } from '../../src/artifacts/artifact-store.js';
import { jobArtifactsDir } from '../../src/artifacts/state-paths.js';
import type { ArtifactsDefinition } from '../../src/model/config.js';
import { listArchive, readArchiveFiles } from '../../src/platform/archive.js';
import { OutputCollector, variable } from '../executors/contract-support.js';
import { storeWorkspace } from './store-support.js';

function artifacts(overrides: Partial<ArtifactsDefinition>): ArtifactsDefinition {
  return { paths: [], exclude: [], untracked: false, when: 'on_success', reports: {}, ...overrides };
}

const BUILD = [
  'mkdir -p dist/sub',
  'echo app > dist/app.js',
  'echo map > dist/app.js.map',
  'echo lib > dist/sub/lib.js',
  'echo notes > notes.txt',
  'echo junk > junk.tmp',
];

describe('artifact store', () => {
  const ws = storeWorkspace();
  afterEach(() => ws.cleanup());
  afterAll(() => ws.dispose());

  async function storedPaths(jobName: string): Promise<string[]> {
    const file = join(jobArtifactsDir(ws.stateDir, 7, jobName), 'artifacts.tar');
    return (await listArchive(createReadStream(file))).map((e) => e.path).sort();
  }

  it('stores paths recursively minus exclusions, with name and expire_in recorded', async () => {
    const definition = artifacts({ paths: ['dist/', '*.txt'], exclude: ['dist/**/*.map'], name: '$CI_JOB_NAME-files', expireIn: '1 week' });
    const p = await ws.job('build', { artifacts: definition });
    await p.run(BUILD);
    const log = new OutputCollector();
    const saved = await saveArtifacts(p.env, p.job, p.job.variables, ws.store, true, log, { jobId: 3 });
    expect(await storedPaths('build')).toEqual(['dist', 'dist/app.js', 'dist/sub', 'dist/sub/lib.js', 'notes.txt']);
    expect(saved.metadata).toMatchObject({ job: 'build', jobId: 3, name: 'build-files', expireIn: '1 week', archiveEntries: 5 });
    expect(log.text).toContain('Uploading artifacts...');
    expect(log.text).toContain('dist: found 4 matching artifact files and directories');
    expect(log.text).toContain('dist/**/*.map: excluded 1 files');
  });

  it('honours artifacts:when against the job result but always stores reports', async () => {
    const definition = artifacts({ paths: ['notes.txt'], when: 'on_success', reports: { junit: ['report.xml'] } });
    const p = await ws.job('failing', { artifacts: definition });
    await p.run(['echo notes > notes.txt', 'echo "<testsuite/>" > report.xml']);
    const saved = await saveArtifacts(p.env, p.job, p.job.variables, ws.store, false, new OutputCollector());
    expect(saved.metadata?.archiveEntries).toBeNull();
    expect(saved.metadata?.reports).toEqual({ junit: ['report.xml'] });
    expect((await readReportFiles(ws.store, 'failing', 'junit')).get('report.xml')?.toString()).toBe('<testsuite/>\n');

    const onFailure = await ws.job('on-failure', { artifacts: artifacts({ paths: ['notes.txt'], when: 'on_failure' }) });
    await onFailure.run(['echo notes > notes.txt']);
    expect((await saveArtifacts(onFailure.env, onFailure.job, [], ws.store, false, new OutputCollector())).metadata?.archiveEntries).toBe(1);
    const always = await ws.job('always', { artifacts: artifacts({ paths: ['notes.txt'], when: 'always' }) });
    await always.run(['echo notes > notes.txt']);
    expect((await saveArtifacts(always.env, always.job, [], ws.store, true, new OutputCollector())).metadata?.archiveEntries).toBe(1);
  });

  it('adds untracked files: everything git does not track', async () => {
    const p = await ws.job('untracked', { artifacts: artifacts({ untracked: true, exclude: ['*.tmp'] }) });
    await p.run(BUILD);
    await saveArtifacts(p.env, p.job, [], ws.store, true, new OutputCollector(), {
      trackedFiles: ['README.md', 'dir with space/ünï cødé.txt', 'dist/app.js'],
    });
    expect(await storedPaths('untracked')).toEqual(['dist/app.js.map', 'dist/sub/lib.js', 'notes.txt']);
  });

  it('reports an error and stores no archive when nothing matches', async () => {
    const p = await ws.job('empty', { artifacts: artifacts({ paths: ['nothing-here/'] }) });
    const log = new OutputCollector();
    const saved = await saveArtifacts(p.env, p.job, [], ws.store, true, log);
    expect(saved.metadata?.archiveEntries).toBeNull();
    expect(log.text).toContain('WARNING: nothing-here: no matching files');
    expect(log.text).toContain('ERROR: No files to upload');
    expect(existsSync(join(jobArtifactsDir(ws.stateDir, 7, 'empty'), 'artifacts.tar'))).toBe(false);
  });

  it('parses the dotenv report and keeps its variables for later jobs', async () => {
    const p = await ws.job('produce-env', { artifacts: artifacts({ reports: { dotenv: ['deploy.env'] } }) });
    await p.run(["printf 'DEPLOY_URL=https://x.example\\nQUOTED=\"kept\"\\n' > deploy.env"]);
    const saved = await saveArtifacts(p.env, p.job, [], ws.store, false, new OutputCollector());
    const expected = [
      { key: 'DEPLOY_URL', value: 'https://x.example' },
      { key: 'QUOTED', value: '"kept"' },
    ];
    expect(saved.dotenv).toEqual(expected);
    expect(await readDotenv(ws.store, 'produce-env')).toEqual(expected);
  });

  it('keeps no dotenv variable when the report is invalid, and says why', async () => {
    const p = await ws.job('bad-env', { artifacts: artifacts({ reports: { dotenv: ['bad.env'] } }) });
    await p.run(["printf 'GOOD=1\\n\\nBAD LINE\\n' > bad.env"]);
    const log = new OutputCollector();
    const saved = await saveArtifacts(p.env, p.job, [], ws.store, true, log);
    expect(saved).toMatchObject({ dotenv: [], dotenvErrors: ['Invalid Format'] });
    expect(log.text).toContain('WARNING: dotenv report: Invalid Format');
    expect(await readDotenv(ws.store, 'bad-env')).toEqual([]);
  });

  it('restores sources in order, later ones overwriting earlier ones, skipping jobs without artifacts', async () => {
    const first = await ws.job('first', { artifacts: artifacts({ paths: ['shared.txt', 'only-first.txt'] }) });
    await first.run(['echo first > shared.txt', 'echo 1 > only-first.txt']);
    await saveArtifacts(first.env, first.job, [], ws.store, true, new OutputCollector(), { jobId: 11 });
    const second = await ws.job('second', { artifacts: artifacts({ paths: ['shared.txt'] }) });
    await second.run(['echo second > shared.txt']);
    await saveArtifacts(second.env, second.job, [], ws.store, true, new OutputCollector(), { jobId: 12 });

    const consumer = await ws.job('consumer');
    const log = new OutputCollector();
    await restoreArtifacts(consumer.env, ['first', 'never-ran', 'second'], ws.store, log);
    const files = await readArchiveFiles(await consumer.env.copyOut(['shared.txt', 'only-first.txt']), () => true);
    expect(files.get('shared.txt')?.toString()).toBe('second\n');
    expect(files.get('only-first.txt')?.toString()).toBe('1\n');
    expect(log.text).toContain('Downloading artifacts for first (11)...');
    expect(log.text).toContain('Downloading artifacts for second (12)...');
    expect(log.text).not.toContain('never-ran');
  });

  it('replaces the artifacts of a retried job', async () => {
    const p = await ws.job('retried', { artifacts: artifacts({ paths: ['a.txt', 'b.txt'] }) });
    await p.run(['echo a > a.txt', 'echo b > b.txt']);
    await saveArtifacts(p.env, p.job, [], ws.store, true, new OutputCollector());
    await p.run(['rm b.txt']);
    await saveArtifacts(p.env, p.job, [], ws.store, true, new OutputCollector());
    expect(await storedPaths('retried')).toEqual(['a.txt']);
    expect((await readArtifactsMetadata(ws.store, 'retried'))?.archiveEntries).toBe(1);
  });

  it('expands variables in paths and refuses paths outside the project', async () => {
    const definition = artifacts({ paths: ['$OUT_DIR/', '../elsewhere'] });
    const p = await ws.job('expanded', { artifacts: definition, variables: [variable('OUT_DIR', 'dist')] });
    await p.run(BUILD);
    const log = new OutputCollector();
    await saveArtifacts(p.env, p.job, p.job.variables, ws.store, true, log);
    expect(await storedPaths('expanded')).toContain('dist/app.js');
    expect(log.text).toContain('../elsewhere: artifact path is not a subpath of project directory');
  });
});
