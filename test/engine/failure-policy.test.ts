// allow_failure (gitlab-ci-yaml.md §5.8), retry (§5.12) and Go durations (runner-behavior.md §10.2).
import { describe, expect, it } from 'vitest';
import { isAllowedFailure, shouldRetry } from '../../src/engine/failure-policy.js';
import { formatGoDuration, parseGoDuration } from '../../src/engine/go-duration.js';

describe('isAllowedFailure', () => {
  it.each([
    [true, 2, true],
    [true, null, true],
    [false, 1, false],
    [{ exitCodes: [1] }, 1, true],
    [{ exitCodes: [1] }, 2, false],
    [{ exitCodes: [1, 137] }, null, false],
  ] as const)('allow_failure %j with exit code %s → %s', (allow, code, expected) => {
    expect(isAllowedFailure(typeof allow === 'object' ? { exitCodes: [...allow.exitCodes] } : allow, code)).toBe(expected);
  });
});

describe('shouldRetry', () => {
  const retry = (max: number, when: string[], exitCodes: number[] = []) => ({ max, when, exitCodes });
  it('retries while retries so far are below max', () => {
    expect(shouldRetry(retry(2, ['always']), 'script_failure', 1, 1)).toBe(true);
    expect(shouldRetry(retry(2, ['always']), 'script_failure', 1, 2)).toBe(true);
    expect(shouldRetry(retry(2, ['always']), 'script_failure', 1, 3)).toBe(false);
    expect(shouldRetry(retry(0, ['always']), 'script_failure', 1, 1)).toBe(false);
  });
  it('retries only listed failure reasons', () => {
    expect(shouldRetry(retry(1, ['script_failure']), 'script_failure', 1, 1)).toBe(true);
    expect(shouldRetry(retry(1, ['script_failure']), 'job_execution_timeout', null, 1)).toBe(false);
    expect(shouldRetry(retry(1, ['job_execution_timeout']), 'job_execution_timeout', null, 1)).toBe(true);
  });
  it('with exit_codes and no when, retries only the listed codes', () => {
    expect(shouldRetry(retry(1, [], [137]), 'script_failure', 137, 1)).toBe(true);
    expect(shouldRetry(retry(1, [], [137]), 'script_failure', 1, 1)).toBe(false);
    expect(shouldRetry(retry(1, [], [137]), 'runner_system_failure', null, 1)).toBe(false);
  });
  it('with neither when nor exit_codes, when defaults to always', () => {
    expect(shouldRetry(retry(1, []), 'runner_system_failure', null, 1)).toBe(true);
  });
});

describe('Go durations', () => {
  it.each([
    [3_600_000, '1h0m0s'],
    [5_400_000, '1h30m0s'],
    [90_000, '1m30s'],
    [600_000, '10m0s'],
    [5_000, '5s'],
    [1_500, '1.5s'],
    [50, '50ms'],
    [0, '0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
  it.each([
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
  ])('parses %s', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
  it('rejects text that is not a Go duration', () => {
    expect(parseGoDuration('5 minutes')).toBeUndefined();
    expect(parseGoDuration('300')).toBeUndefined();
  });
});
