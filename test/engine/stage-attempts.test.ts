// GET_SOURCES_ATTEMPTS, RESTORE_CACHE_ATTEMPTS and ARTIFACT_DOWNLOAD_ATTEMPTS read as GitLab Runner's
// build settings read them, and the retry loops that use them.
import { describe, expect, it } from 'vitest';
import { stageAttempts, withAttempts, withAttemptsThrowing } from '../../src/engine/stage-attempts.js';

const vars = (entries: Record<string, string>) => Object.entries(entries).map(([key, value]) => ({ key, value }));

describe('stageAttempts', () => {
  it('is 1 for each stage by default and takes the variables, the last one winning', () => {
    expect(stageAttempts([]).attempts).toEqual({ getSources: 1, restoreCache: 1, downloadArtifacts: 1 });
    const { attempts, warnings } = stageAttempts([...vars({ GET_SOURCES_ATTEMPTS: '2', RESTORE_CACHE_ATTEMPTS: '4' }), ...vars({ GET_SOURCES_ATTEMPTS: '3', ARTIFACT_DOWNLOAD_ATTEMPTS: '10' })]);
    expect(attempts).toEqual({ getSources: 3, restoreCache: 4, downloadArtifacts: 10 });
    expect(warnings).toEqual([]);
  });

  it('clamps to 1–10 and uses the default for a value that is not an integer, saying so', () => {
    const { attempts, warnings } = stageAttempts(vars({ GET_SOURCES_ATTEMPTS: '0', ARTIFACT_DOWNLOAD_ATTEMPTS: '50', RESTORE_CACHE_ATTEMPTS: 'three' }));
    expect(attempts).toEqual({ getSources: 1, restoreCache: 1, downloadArtifacts: 10 });
    expect(warnings).toEqual([
      'GET_SOURCES_ATTEMPTS: number of attempts out of the range [1, 10], clamping to: 1',
      'ARTIFACT_DOWNLOAD_ATTEMPTS: number of attempts out of the range [1, 10], clamping to: 10',
      'RESTORE_CACHE_ATTEMPTS: expected int got "three", using default value: 1',
    ]);
  });
});

describe('the retry loops', () => {
  it('withAttempts stops at the first success, at the limit, or when no retry is allowed', async () => {
    const results = [false, false, true];
    let retried = 0;
    expect(await withAttempts(5, async () => results.shift() ?? false, () => true, () => retried++)).toBe(true);
    expect(retried).toBe(2);
    let tries = 0;
    expect(await withAttempts(3, async () => (tries++, false), () => true, () => undefined)).toBe(false);
    expect(tries).toBe(3);
    tries = 0;
    expect(await withAttempts(3, async () => (tries++, false), () => false, () => undefined)).toBe(false);
    expect(tries).toBe(1);
  });

  it('withAttemptsThrowing reports each failure but the last and throws the last', async () => {
    const seen: string[] = [];
    let n = 0;
    await expect(withAttemptsThrowing(2, async () => { throw new Error(`fail ${++n}`); }, () => true, (e) => seen.push((e as Error).message))).rejects.toThrow('fail 2');
    expect(seen).toEqual(['fail 1']);
    n = 0;
    await withAttemptsThrowing(3, async () => { if (++n < 2) throw new Error('once'); }, () => true, () => undefined);
    expect(n).toBe(2);
  });
});
