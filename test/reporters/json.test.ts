// The NDJSON reporter: one parseable object per event, job output as text, no variable values.
import { describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../src/model/events.js';
import { createJsonReporter, fanOut } from '../../src/reporters/index.js';
import { job, plan } from '../engine/fakes.js';

describe('json reporter', () => {
  it('writes one JSON object per line per event', () => {
    const lines: string[] = [];
    const secret = job('deploy', { stage: 'deploy', variables: [{ key: 'TOKEN', value: 's3cr3t-value', public: false, masked: true, file: false, raw: false }] });
    const events: PipelineEvent[] = [
      { type: 'pipeline_start', plan: plan(['deploy'], [secret]), executor: 'docker', time: 1 },
      { type: 'job_queued', job: secret, time: 2 },
      { type: 'job_start', job: secret, attempt: 1, time: 3 },
      { type: 'job_output', job: 'deploy', chunk: 'hello\nwor', time: 4 },
      { type: 'job_end', result: { name: 'deploy', stage: 'deploy', status: 'success', allowedToFail: false, exitCode: 0, attempts: 1, durationMs: 5 }, time: 5 },
      { type: 'pipeline_end', result: { status: 'success', jobs: [], durationMs: 9 }, time: 6 },
    ];
    const observe = fanOut([createJsonReporter({ stream: { write: (s: string) => lines.push(s) } })]);
    events.forEach(observe);
    const text = lines.join('');
    expect(text).not.toContain('s3cr3t-value');
    const records = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.type)).toEqual(['pipeline_start', 'job_queued', 'job_start', 'job_output', 'job_end', 'pipeline_end']);
    expect(records[0]).toMatchObject({ executor: 'docker', stages: ['deploy'], jobs: [{ name: 'deploy', stage: 'deploy' }] });
    expect(records[2]).toMatchObject({ job: 'deploy', attempt: 1, time: 3 });
    expect(records[3]).toEqual({ type: 'job_output', time: 4, job: 'deploy', text: 'hello\nwor' });
    expect(records[4]).toMatchObject({ job: 'deploy', result: { status: 'success' } });
  });

  it('writes when a delayed job is due (job_scheduled)', () => {
    const lines: string[] = [];
    createJsonReporter({ stream: { write: (s: string) => lines.push(s) } }).onJobScheduled?.({ type: 'job_scheduled', job: 'later', startsAt: 31_000, time: 1000 });
    expect(JSON.parse(lines.join(''))).toEqual({ type: 'job_scheduled', time: 1000, job: 'later', startsAt: 31_000 });
  });
});
