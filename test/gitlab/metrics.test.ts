// The metrics registry's text exposition (format 0.0.4) and the runner-mode families under GitLab
// Runner's names and labels, read back with an independent parser of the format.
import { describe, expect, it } from 'vitest';
import { RunnerMetrics, type MetricsRunner, type VersionInfo } from '../../src/gitlab/metrics.js';
import { escapeLabelValue, formatValue, MetricsError, MetricsRegistry } from '../../src/gitlab/metrics-registry.js';
import { parseExposition, type ParsedFamily } from './exposition-parser.js';

const version: VersionInfo = {
  name: 'glci', version: '1.2.3', revision: 'abc1234', branch: 'main', builtAt: '2026-12-02T00:00:00Z', os: 'linux', architecture: 'x64', nodeVersion: 'v20.19.0',
};
const alpha: MetricsRunner = { token: 'glrt-AbCdEfGh12345678', name: 'alpha', systemId: 's_0123456789ab' };
const beta: MetricsRunner = { token: 'glrt-ZyXwVuTs87654321', name: 'beta', systemId: 's_ba9876543210' };

function family(text: string, name: string): ParsedFamily {
  const found = parseExposition(text).find((f) => f.name === name);
  if (!found) throw new Error(`no family ${name} in:\n${text}`);
  return found;
}

describe('MetricsRegistry exposition', () => {
  it('writes HELP and TYPE once per family, families sorted by name, labels sorted by name', () => {
    const registry = new MetricsRegistry();
    const zeta = registry.counter('zeta_total', 'Last family.', ['b', 'a']);
    const alphaGauge = registry.gauge('alpha_value', 'First family.');
    zeta.inc({ b: '2', a: '1' });
    zeta.inc({ b: '1', a: '1' }, 2);
    alphaGauge.set({}, 0.5);
    expect(registry.render()).toBe(
      '# HELP alpha_value First family.\n# TYPE alpha_value gauge\nalpha_value 0.5\n' +
        '# HELP zeta_total Last family.\n# TYPE zeta_total counter\nzeta_total{a="1",b="1"} 2\nzeta_total{a="1",b="2"} 1\n',
    );
  });

  it('sorts samples by label values in label-name order, whatever order they were created in', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter('c_total', 'h', ['y', 'x']);
    for (const [x, y] of [['b', '1'], ['a', '2'], ['a', '1'], ['B', '9']] as const) c.inc({ x, y });
    const samples = family(registry.render(), 'c_total').samples.map((s) => `${s.labels.x ?? ''}${s.labels.y ?? ''}`);
    expect(samples).toEqual(['B9', 'a1', 'a2', 'b1']);
  });

  it('escapes label values and help text so they read back exactly', () => {
    const registry = new MetricsRegistry();
    const tricky = 'back\\slash "quoted"\nnext line';
    registry.gauge('g', 'help with \\ and\nnewline "quotes"', ['v']).set({ v: tricky }, 1);
    const text = registry.render();
    expect(text).toContain('g{v="back\\\\slash \\"quoted\\"\\nnext line"} 1\n');
    expect(text).toContain('# HELP g help with \\\\ and\\nnewline "quotes"\n');
    const parsed = family(text, 'g');
    expect(parsed.help).toBe('help with \\ and\nnewline "quotes"');
    expect(parsed.samples[0]?.labels.v).toBe(tricky);
    expect(text.split('\n')).toHaveLength(4);
    expect(escapeLabelValue('plain')).toBe('plain');
  });

  it('formats special values as the format spells them', () => {
    expect([Infinity, -Infinity, NaN, 3, -0.25, 1e21].map(formatValue)).toEqual(['+Inf', '-Inf', 'NaN', '3', '-0.25', '1e+21']);
  });

  it('leaves out families without samples and removes gauge samples', () => {
    const registry = new MetricsRegistry();
    registry.counter('never_total', 'unused');
    const g = registry.gauge('g', 'h', ['k']);
    g.set({ k: 'a' }, 1);
    g.set({ k: 'b' }, 2);
    g.remove({ k: 'a' });
    expect(registry.render()).toBe('# HELP g h\n# TYPE g gauge\ng{k="b"} 2\n');
    g.clear();
    expect(registry.render()).toBe('');
  });

  it('refuses invalid names, wrong label sets, duplicate families and counters going down', () => {
    const registry = new MetricsRegistry();
    expect(() => registry.counter('bad-name', 'h')).toThrow(MetricsError);
    expect(() => registry.counter('ok_total', 'h', ['__reserved'])).toThrow(MetricsError);
    expect(() => registry.counter('ok2_total', 'h', ['a', 'a'])).toThrow(MetricsError);
    const c = registry.counter('c_total', 'h', ['a']);
    expect(() => registry.gauge('c_total', 'h')).toThrow(/registered twice/);
    expect(() => c.inc({})).toThrow(/label a is missing/);
    expect(() => c.inc({ a: 'x', b: 'y' })).toThrow(/unknown label b/);
    expect(() => c.inc({ a: 'x' }, -1)).toThrow(/cannot go down/);
    expect(c.value({ a: 'x' })).toBe(0);
  });
});

