// The pure parts of `glci hook`: job lists, pre-push's stdin, the hook file's marker, the selection.
import { describe, expect, it } from 'vitest';
import { hookScript, isGlciHook } from '../../src/app/git-hook-script.js';
import { parseJobList } from '../../src/app/hook-selection.js';
import { parsePushLines } from '../../src/app/hook-targets.js';

describe('parseJobList', () => {
  it('splits on commas outside the brackets of matrix names', () => {
    expect(parseJobList(['lint, unit', 'deploy: [aws, eu]'])).toEqual(['lint', 'unit', 'deploy: [aws, eu]']);
    expect(parseJobList(['a,,b,'])).toEqual(['a', 'b']);
  });
});

describe('parsePushLines', () => {
  it('reads git\'s pre-push lines and drops deletions', () => {
    const sha = 'a'.repeat(40);
    const zero = '0'.repeat(40);
    const text = `refs/heads/main ${sha} refs/heads/main ${zero}\n(delete) ${zero} refs/heads/old ${sha}\n\n`;
    expect(parsePushLines(text)).toEqual([{ localRef: 'refs/heads/main', localSha: sha, remoteRef: 'refs/heads/main', remoteSha: zero }]);
  });
});

describe('hook file', () => {
  it('is recognised as glci\'s by its marker line, and quotes paths for sh', () => {
    const text = hookScript({ hook: 'pre-push', node: "/opt/it's/node", entry: '/g/bin/run.js', args: ['--hook', 'pre-push', '--jobs', 'deploy: [aws, eu]'] });
    expect(isGlciHook(text)).toBe(true);
    expect(text).toContain("node='/opt/it'\\''s/node'");
    expect(text).toContain("hook run --hook pre-push --jobs 'deploy: [aws, eu]' \"$@\"");
    expect(text).toContain('git push --no-verify');
    expect(isGlciHook('#!/bin/sh\necho mine\n')).toBe(false);
  });
});
