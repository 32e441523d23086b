import { describe, expect, it } from 'vitest';
import { expandRunnerValue as expandRunner, expandRunnerVariables } from '../../src/variables/index.js';
import type { JobVariable } from '../../src/model/plan.js';

function v(key: string, value: string, extra: Partial<JobVariable> = {}): JobVariable {
  return { key, value, public: true, masked: false, file: false, raw: false, ...extra };
}

const vars = [v('HOME', '/usr/gopher'), v('H', '(Value of H)'), v('home_1', '/usr/foo'), v('_', 'underscore')];

describe('expandRunner (Go os.Expand with the runner JobVariables.Get mapping)', () => {
  // Cases from Go's os.Expand documentation/tests, with the runner's mapping: `$$` → `$`,
  // `$*`, `$#`, `$1`... → empty, unknown names → empty.
  it.each([
    ['', ''],
    ['$*', ''],
    ['$$', '$'],
    ['${*}', ''],
    ['$1', ''],
    ['${1}', ''],
    ['$10', '0'],
    ['now is the time', 'now is the time'],
    ['$HOME', '/usr/gopher'],
    ['$home_1', '/usr/foo'],
    ['${HOME}', '/usr/gopher'],
    ['${H}OME', '(Value of H)OME'],
    ['A$$$#$1$H$home_1*B', 'A$(Value of H)/usr/foo*B'],
    ['start$+middle$^end$', 'start$+middle$^end$'],
    ['mixed$|bag$$$', 'mixed$|bag$$'],
    ['$', '$'],
    ['$}', '$}'],
    ['${', ''],
    ['${}', ''],
    ['${HOME', 'HOME'],
    ['$UNKNOWN/x', '/x'],
    ['${HOME:-fallback}', ''],
    ['$_', 'underscore'],
    ['ünï$H✓', 'ünï(Value of H)✓'],
    ['$$HOME', '$HOME'],
  ])('%j → %j', (input, expected) => {
    expect(expandRunner(input, vars)).toBe(expected);
  });

  it('uses the last definition of a key', () => {
    expect(expandRunner('$A', [v('A', 'first'), v('A', 'second')])).toBe('second');
  });

  it('expands every non-raw value once against the unexpanded list', () => {
    const out = expandRunnerVariables([v('A', '$B'), v('B', '$C'), v('C', 'c'), v('R', '$C', { raw: true }), v('D', 'x$$y')]);
    expect(out.map((x) => [x.key, x.value])).toEqual([
      ['A', '$C'],
      ['B', 'c'],
      ['C', 'c'],
      ['R', '$C'],
      ['D', 'x$y'],
    ]);
  });
});