describe('RunnerMetrics (GitLab Runner families)', () => {
  it('starts with version info, zeroed error levels, concurrent, limits and an idle row per runner', () => {
    const metrics = new RunnerMetrics(version);
    metrics.configure(4, [{ runner: alpha, limit: 2 }, { runner: beta, limit: 0 }]);
    const text = metrics.render();
    const names = parseExposition(text).map((f) => f.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(['gitlab_runner_concurrent', 'gitlab_runner_errors_total', 'gitlab_runner_jobs', 'gitlab_runner_limit', 'gitlab_runner_version_info']);
    expect(family(text, 'gitlab_runner_concurrent').samples).toEqual([{ name: 'gitlab_runner_concurrent', labels: {}, value: 4 }]);
    expect(family(text, 'gitlab_runner_limit').samples.map((s) => [s.labels, s.value])).toEqual([
      [{ runner: 'AbCdEfGh1', runner_name: 'alpha', system_id: 's_0123456789ab' }, 2],
      [{ runner: 'ZyXwVuTs8', runner_name: 'beta', system_id: 's_ba9876543210' }, 0],
    ]);
    const jobs = family(text, 'gitlab_runner_jobs');
    expect(jobs.type).toBe('gauge');
    expect(jobs.samples.map((s) => [s.labels.runner, s.labels.state, s.labels.stage, s.labels.executor_stage, s.value])).toEqual([
      ['AbCdEfGh1', 'idle', 'idle', 'idle', 0],
      ['ZyXwVuTs8', 'idle', 'idle', 'idle', 0],
    ]);
    expect(family(text, 'gitlab_runner_errors_total').samples.map((s) => s.labels.level)).toEqual(['error', 'fatal', 'panic', 'warning']);
    expect(family(text, 'gitlab_runner_version_info').samples[0]).toEqual({
      name: 'gitlab_runner_version_info',
      labels: { architecture: 'x64', branch: 'main', built_at: '2026-12-02T00:00:00Z', go_version: '', name: 'glci', node_version: 'v20.19.0', os: 'linux', revision: 'abc1234', version: '1.2.3' },
      value: 1,
    });
    expect(text).not.toContain('glrt-');
  });

  it('counts running jobs by state while they run and every received job in jobs_total', () => {
    const metrics = new RunnerMetrics(version);
    metrics.configure(2, [{ runner: alpha, limit: 0 }]);
    const one = metrics.jobReceived(alpha);
    const two = metrics.jobReceived(alpha);
    two.update({ state: 'running', stage: 'step_script', executorStage: 'docker_run' });
    let text = metrics.render();
    const rows = family(text, 'gitlab_runner_jobs').samples.map((s) => `${s.labels.state}/${s.labels.stage}/${s.labels.executor_stage}=${s.value}`);
    // Sorted by label values in label-name order: executor_stage ('' < docker_run < idle) comes first.
    expect(rows).toEqual(['running//=1', 'running/step_script/docker_run=1', 'idle/idle/idle=0']);
    expect(family(text, 'gitlab_runner_jobs_total').samples).toEqual([
      { name: 'gitlab_runner_jobs_total', labels: { runner: 'AbCdEfGh1', runner_name: 'alpha', system_id: 's_0123456789ab' }, value: 2 },
    ]);
    one.finish();
    two.finish();
    two.finish();
    text = metrics.render();
    expect(family(text, 'gitlab_runner_jobs').samples.map((s) => s.labels.state)).toEqual(['idle']);
    expect(family(text, 'gitlab_runner_jobs_total').samples[0]?.value).toBe(2);
  });

  it('counts failures by reason and API answers by endpoint, status and method', () => {
    const metrics = new RunnerMetrics(version);
    metrics.jobFailed(alpha, 'script_failure');
    metrics.jobFailed(alpha, 'script_failure');
    metrics.jobFailed(alpha, 'job_execution_timeout');
    metrics.apiRequest(alpha, 'request_job', 201, 'post');
    metrics.apiRequest(alpha, 'request_job', 204, 'POST');
    metrics.apiRequest(alpha, 'patch_trace', 202, 'PATCH');
    metrics.apiRequest(alpha, 'patch_trace', 202, 'PATCH');
    metrics.logged('warning');
    const text = metrics.render();
    expect(family(text, 'gitlab_runner_failed_jobs_total').samples.map((s) => [s.labels, s.value])).toEqual([
      [{ failure_reason: 'job_execution_timeout', runner: 'AbCdEfGh1', runner_name: 'alpha' }, 1],
      [{ failure_reason: 'script_failure', runner: 'AbCdEfGh1', runner_name: 'alpha' }, 2],
    ]);
    const api = family(text, 'gitlab_runner_api_request_statuses_total');
    expect(api.type).toBe('counter');
    expect(api.samples.map((s) => `${s.labels.endpoint} ${s.labels.status} ${s.labels.method} ${s.labels.system_id} ${s.value}`)).toEqual([
      'patch_trace 202 PATCH s_0123456789ab 2',
      'request_job 201 POST s_0123456789ab 1',
      'request_job 204 POST s_0123456789ab 1',
    ]);
    expect(family(text, 'gitlab_runner_errors_total').samples.find((s) => s.labels.level === 'warning')?.value).toBe(1);
  });

  it('drops the limit of a runner removed by a reload', () => {
    const metrics = new RunnerMetrics(version);
    metrics.configure(1, [{ runner: alpha, limit: 1 }, { runner: beta, limit: 3 }]);
    metrics.configure(5, [{ runner: beta, limit: 4 }]);
    const text = metrics.render();
    expect(family(text, 'gitlab_runner_limit').samples.map((s) => [s.labels.runner_name, s.value])).toEqual([['beta', 4]]);
    expect(family(text, 'gitlab_runner_concurrent').samples[0]?.value).toBe(5);
    expect(family(text, 'gitlab_runner_jobs').samples.map((s) => s.labels.runner_name)).toEqual(['beta']);
  });
});
