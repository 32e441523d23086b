// The per-run event record behind `glci report`: the json reporter's NDJSON, streamed to
// <stateDir>/pipelines/<id>/events.ndjson; failing to write it never fails the run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRunEventsFile } from '../../src/app/run-events-file.js';
import type { PipelineEvent } from '../../src/model/events.js';
import { fanOut } from '../../src/reporters/index.js';

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glci-events-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const events: PipelineEvent[] = [
  { type: 'job_output', job: 'build', chunk: 'hello\n', time: 1 },
  { type: 'pipeline_end', result: { status: 'success', jobs: [], durationMs: 2 }, time: 2 },
];

describe('run events file', () => {
  it('writes one NDJSON record per event under pipelines/<id>/, complete once closed', async () => {
    const stateDir = scratch();
    const warnings: string[] = [];
    const record = await openRunEventsFile(stateDir, 1234, { write: (s: string) => warnings.push(s) });
    expect(record.path).toBe(join(stateDir, 'pipelines', '1234', 'events.ndjson'));
    events.forEach(fanOut([record.reporter]));
    await record.close();
    const lines = readFileSync(record.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { type: 'job_output', time: 1, job: 'build', text: 'hello\n' },
      { type: 'pipeline_end', time: 2, result: { status: 'success', jobs: [], durationMs: 2 } },
    ]);
    expect(warnings).toEqual([]);
  });

  it('warns and records nothing when the folder cannot be created, without throwing', async () => {
    const stateDir = scratch();
    writeFileSync(join(stateDir, 'pipelines'), 'not a folder');
    const warnings: string[] = [];
    const record = await openRunEventsFile(stateDir, 1, { write: (s: string) => warnings.push(s) });
    events.forEach(fanOut([record.reporter]));
    await record.close();
    expect(warnings.join('')).toMatch(/^warning: the run's events are not kept: /);
  });
});
