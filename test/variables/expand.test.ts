// The expansion mechanisms of gitlab-ci-yaml.md §7.3 and precedence merging of §7.1.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { JobVariable } from '../../src/model/plan.js';
import { expandKeyword, expandRunner, expandVariableValues, mergeVariableLayers } from '../../src/variables/index.js';

const vars: Record<string, string> = { FOO: 'foo', BAR: 'bar', EMPTY: '', REF: '$FOO' };
const lookup = (name: string) => vars[name];

describe('expandKeyword (GitLab keyword expansion)', () => {
  it.each([
    ['$FOO', 'foo'],
    ['${FOO}', 'foo'],
    ['%FOO%', 'foo'],
    ['a-$FOO-${BAR}-%FOO%-z', 'a-foo-bar-foo-z'],
    ['$FOO_X', '$FOO_X'],
    ['${FOO}_X', 'foo_X'],
    ['$EMPTY.', '.'],
    // No escape sequence: in $$FOO the inner $FOO is expanded; %% is not special.
    ['$$FOO', '$foo'],
    ['%%FOO%%', '%foo%'],
    // Values are not expanded again.
    ['$REF', '$FOO'],
    // Not references: a name cannot start with a digit; ${ needs its brace.
    ['$1 ${FOO', '$1 ${FOO'],
    ['50% off', '50% off'],
  ])('%j → %j (keep)', (text, expected) => {
    expect(expandKeyword(text, lookup, 'keep')).toBe(expected);
  });

  it('keeps or empties unknown references by flavour', () => {
    expect(expandKeyword('x-$NOPE-${NOPE}-%NOPE%', lookup, 'keep')).toBe('x-$NOPE-${NOPE}-%NOPE%');
    expect(expandKeyword('x-$NOPE-${NOPE}-%NOPE%', lookup, 'empty')).toBe('x---');
  });
});

describe('expandRunner (runner single pass)', () => {
  it.each([
    ['$FOO', 'foo'],
    ['${FOO}x', 'foox'],
    ['$FOOx', ''],
    ['$NOPE.', '.'],
    ['$$', '$'],
    ['$$FOO', '$FOO'],
    ['a$', 'a$'],
    ['$ x', '$ x'],
    ['$/x', '$/x'],
    ['$1-$*-$#-$?', '---'],
    ['${1}x', 'x'],
    ['${}x', 'x'],
    ['${FOO', 'FOO'],
    ['$REF', '$FOO'],
    ['%FOO%', '%FOO%'],
    ['price: 5$', 'price: 5$'],
  ])('%j → %j', (text, expected) => {
    expect(expandRunner(text, lookup)).toBe(expected);
  });
});

function v(key: string, value: string, extra: Partial<JobVariable> = {}): JobVariable {
  return { key, value, public: true, masked: false, file: false, raw: false, ...extra };
}

const values = (list: JobVariable[]) => Object.fromEntries(list.map((x) => [x.key, x.value]));

describe('expandVariableValues (GitLab nested expansion)', () => {
  it('expands values with the others, in dependency order, keeping the list order', () => {
    const out = expandVariableValues([v('C', '${B}z'), v('B', '$A-y'), v('A', 'a')], 'job');
    expect(out.map((x) => x.key)).toEqual(['C', 'B', 'A']);
    expect(values(out)).toEqual({ C: 'a-yz', B: 'a-y', A: 'a' });
  });

  it('expands %NAME% too and keeps $$ and %% escapes for the runner', () => {
    const out = expandVariableValues([v('A', 'a'), v('B', '%A% $$A %%A%% $A')], 'job');
    expect(values(out).B).toBe('a $$A %%A%% a');
  });

  it('keeps references to unknown, raw and file variables', () => {
    const out = expandVariableValues(
      [v('R', '$A', { raw: true }), v('F', 'file of $A', { file: true }), v('A', 'a'), v('B', '$R $F $CI_BUILDS_DIR $A')],
      'job',
    );
    expect(values(out)).toEqual({ R: '$A', F: 'file of a', A: 'a', B: '$R $F $CI_BUILDS_DIR a' });
  });

  it('allows a variable to reference itself (left for the runner)', () => {
    expect(values(expandVariableValues([v('PATH', '$PATH:/opt/bin')], 'job')).PATH).toBe('$PATH:/opt/bin');
  });

  it('uses the last definition of a duplicated key', () => {
    const out = expandVariableValues([v('A', 'old'), v('B', '$A'), v('A', 'new')], 'job');
    expect(out[1]!.value).toBe('new');
    expect(out[2]!.value).toBe('new');
  });

  it('does not change its input', () => {
    const input = [v('A', 'a'), v('B', '$A')];
    expandVariableValues(input, 'job');
    expect(input[1]!.value).toBe('$A');
  });

  it('fails on a reference cycle with GitLab’s message', () => {
    const run = () => expandVariableValues([v('A', '$B'), v('B', '${A}'), v('C', 'ok')], 'build');
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('build: circular variable reference detected: ["A", "B"]');
    const longer = () => expandVariableValues([v('X', '$Y'), v('Y', '$Z'), v('Z', '%X%')], 'deploy');
    expect(longer).toThrow('deploy: circular variable reference detected: ["X", "Y", "Z"]');
  });

  it('does not see cycles through raw variables', () => {
    const out = expandVariableValues([v('A', '$B'), v('B', '$A', { raw: true })], 'job');
    expect(values(out)).toEqual({ A: '$B', B: '$A' });
  });
});

describe('mergeVariableLayers', () => {
  it('lets later layers win and keeps first positions', () => {
    const merged = mergeVariableLayers([
      [v('A', 'predefined'), v('B', 'predefined')],
      [v('C', 'global'), v('A', 'global')],
      [v('A', 'job', { masked: true })],
    ]);
    expect(merged.map((x) => [x.key, x.value])).toEqual([
      ['A', 'job'],
      ['B', 'predefined'],
      ['C', 'global'],
    ]);
    expect(merged[0]!.masked).toBe(true);
  });
});
