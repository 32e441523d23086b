// YAML syntax errors worded as Psych (libyaml) words them, at FILE:LINE:COLUMN, and include
// entries naming no include type (External::Mapper::Matcher).
import { describe, expect, it } from 'vitest';
import { resolveErrors } from './memory-reader.js';

async function first(text: string): Promise<string | undefined> {
  return (await resolveErrors({ '.gitlab-ci.yml': text }))[0];
}

describe('YAML syntax errors in libyaml words', () => {
  it.each([
    ['a nested mapping, at its colon', 'job:\n  script: echo Status: ok\n', '2:22: mapping values are not allowed in this context'],
    ['a key without its colon', 'job\n  script: x\n', '2:9: mapping values are not allowed in this context'],
    ['a badly indented key', 'job:\n  script:\n    - a\n   when: manual\n', '4:4: did not find expected key while parsing a block mapping'],
    ['an unclosed flow sequence', 'job:\n  script: [a\nother: 1\n', "3:1: did not find expected ',' or ']' while parsing a flow sequence"],
    ['an unclosed quote', 'job:\n  script: "echo\n', '3:1: found unexpected end of stream while scanning a quoted scalar'],
    ['a reserved character', 'job:\n  script: @x\n', '2:11: found character that cannot start any token while scanning for the next token'],
    ['an unknown escape', 'job:\n  script: "\\q"\n', '2:12: found unknown escape character while parsing a quoted scalar'],
    ['an alias to an unknown anchor', 'job:\n  script: *setup\n', '2:11: An alias referenced an unknown anchor: setup'],
  ])('%s', async (_name, text, expected) => {
    expect(await first(text)).toBe(`.gitlab-ci.yml:${expected}`);
  });

  it('keeps the parser wording where libyaml would not refuse the same way', async () => {
    expect(await first('a: [1,\n2]\n')).toMatch(/^\.gitlab-ci\.yml:2:1: Flow sequence in block collection/);
  });
});

describe('include entries naming no include type', () => {
  it('refuses them as GitLab Matcher does, not for their unknown keys', async () => {
    const subkeys = 'Valid subkeys are: `local`, `project`, `remote`, `template`, `artifact`, `component`';
    expect(await resolveErrors({ '.gitlab-ci.yml': 'include:\n  - yolo: /local.gitlab-ci.yml\n  - {name: x}\n  - {local: ""}\n' })).toEqual([
      `.gitlab-ci.yml:2:5: \`{"yolo":"/local.gitlab-ci.yml"}\` does not have a valid subkey for include. ${subkeys}`,
      `.gitlab-ci.yml:3:5: \`{"name":"x"}\` does not have a valid subkey for include. ${subkeys}`,
      `.gitlab-ci.yml:4:5: \`{"local":""}\` does not have a valid subkey for include. ${subkeys}`,
    ]);
  });
});
