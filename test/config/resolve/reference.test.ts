// `!reference` (spec §1.4).
import { describe, expect, it } from 'vitest';
import { resolve, resolveErrors } from './memory-reader.js';

describe('!reference', () => {
  it('inserts scalars, sequences (nested, not flattened) and mappings', async () => {
    const yaml = `.setup:
  script: [echo setup]
.vars:
  variables: {URL: "http://x", TOKEN_VAR: abc}
test:
  variables:
    MY_URL: !reference [.vars, variables, URL]
  script:
    - !reference [.setup, script]
    - echo test
  rules: !reference [.r, rules]
.r:
  rules: [{if: $X}]
`;
    const { root } = await resolve({ '.gitlab-ci.yml': yaml });
    expect(root.test).toEqual({ variables: { MY_URL: 'http://x' }, script: [['echo setup'], 'echo test'], rules: [{ if: '$X' }] });
  });

  it('sees included files and extends results, and any top-level key', async () => {
    const { root } = await resolve({
      '.gitlab-ci.yml': 'include: lib.yml\n.child: {extends: .parent}\njob:\n  script: !reference [.child, script]\n  before_script: !reference [default, before_script]\n  variables: {V: !reference [variables, FOO]}\n',
      'lib.yml': '.parent: {script: [from-parent]}\ndefault: {before_script: [b]}\nvariables: {FOO: foo}\n',
    });
    expect(root.job).toEqual({ script: ['from-parent'], before_script: ['b'], variables: { V: 'foo' } });
  });

  it('resolves references inside referenced content', async () => {
    const { root } = await resolve({ '.gitlab-ci.yml': '.a: {s: [a]}\n.b: {s: [!reference [.a, s], b]}\nj: {script: !reference [.b, s]}\n' });
    expect(root.j).toEqual({ script: [['a'], 'b'] });
  });

  it('keeps the float flag of a referenced scalar', async () => {
    const result = await resolve({ '.gitlab-ci.yml': '.v: {x: 1.0}\nj:\n  variables: {X: !reference [.v, x]}\n' });
    const variables = (result.root.j as Record<string, object>).variables as object;
    expect(result.locations.isFloat?.(variables, 'X')).toBe(true);
  });

  it('reports missing, null and false targets, and paths through non-mappings, at the tag', async () => {
    const errors = await resolveErrors({
      '.gitlab-ci.yml': '.a: {n: null, f: false, list: [x]}\nj:\n  a: !reference [.a, missing]\n  b: !reference [.a, n]\n  c: !reference [.a, f]\n  d: !reference [.a, list, "0"]\n  e: !reference [.nope]\n',
    });
    expect(errors).toEqual([
      '.gitlab-ci.yml:3:6: !reference [".a", "missing"] could not be found',
      '.gitlab-ci.yml:4:6: !reference [".a", "n"] could not be found',
      '.gitlab-ci.yml:5:6: !reference [".a", "f"] could not be found',
      '.gitlab-ci.yml:6:6: !reference [".a", "list", "0"] could not be found',
      '.gitlab-ci.yml:7:6: !reference [".nope"] could not be found',
    ]);
  });

  it('validates the tag: a non-empty sequence of strings', async () => {
    const errors = await resolveErrors({
      '.gitlab-ci.yml': 'j:\n  a: !reference []\n  b: !reference "str"\n  c: !reference [1]\n  d: !reference {b: c}\n',
    });
    expect(errors).toEqual([
      '.gitlab-ci.yml:2:6: !reference [] is not valid',
      '.gitlab-ci.yml:3:6: !reference "str" is not valid',
      '.gitlab-ci.yml:4:6: !reference [1] is not valid',
      '.gitlab-ci.yml:5:6: !reference {"b"=>"c"} is not valid',
    ]);
  });

  it('does not complain about an invalid tag that a later definition replaced', async () => {
    const { root } = await resolve({ '.gitlab-ci.yml': 'include: a.yml\nj: {script: [ok]}\n', 'a.yml': 'j: {script: !reference [1]}\n' });
    expect(root).toEqual({ j: { script: ['ok'] } });
  });

  it('detects circular chains', async () => {
    expect(await resolveErrors({ '.gitlab-ci.yml': '.a:\n  s: !reference [.b, s]\n.b:\n  s: !reference [.a, s]\n' })).toEqual([
      '.gitlab-ci.yml:2:6: !reference [".b", "s"] is part of a circular chain',
    ]);
    expect(await resolveErrors({ '.gitlab-ci.yml': '.a:\n  x: 1\n  y: !reference [.a]\n' })).toEqual(['.gitlab-ci.yml:3:6: !reference [".a"] is part of a circular chain']);
  });

  it('cannot build include entries (include is resolved first)', async () => {
    expect(await resolveErrors({ '.gitlab-ci.yml': '.inc: [a.yml]\ninclude:\n  - !reference [.inc]\n' })).toEqual([
      '.gitlab-ci.yml:3:5: `!reference [".inc"]` cannot build an include entry: include is resolved before !reference tags',
    ]);
  });

  it('quotes Ruby-style in messages', async () => {
    expect(await resolveErrors({ '.gitlab-ci.yml': 'j:\n  a: !reference [\'a"b\', "#{x}"]\n' })).toEqual([
      '.gitlab-ci.yml:2:6: !reference ["a\\"b", "\\#{x}"] could not be found',
    ]);
  });
});
