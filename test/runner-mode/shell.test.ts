// `glci runner run` with the shell executor against the coordinator double: the job GitLab hands out
// runs, its whole trace arrives byte for byte (checked against the checksum of the final update), the
// final state and exit code are GitLab's, masked values never reach the trace, a server-side cancel
// stops the job, faults of the transport lose nothing and finish each job exactly once, and
// `concurrent` bounds the running jobs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checksumOf, startCoordinator, type Coordinator, type JobRecord } from '../support/coordinator/coordinator.js';
import { startRunner, steps, variable, type RunnerUnderTest } from './harness.js';
import { until } from './runner-process.js';

let coordinator: Coordinator;
let runner: RunnerUnderTest | undefined;

beforeAll(async () => {
  coordinator = await startCoordinator({ longPollMs: 2_000 });
});

afterAll(async () => {
  await coordinator.close();
});

afterEach(async () => {
  await runner?.stop();
  runner = undefined;
});

const noSources = [variable('GIT_STRATEGY', 'none')];

function final(record: JobRecord) {
  return record.updates.filter((u) => u.state !== 'running' && u.status === 200);
}

async function runOne(input: Parameters<Coordinator['enqueue']>[0], concurrent = 1): Promise<JobRecord> {
  runner ??= await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell', concurrent });
  const id = coordinator.enqueue(input);
  return coordinator.waitForJobFinished(id, 60_000);
}

describe('runner mode, shell executor', () => {
  it('runs a job and delivers its whole trace, checked by the final update’s checksum', async () => {
    const record = await runOne({
      variables: [...noSources, variable('GREETING', 'hello from GitLab')],
      steps: steps(['echo "$GREETING"', 'for i in 1 2 3; do echo "line $i"; done'], ['echo "after: $CI_JOB_STATUS"']),
    });
    expect(record.state).toBe('success');
    const [update] = final(record);
    expect(update?.state).toBe('success');
    expect(update?.output?.checksum).toBe(checksumOf(record.trace));
    expect(update?.output?.bytesize).toBe(record.trace.length);
    const text = record.trace.toString('utf8');
    expect(text).toContain('Running with glci 0.0.0-test');
    expect(text).toMatch(/\$ echo "\$GREETING".*\n.*hello from GitLab/s);
    expect(text).toContain('line 3');
    expect(text).toContain('after: success');
    expect(text).toContain('Job succeeded');
    expect(record.finalAccepted).toBe(1);
    expect(record.finalAfterFinish).toBe(0);
  });

  it('acknowledges the job (two-phase commit) before running it and advertises the features it has', async () => {
    const record = await runOne({ variables: noSources, steps: steps(['true']) });
    expect(record.updates[0]?.state).toBe('running');
    expect(record.features?.two_phase_job_commit).toBe(true);
    expect(record.features?.trace_checksum).toBe(true);
    expect(record.features?.services).toBe(false); // the shell executor runs no services
  });

  it('never lets a masked value reach the trace, the job token included', async () => {
    const record = await runOne({
      variables: [...noSources, variable('CI_JOB_TOKEN', 'JOB_TOKEN', { masked: true }), variable('DB_PASSWORD', 's3cr3t-pass-1234', { masked: true })],
      steps: steps(['echo "password=$DB_PASSWORD"', 'echo "token=$CI_JOB_TOKEN"', 'printf "%s" "$DB_PASSWORD" | cut -c1-8']),
    });
    const text = record.trace.toString('utf8');
    expect(text).toContain('password=[MASKED]');
    expect(text).not.toContain('s3cr3t-pass-1234');
    expect(text).not.toContain(record.payload.token);
    expect(record.state).toBe('success');
  });

  it('reports a failing script as script_failure with its exit code', async () => {
    const record = await runOne({ variables: noSources, steps: steps(['echo before', 'exit 3'], ['echo cleanup ran']) });
    const [update] = final(record);
    expect(update).toMatchObject({ state: 'failed', failure_reason: 'script_failure', exit_code: 3 });
    expect(record.trace.toString()).toContain('cleanup ran');
    expect(record.trace.toString()).toContain('ERROR: Job failed: exit code 3');
    expect(update?.output?.checksum).toBe(checksumOf(record.trace));
  });

  it('stops a job canceled in GitLab: the script ends, after_script still runs', async () => {
    runner ??= await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell' });
    const id = coordinator.enqueue({ variables: noSources, steps: steps(['echo started', 'sleep 60', 'echo never'], ['echo after cancel']) });
    await waitForTrace(id, 'started');
    const began = Date.now();
    coordinator.cancel(id, { graceful: true });
    const record = await coordinator.waitForJobFinished(id, 30_000);
    expect(Date.now() - began).toBeLessThan(15_000);
    const text = record.trace.toString();
    expect(text).not.toContain('never');
    expect(text).toContain('after cancel');
    expect(final(record)[0]?.state).toBe('failed');
  });

  it('loses no trace byte and finishes once through 5xx, 429 and dropped connections', async () => {
    runner ??= await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell' });
    coordinator.failNext({ endpoint: 'patch_trace', response: { status: 502 }, times: 2 });
    coordinator.failNext({ endpoint: 'patch_trace', response: { status: 429, headers: { 'Retry-After': '0' } } });
    coordinator.failNext({ endpoint: 'patch_trace', response: 'drop' });
    coordinator.failNext({ endpoint: 'update_job', response: { status: 500 } });
    coordinator.failNext({ endpoint: 'update_job', response: 'drop' });
    const id = coordinator.enqueue({ variables: noSources, steps: steps(['for i in $(seq 1 200); do echo "row $i of the trace"; sleep 0.005; done']) });
    const record = await coordinator.waitForJobFinished(id, 60_000);
    const text = record.trace.toString();
    for (const i of [1, 100, 200]) expect(text).toContain(`row ${i} of the trace`);
    expect(final(record)[0]?.output?.checksum).toBe(checksumOf(record.trace));
    expect(record.finalAccepted).toBe(1);
    expect(record.finalAfterFinish).toBe(0);
    expect(coordinator.requestsTo('patch_trace').filter((r) => r.faulted).length).toBe(4);
  });

  it('runs two jobs at once with concurrent = 2, and never three', async () => {
    runner = await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell', concurrent: 2 });
    const ids = [1, 2, 3, 4].map(() => coordinator.enqueue({ variables: noSources, steps: steps(['date +%s%N', 'sleep 1.5', 'date +%s%N']) }));
    const records = await Promise.all(ids.map((id) => coordinator.waitForJobFinished(id, 60_000)));
    const spans = records.map((r) => {
      const stamps = [...r.trace.toString().matchAll(/^(\d{19})\s*$/gm)].map((m) => Number(BigInt(m[1] ?? '0') / 1_000_000n));
      return { start: stamps[0] ?? 0, end: stamps[1] ?? 0 };
    });
    const overlapAt = (t: number) => spans.filter((s) => s.start <= t && t < s.end).length;
    const most = Math.max(...spans.map((s) => overlapAt(s.start)));
    expect(most, JSON.stringify(spans)).toBe(2);
    const failedTrace = records.find((r) => r.state !== 'success')?.trace.toString();
    expect(failedTrace).toBeUndefined();
  });
});

function waitForTrace(id: number, text: string): Promise<void> {
  return until(() => coordinator.jobs.get(id)?.trace.toString().includes(text) ?? false, `the trace of job ${id} to show ${text}`);
}
