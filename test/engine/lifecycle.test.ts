// The job lifecycle (runner-behavior.md §1.1, §10.2): stage order, log lines, retry, timeout, system
// failures, dotenv variables and masking.
import { describe, expect, it } from 'vitest';
import { exitCodeFor, hasSystemFailure } from '../../src/engine/index.js';
import { ExecutorError } from '../../src/errors.js';
import type { CacheDefinition } from '../../src/model/config.js';
import type { JobVariable } from '../../src/model/plan.js';
import { harness, job, plan, resultOf, runWith } from './fakes.js';

const cache: CacheDefinition = {
  key: { kind: 'literal', value: 'k' },
  paths: ['vendor/'],
  untracked: false,
  unprotect: false,
  when: 'on_success',
  policy: 'pull-push',
  fallbackKeys: [],
};

function variable(key: string, value: string, masked = false): JobVariable {
  return { key, value, public: true, masked, file: false, raw: false };
}

describe('job lifecycle', () => {
  it('runs prepare, restores, script, after_script, saves and cleanup in GitLab Runner order', async () => {
    const h = harness();
    const artifacts = { paths: ['out/'], exclude: [], untracked: false, when: 'on_success' as const, reports: {} };
    const p = plan(['test'], [job('a', { cache: [cache], artifacts, artifactSources: ['x'], afterScript: ['echo bye'] })]);
    await runWith(h, p);
    expect(h.executor.calls).toEqual(['a:prepare', 'a:step_script', 'a:after_script', 'a:cleanup']);
    expect(h.services.calls).toEqual(['a:restoreCaches', 'a:restoreArtifacts', 'a:saveCaches:success', 'a:saveArtifacts:success']);
    const log = h.output('a');
    const sections = [...log.matchAll(/section_start:\d+:(\w+)\r\x1b\[0K/g)].map((m) => m[1]);
    expect(sections).toEqual([
      'prepare_executor',
      'restore_cache',
      'download_artifacts',
      'step_script',
      'after_script',
      'archive_cache',
      'upload_artifacts_on_success',
    ]);
    expect(log).toContain('Executing "step_script" stage of the job script');
    expect(log).toContain('Preparing the "fake" executor');
    expect(log).toMatch(/section_end:\d+:step_script\r\x1b\[0K/);
    expect(log.trimEnd().endsWith('Job succeeded\x1b[0;m')).toBe(true);
  });

  it('on failure saves only on_failure/always caches and artifacts, and prints the exit code line', async () => {
    const h = harness({ a: { script: { exitCode: 3 } } });
    const artifacts = { paths: ['log/'], exclude: [], untracked: false, when: 'always' as const, reports: {} };
    const p = plan(['test'], [job('a', { cache: [cache], artifacts })]);
    const result = await runWith(h, p);
    expect(h.services.calls).toEqual(['a:restoreCaches', 'a:saveArtifacts:failed']);
    expect(resultOf(result, 'a')).toMatchObject({ status: 'failed', exitCode: 3, failureReason: 'script_failure' });
    expect(h.output('a')).toContain('\x1b[31;1mERROR: Job failed: exit code 3\x1b[0;m\n');
    expect(h.output('a')).toMatch(/section_start:\d+:upload_artifacts_on_failure/);
  });

  it('retries up to retry.max and reports the attempts', async () => {
    const h = harness({ flaky: { script: [{ exitCode: 1 }, { exitCode: 0 }] }, broken: { script: { exitCode: 1 } } });
    const retry = { max: 2, when: ['always'], exitCodes: [] };
    const p = plan(['test'], [job('flaky', { retry }), job('broken', { retry })]);
    const result = await runWith(h, p);
    expect(resultOf(result, 'flaky')).toMatchObject({ status: 'success', attempts: 2, exitCode: 0 });
    expect(resultOf(result, 'flaky').failureReason).toBeUndefined();
    expect(resultOf(result, 'broken')).toMatchObject({ status: 'failed', attempts: 3 });
    const starts = h.events.filter((e) => e.type === 'job_start' && e.job.name === 'broken').map((e) => (e.type === 'job_start' ? e.attempt : 0));
    expect(starts).toEqual([1, 2, 3]);
    expect(h.executor.cleanups.every((n) => n === 1)).toBe(true);
    expect(h.executor.prepared).toHaveLength(5);
  });

  it('gives the artifact stage the attempt\'s job id, the CI_JOB_ID its scripts see (a retry has a new one)', async () => {
    const h = harness({ flaky: { script: [{ exitCode: 1 }, { exitCode: 0 }] } });
    const artifacts = { paths: ['out/'], exclude: [], untracked: false, when: 'always' as const, reports: {} };
    const p = plan(['test'], [job('flaky', { retry: { max: 1, when: ['always'], exitCodes: [] }, artifacts })]);
    await runWith(h, p);
    const scriptJobIds = h.services.requests
      .filter((r) => r.stage === 'step_script')
      .map((r) => Number(r.variables.findLast((v) => v.key === 'CI_JOB_ID')?.value));
    expect(scriptJobIds).toHaveLength(2);
    expect(scriptJobIds[0]).not.toBe(scriptJobIds[1]);
    expect(h.services.savedJobIds).toEqual(scriptJobIds.map((jobId) => ({ job: 'flaky', jobId })));
  });

  it('retries only listed reasons and exit codes', async () => {
    const h = harness({ codes: { script: { exitCode: 2 } }, listed: { script: [{ exitCode: 137 }, { exitCode: 0 }] }, reason: { script: { exitCode: 1 } } });
    const p = plan(['test'], [
      job('codes', { retry: { max: 2, when: [], exitCodes: [137] } }),
      job('listed', { retry: { max: 2, when: [], exitCodes: [137] } }),
      job('reason', { retry: { max: 1, when: ['runner_system_failure'], exitCodes: [] } }),
    ]);
    const result = await runWith(h, p);
    expect(resultOf(result, 'codes')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(resultOf(result, 'listed')).toMatchObject({ status: 'success', attempts: 2 });
    expect(resultOf(result, 'reason')).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('kills a job that exceeds its timeout with job_execution_timeout, then runs after_script', async () => {
    const h = harness({ slow: { script: { delayMs: 5000 } } });
    const p = plan(['test'], [job('slow', { timeoutSeconds: 0.05, afterScript: ['echo after'] })]);
    const started = performance.now();
    const result = await runWith(h, p);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(resultOf(result, 'slow')).toMatchObject({ status: 'failed', failureReason: 'job_execution_timeout' });
    expect(h.output('slow')).toContain('ERROR: Job failed: execution took longer than 50ms seconds');
    expect(h.executor.ran('slow', 'after_script')).toBe(true);
    expect(h.services.request('slow', 'after_script').jobStatus).toBe('timedout');
    expect(h.executor.steps.find((s) => s.step === 'after_script')?.timeoutMs).toBe(300_000);
  });

  it('uses the default timeout when the job sets none, printed as a Go duration', async () => {
    const h = harness({ slow: { script: { delayMs: 5000 } } });
    const p = plan(['test'], [job('slow')]);
    const result = await runWith(h, p, { defaultTimeoutSeconds: 0.04 });
    expect(resultOf(result, 'slow').failureReason).toBe('job_execution_timeout');
    expect(h.output('slow')).toContain('execution took longer than 40ms seconds');
  });

  it('turns an executor error into runner_system_failure', async () => {
    const h = harness({ a: { prepareError: new ExecutorError('DOCKER_DOWN', 'daemon unreachable') } });
    const p = plan(['test'], [job('a')]);
    const result = await runWith(h, p);
    expect(resultOf(result, 'a')).toMatchObject({ status: 'failed', failureReason: 'runner_system_failure' });
    expect(h.output('a')).toContain('ERROR: Job failed (system failure): daemon unreachable');
    expect(hasSystemFailure(result)).toBe(true);
    expect(exitCodeFor(result)).toBe(1);
    expect(h.executor.prepared).toHaveLength(0);
  });

  it('an executor error while running a step is a system failure; cleanup still runs once', async () => {
    const h = harness({ a: { script: { throws: new ExecutorError('EXEC_LOST', 'container vanished') } } });
    const p = plan(['test'], [job('a', { afterScript: ['echo after'] })]);
    const result = await runWith(h, p);
    expect(resultOf(result, 'a')).toMatchObject({ status: 'failed', failureReason: 'runner_system_failure' });
    expect(h.output('a')).toContain('ERROR: Job failed (system failure): container vanished');
    expect(h.executor.cleanups).toEqual([1]);
  });

  it('gives a job the dotenv variables of its artifact sources, below user variables', async () => {
    const dotenv = { build: [{ key: 'VERSION', value: '1.2.3' }, { key: 'TOKEN', value: 'from-dotenv' }] };
    const h = harness({}, dotenv);
    const artifacts = { paths: [], exclude: [], untracked: false, when: 'on_success' as const, reports: { dotenv: ['build.env'] } };
    const p = plan(['build', 'test'], [
      job('build', { stage: 'build', artifacts }),
      job('test', {
        stage: 'test',
        artifactSources: ['build'],
        variables: [variable('VERSION', 'yaml'), variable('TOKEN', 'user')],
      }),
      job('other', { stage: 'test' }),
    ]);
    await runWith(h, p, { userVariableKeys: ['TOKEN'] });
    const vars = h.services.request('test', 'step_script').variables;
    expect(vars.filter((v) => v.key === 'VERSION').map((v) => v.value)).toEqual(['1.2.3']);
    expect(vars.filter((v) => v.key === 'TOKEN').map((v) => v.value)).toEqual(['user']);
    // `other` receives no artifacts, so no dotenv variables (only the runner's own CI_* ones).
    expect(h.services.request('other', 'step_script').variables.filter((v) => !v.key.startsWith('CI_'))).toEqual([]);
  });

  it('adds the runner\'s own variables (CI_PROJECT_DIR of the prepared environment, CI_JOB_ID) below the job\'s', async () => {
    const h = harness();
    const p = plan(['test'], [job('a', { variables: [variable('CI_JOB_TIMEOUT', 'from-yaml')] })]);
    await runWith(h, p);
    const vars = h.services.request('a', 'step_script').variables;
    const last = (key: string) => vars.findLast((v) => v.key === key)?.value;
    expect(last('CI_PROJECT_DIR')).toBe('/builds/project');
    expect(last('CI_BUILDS_DIR')).toBe('/builds');
    expect(last('CI_JOB_ID')).toBe('1');
    // runner-behavior.md §8.4: the payload's variables come after the runner's, so they win.
    expect(last('CI_JOB_TIMEOUT')).toBe('from-yaml');
  });

  it('masks a secret split across two output chunks before any event is emitted', async () => {
    const h = harness({ a: { script: { output: ['password=hunter', '2-xyz and more\n'] } } });
    const p = plan(['test'], [job('a', { variables: [variable('PASSWORD', 'hunter2-xyz', true)] })]);
    await runWith(h, p);
    const chunks = h.events.flatMap((e) => (e.type === 'job_output' ? [e.chunk] : []));
    expect(chunks.join('')).toContain('password=[MASKED] and more\n');
    expect(chunks.some((c) => c.includes('hunter'))).toBe(false);
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = new TextEncoder().encode('é');
    const h = harness({ a: { script: { bytes: [bytes.slice(0, 1), bytes.slice(1)] } } });
    await runWith(h, plan(['test'], [job('a')]));
    expect(h.output('a')).toContain('é');
    expect(h.output('a')).not.toContain('\uFFFD');
  });
});
