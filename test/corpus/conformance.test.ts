// Conformance on real files: every public .gitlab-ci.yml of ../shared/corpus (read in place, never
// copied) is loaded and planned as a push to `main`. None may crash: each either yields a pipeline or a
// ConfigError (includes that are not present give a clear include error). Files INDEX.tsv marks
// `invalid` must be rejected, and where a file loads, its visible job count must match INDEX.tsv.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import type { PipelineContext } from '../../src/model/plan.js';
import { planPipeline } from '../../src/planner/index.js';
import { createFileSourceReader } from '../../src/platform/source-reader.js';
import type { SourceReader } from '../../src/config/source-reader.js';

const corpusDir = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

interface Entry { file: string; features: string[]; notes: string }

function readIndex(): Entry[] {
  const [, ...rows] = readFileSync(join(corpusDir, 'INDEX.tsv'), 'utf8').trim().split('\n');
  return rows.map((row) => {
    const cols = row.split('\t');
    return { file: cols[0]!, features: (cols[4] ?? '').split(','), notes: cols[5] ?? '' };
  });
}

/** The real reader, with the network cut: tests never reach anything but this machine. */
function offlineReader(): SourceReader {
  const real = createFileSourceReader({ projectDir: corpusDir });
  return { ...real, fetchRemote: async () => ({ status: 'socket', message: 'network access is disabled in tests' }) };
}

function pushContext(): PipelineContext {
  return {
    projectDir: corpusDir,
    git: {
      sha: 'a'.repeat(40), branch: 'main', tag: null, tagMessage: null, message: 'test', authorName: 'T', authorEmail: 't@example.com',
      timestamp: '2026-01-01T00:00:00Z', remoteUrl: null, defaultBranch: 'main',
    },
    source: 'push', refKind: 'branch', ref: 'main', changedFiles: null, files: [], userVariables: {},
    pipelineId: 1, pipelineIid: 1, projectPath: 'group/project', serverUrl: 'https://gitlab.example.com',
    createdAt: '2026-01-01T00:00:00Z', playedManualJobs: [],
  };
}

type Outcome = { kind: 'ok'; jobs: number; planned: number; note: string } | { kind: 'error'; stage: string; message: string };

async function check(entry: Entry, reader: SourceReader): Promise<Outcome> {
  let config;
  try {
    config = await loadPipelineConfig({ projectDir: corpusDir, file: entry.file, reader, variables: {} });
  } catch (err) {
    if (err instanceof ConfigError) return { kind: 'error', stage: 'config', message: err.diagnostics[0]?.message ?? err.message };
    throw err;
  }
  try {
    const plan = planPipeline(config, pushContext());
    return { kind: 'ok', jobs: config.jobs.length, planned: plan.jobs.length, note: plan.notCreatedReason ?? '' };
  } catch (err) {
    if (err instanceof ConfigError) return { kind: 'error', stage: 'plan', message: err.diagnostics[0]?.message ?? err.message };
    throw err;
  }
}

describe.skipIf(!existsSync(corpusDir))('corpus conformance', () => {
  it('parses every corpus file without a crash', async () => {
    const reader = offlineReader();
    const entries = readIndex();
    expect(entries.length).toBeGreaterThan(100);
    const rows: string[] = [];
    const problems: string[] = [];
    for (const entry of entries) {
      const outcome = await check(entry, reader);
      const invalid = entry.features.includes('invalid');
      const visible = /(\d+) visible jobs/.exec(entry.notes)?.[1];
      if (outcome.kind === 'ok') {
        rows.push(`${entry.file.padEnd(70)} ok     ${String(outcome.jobs).padStart(4)} jobs ${String(outcome.planned).padStart(4)} planned ${outcome.note}`);
        if (invalid) problems.push(`${entry.file}: INDEX.tsv says GitLab rejects it, glci accepted it`);
        if (visible !== undefined && Number(visible) !== outcome.jobs) problems.push(`${entry.file}: ${outcome.jobs} visible jobs, INDEX.tsv says ${visible}`);
      } else {
        rows.push(`${entry.file.padEnd(70)} ${outcome.stage.padEnd(6)} ${outcome.message.slice(0, 110)}`);
      }
    }
    const ok = rows.filter((r) => / ok /.test(r)).length;
    console.log(`corpus conformance: ${ok} loaded, ${entries.length - ok} rejected with a config error, 0 crashed\n${rows.join('\n')}`);
    expect(problems).toEqual([]);
  }, 120_000);
});
