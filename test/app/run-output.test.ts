// Which reporter a run gets (src/app/run-output.ts): the live view only on a terminal, outside CI,
// without --json, --no-tui, a debug shell or a watch loop.
import { describe, expect, it } from 'vitest';
import { type RunOutputOptions, openRunOutput, wantsLiveView } from '../../src/app/run-output.js';

const terminal = { stdin: { isTTY: true } as NodeJS.ReadStream, stdout: { isTTY: true } as NodeJS.WriteStream };
const sink = { write: () => true };

function options(extra: Partial<RunOutputOptions> = {}): RunOutputOptions {
  return { format: 'plain', stdout: sink, stderr: sink, env: {}, liveView: terminal, terminalTaken: false, ...extra };
}

describe('wantsLiveView', () => {
  it.each([
    ['a terminal', {}, true],
    ['--no-tui (no terminal given)', { liveView: undefined }, false],
    ['--json', { format: 'json' as const }, false],
    ['stdout not a terminal', { liveView: { ...terminal, stdout: { isTTY: false } as NodeJS.WriteStream } }, false],
    ['CI=true', { env: { CI: 'true' } }, false],
    ['CI=false', { env: { CI: 'false' } }, true],
    ['CONTINUOUS_INTEGRATION=1', { env: { CONTINUOUS_INTEGRATION: '1' } }, false],
    ['TERM=dumb', { env: { TERM: 'dumb' } }, false],
    ['a debug shell or watch loop', { terminalTaken: true }, false],
  ])('%s → %s', (_what, extra, expected) => {
    expect(wantsLiveView(options(extra))).toBe(expected);
  });

  it('falls back to the plain reporter, whose notices go to stderr', async () => {
    const output = await openRunOutput(options({ liveView: undefined }));
    expect(output.notices).toBe(sink);
    await output.close();
  });
});
