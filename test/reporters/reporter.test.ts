// fanOut delivers each event to every reporter's matching optional hook, in order.
import { describe, expect, it } from 'vitest';
import { type Reporter, fanOut, shouldUseColor } from '../../src/reporters/index.js';

describe('fanOut', () => {
  it('calls the matching hook of every reporter and tolerates missing hooks', () => {
    const calls: string[] = [];
    const a: Reporter = { onJobOutput: (e) => calls.push(`a:${e.chunk}`), onPipelineEnd: () => calls.push('a:end') };
    const b: Reporter = { onJobOutput: (e) => calls.push(`b:${e.chunk}`) };
    const observe = fanOut([a, b, {}]);
    observe({ type: 'job_output', job: 'x', chunk: 'hi', time: 0 });
    observe({ type: 'job_queued', job: {} as never, time: 0 });
    observe({ type: 'pipeline_end', result: { status: 'success', jobs: [], durationMs: 0 }, time: 0 });
    expect(calls).toEqual(['a:hi', 'b:hi', 'a:end']);
  });
});

describe('shouldUseColor', () => {
  it.each([
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [false, {}, false],
    [undefined, {}, false],
    [false, { FORCE_COLOR: '1' }, true],
    [true, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    [true, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: 'false' }, false],
    [false, { FORCE_COLOR: '' }, false],
  ])('isTTY %s env %j → %s', (isTTY, env, expected) => {
    expect(shouldUseColor({ write: () => true, ...(isTTY === undefined ? {} : { isTTY }) }, env)).toBe(expected);
  });
});
