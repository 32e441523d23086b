// The trace watcher's timing with injected timers and clock and a recording API double: the update
// interval GitLab asks for (capped at 15 min), the keep-alive after the force-send interval, and
// abort() ending every pause.
import { describe, expect, it } from 'vitest';
import type { JobUpdate, JobUpdateResult, RunnerApi, TracePatchResult } from '../../src/gitlab/api/runner-api.js';
import { createJobTrace, type TraceTimers } from '../../src/gitlab/job-trace.js';
import { runnerInfo } from '../../src/gitlab/runner-info.js';

function manualTimers() {
  const pending: Array<{ fn: () => void; ms: number }> = [];
  const timers: TraceTimers = {
    setTimeout: (fn, ms) => {
      const entry = { fn, ms };
      pending.push(entry);
      return entry;
    },
    clearTimeout: (handle) => {
      const i = pending.indexOf(handle as { fn: () => void; ms: number });
      if (i >= 0) pending.splice(i, 1);
    },
  };
  /** Runs the oldest timer and lets its promise chain settle. */
  const fire = async (): Promise<number> => {
    const next = pending.shift();
    if (!next) throw new Error('no timer pending');
    next.fn();
    for (let i = 0; i < 20; i++) await Promise.resolve();
    return next.ms;
  };
  return { timers, pending, fire };
}

function recordingApi(patch: (offset: number, chunk: Uint8Array) => TracePatchResult, update: (u: JobUpdate) => JobUpdateResult) {
  const calls: string[] = [];
  const api: Pick<RunnerApi, 'patchTrace' | 'updateJob'> = {
    patchTrace: async (_id, _token, chunk, offset) => {
      calls.push(`patch ${offset}+${chunk.length}`);
      return patch(offset, chunk);
    },
    updateJob: async (_id, _token, _info, u) => {
      calls.push(`put ${u.state} ${u.output?.bytesize ?? '-'}`);
      return update(u);
    },
  };
  return { api, calls };
}

const info = runnerInfo({ version: '1.2.3' });

describe('job trace timing', () => {
  it('schedules by the interval GitLab sends, capped at 15 minutes', async () => {
    const { timers, pending, fire } = manualTimers();
    const { api } = recordingApi(() => ({ kind: 'accepted', jobStatus: 'running', updateIntervalSeconds: 3600 }), () => ({ kind: 'ok', jobStatus: 'running' }));
    const trace = createJobTrace({ api, jobId: 1, jobToken: 't', info, timers, clock: () => 0 });
    trace.write('a');
    trace.start();
    expect(pending.map((p) => p.ms)).toEqual([3000]);
    await fire();
    expect(pending.map((p) => p.ms)).toEqual([15 * 60 * 1000]);
    trace.abort();
    expect(pending).toEqual([]);
  });

  it('sends the keep-alive only after the force-send interval without a successful send', async () => {
    const { timers, fire } = manualTimers();
    let now = 0;
    const { api, calls } = recordingApi(() => ({ kind: 'accepted', jobStatus: 'running' }), () => ({ kind: 'ok', jobStatus: 'running' }));
    const trace = createJobTrace({ api, jobId: 1, jobToken: 't', info, timers, clock: () => now, updateIntervalMs: 1000, forceSendIntervalMs: 5000 });
    trace.write('abc');
    trace.start();
    now = 1000;
    await fire();
    expect(calls).toEqual(['patch 0+3']);
    now = 5500;
    await fire();
    expect(calls).toEqual(['patch 0+3']);
    now = 6100;
    await fire();
    expect(calls).toEqual(['patch 0+3', 'put running 3']);
    trace.abort();
  });

  it('abort() ends a final update waiting on 202', async () => {
    const { timers, pending } = manualTimers();
    const { api } = recordingApi(() => ({ kind: 'accepted', jobStatus: 'running' }), () => ({ kind: 'accepted', jobStatus: 'running' }));
    const trace = createJobTrace({ api, jobId: 1, jobToken: 't', info, timers, clock: () => 0 });
    const done = trace.finish({ state: 'success' });
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(pending).toHaveLength(1);
    trace.abort();
    expect(await done).toEqual({ delivered: false, updates: 1 });
  });
});
