// `glci runner run` through the built CLI (`npm run build` first) against the coordinator double: the
// process log's lines around SIGQUIT and SIGTERM as GitLab Runner writes them (SIGQUIT stops taking
// jobs and lets the running one finish; SIGTERM aborts it within shutdown_timeout), `--log-format json`,
// and the metrics served on `listen_address`. The second SIGTERM and SIGHUP are in signals.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shortenRunnerToken } from '../../src/variables/runner-token.js';
import { startCoordinator, type Coordinator } from '../support/coordinator/coordinator.js';
import { steps, variable } from './harness.js';
import { killRunnerProcesses, startRunnerProcess, until, type RunnerProcessOptions } from './runner-process.js';

let coordinator: Coordinator;

beforeAll(async () => {
  // A 1 s trace interval (X-GitLab-Trace-Update-Interval) so a job's first lines arrive soon.
  coordinator = await startCoordinator({ longPollMs: 1_000, traceUpdateIntervalSeconds: 1 });
});
afterEach(killRunnerProcesses);
afterAll(async () => {
  await coordinator?.close();
});

const runnerProcess = (token: string, options: RunnerProcessOptions = {}) => startRunnerProcess(coordinator, token, options);

const job = (script: string[], afterScript: string[] = []) => ({ variables: [variable('GIT_STRATEGY', 'none')], steps: steps(script, afterScript) });
const traceOf = (id: number) => coordinator.jobs.get(id)?.trace.toString() ?? '';

/** The index of the first line matching `pattern` at or after `from`; -1 when none. */
function lineIndex(lines: string[], pattern: RegExp, from = 0): number {
  for (let i = from; i < lines.length; i++) if (pattern.test(lines[i] ?? '')) return i;
  return -1;
}

describe('glci runner run, process log around signals', () => {
  it('SIGQUIT: takes no new job, lets the running one finish, logs GitLab Runner’s lines and exits 0', async () => {
    const token = coordinator.createRunner();
    const runner = await runnerProcess(token);
    const id = coordinator.enqueue(job(['echo started', 'sleep 3', 'echo finished']));
    await until(() => traceOf(id).includes('started'), 'job started');
    runner.child.kill('SIGQUIT');
    await until(() => runner.log().includes('Starting graceful shutdown'), 'SIGQUIT seen');
    // Queued after the signal, with a free slot (concurrent = 2): it must stay in GitLab's queue.
    const late = coordinator.enqueue(job(['echo late']));
    const record = await coordinator.waitForJobFinished(id, 30_000);
    expect(record.state, record.trace.toString()).toBe('success');
    expect(record.trace.toString()).toContain('finished');
    expect(await runner.exited).toBe(0);
    expect(coordinator.jobs.get(late)?.state).toBe('pending');
    coordinator.cancel(late, { graceful: false }); // out of the queue, for the next tests' runners

    const lines = runner.log().split('\n');
    const short = shortenRunnerToken(token);
    const received = lineIndex(lines, new RegExp(`^Checking for jobs\\.\\.\\. received +job=${id} repo_url=http://127\\.0\\.0\\.1/group/project\\.git runner=${short}$`));
    const quit = lineIndex(lines, /^WARNING: Starting graceful shutdown, waiting for builds to finish +StopSignal=quit builds=1$/, received);
    const submitted = lineIndex(lines, new RegExp(`^Submitting job to coordinator\\.\\.\\.ok +.*job=${id}`), quit);
    const succeeded = lineIndex(lines, new RegExp(`^Job succeeded +.*job=${id}`), quit);
    const removed = lineIndex(lines, new RegExp(`^Removed job from processing list +job=${id} runner=${short}$`), Math.max(submitted, succeeded));
    const stopped = lineIndex(lines, /^All workers stopped\. Can exit now$/, removed);
    expect([received, quit, submitted, succeeded, removed, stopped].every((i) => i >= 0), runner.log()).toBe(true);
    expect(runner.log()).not.toContain(coordinator.jobs.get(id)?.payload.token ?? 'no token');
  });

  it('SIGTERM: aborts a job that ignores SIGTERM, sends its final update and exits soon after shutdown_timeout', async () => {
    const runner = await runnerProcess(coordinator.createRunner());
    const id = coordinator.enqueue(job(['echo started', 'trap "" TERM; sleep 60; echo never']));
    await until(() => traceOf(id).includes('started'), 'job started');
    const began = Date.now();
    runner.child.kill('SIGTERM');
    const record = await coordinator.waitForJobFinished(id, 30_000);
    const code = await runner.exited;
    const elapsed = Date.now() - began;
    expect(record.updates.filter((u) => u.state !== 'running')).toMatchObject([{ state: 'failed', status: 200 }]);
    expect(record.finalAccepted).toBe(1);
    expect(record.trace.toString()).not.toMatch(/^never/m);
    // shutdown_timeout = 3 s; the job's processes ignore SIGTERM and are killed by the shell executor's
    // SIGKILL after its 5 s grace, so the process ends a few seconds after shutdown_timeout, not 60 s.
    expect(elapsed, runner.log()).toBeLessThan(3_000 + 7_000);
    expect(code).toBe(0);
    expect(runner.log()).toMatch(/^WARNING: Starting forceful shutdown +StopSignal=terminated builds=1 shutdown-timeout=3s$/m);
    expect(runner.log()).toMatch(/^All workers stopped\. Can exit now$/m);
  });
});

describe('glci runner run --log-format json', () => {
  it('writes one JSON object per line, with GitLab Runner’s messages and fields', async () => {
    const token = coordinator.createRunner();
    const runner = await runnerProcess(token, { args: ['--log-format', 'json'] });
    const id = coordinator.enqueue(job(['echo json']));
    const record = await coordinator.waitForJobFinished(id, 30_000);
    expect(record.state).toBe('success');
    await until(() => runner.log().includes('Removed job from processing list'), 'job removed');
    runner.child.kill('SIGQUIT');
    expect(await runner.exited).toBe(0);

    const lines = runner.log().split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(4);
    const records = lines.map((line) => {
      const parsed: unknown = JSON.parse(line);
      expect(parsed, line).toBeTypeOf('object');
      return parsed as Record<string, unknown>;
    });
    for (const entry of records) {
      expect(entry).toMatchObject({ level: expect.stringMatching(/^(debug|info|warning|error)$/), msg: expect.any(String) });
      expect(Number.isNaN(Date.parse(String(entry.time)))).toBe(false);
      expect(Object.keys(entry)).toEqual(Object.keys(entry).sort());
    }
    const received = records.find((r) => r.msg === 'Checking for jobs... received' && r.job === id);
    expect(received).toMatchObject({ job: id, level: 'info', runner: shortenRunnerToken(token), repo_url: 'http://127.0.0.1/group/project.git' });
    expect(records.find((r) => r.msg === 'Job succeeded')).toMatchObject({ job: id });
    expect(records.find((r) => r.msg === 'Starting graceful shutdown, waiting for builds to finish')).toMatchObject({ level: 'warning', StopSignal: 'quit', builds: 0 });
    expect(records.at(-1)?.msg).toBe('All workers stopped. Can exit now');
  });
});

describe('glci runner run with listen_address', () => {
  it('serves GitLab Runner’s metrics on the port the system chose for :0', async () => {
    const token = coordinator.createRunner();
    const runner = await runnerProcess(token, { globalToml: ['listen_address = "127.0.0.1:0"'] });
    await until(() => /Metrics server listening +address=127\.0\.0\.1:\d+/.test(runner.log()), 'metrics address logged');
    const address = /Metrics server listening +address=(127\.0\.0\.1:\d+)/.exec(runner.log())?.[1] ?? '';
    expect(address).not.toBe('127.0.0.1:0');
    const passed = await coordinator.waitForJobFinished(coordinator.enqueue(job(['echo metrics'])), 30_000);
    const failed = await coordinator.waitForJobFinished(coordinator.enqueue(job(['exit 3'])), 30_000);
    expect([passed.state, failed.state]).toEqual(['success', 'failed']);
    await until(() => (runner.log().match(/Removed job from processing list/g) ?? []).length === 2, 'both jobs removed');

    const res = await fetch(`http://${address}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    const short = shortenRunnerToken(token);
    expect(text).toContain('# TYPE gitlab_runner_jobs_total counter');
    expect(text).toMatch(new RegExp(`^gitlab_runner_jobs_total\\{runner="${short}",runner_name="cli",system_id="[rs]_[0-9a-zA-Z]+"\\} 2$`, 'm'));
    expect(text).toMatch(new RegExp(`^gitlab_runner_failed_jobs_total\\{[^}]*failure_reason="script_failure"[^}]*runner="${short}"[^}]*\\} 1$`, 'm'));
    const requests = text.split('\n').filter((line) => line.startsWith('gitlab_runner_api_request_statuses_total{') && line.includes('endpoint="request_job"'));
    expect(requests.some((line) => line.includes('status="201"') && line.includes('method="POST"') && line.includes(`runner="${short}"`) && / 2$/.test(line)), text).toBe(true);
    expect(text).toMatch(/^gitlab_runner_api_request_statuses_total\{[^}]*endpoint="update_job"[^}]*status="200"[^}]*\} \d+$/m);
    expect((await fetch(`http://${address}/debug/jobs/list`)).status).toBe(404);

    runner.child.kill('SIGQUIT');
    expect(await runner.exited).toBe(0);
  });
});
