// GitLab's dotenv report rules (gitlab-ci-yaml.md §9.1).
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/artifacts/dotenv.js';

const parse = (...files: string[]) => parseDotenv(files.map((f) => Buffer.from(f, 'utf8')));

describe('parseDotenv', () => {
  it.each([
    ['KEY1=VAR1\nKEY2=VAR2\n', [['KEY1', 'VAR1'], ['KEY2', 'VAR2']]],
    ['KEY1=VAR1\nKEY2=VAR2', [['KEY1', 'VAR1'], ['KEY2', 'VAR2']]],
    ['KEY1 =VAR1', [['KEY1', 'VAR1']]],
    ['  KEY = spaced value  ', [['KEY', 'spaced value']]],
    ['KEY="quoted"', [['KEY', '"quoted"']]],
    ["KEY='single'", [['KEY', "'single'"]]],
    ['KEY=v # not a comment', [['KEY', 'v # not a comment']]],
    ['KEY=${OTHER} $OTHER', [['KEY', '${OTHER} $OTHER']]],
    ['KEY=a=b=c', [['KEY', 'a=b=c']]],
    ['KEY=', [['KEY', '']]],
    ['KEY=\\n stays', [['KEY', '\\n stays']]],
    ['WIN=crlf\r\nNEXT=line\r\n', [['WIN', 'crlf'], ['NEXT', 'line']]],
    ['A=1\nB=2\nA=3\n', [['A', '3'], ['B', '2']]],
    ['lower_case_9=ok', [['lower_case_9', 'ok']]],
    ['\uFEFFBOM=stripped', [['BOM', 'stripped']]],
    ['UNI=ünïcødé ✓', [['UNI', 'ünïcødé ✓']]],
  ])('%j', (text, expected) => {
    const result = parse(text);
    expect(result.errors).toEqual([]);
    expect(result.variables.map((v) => [v.key, v.value])).toEqual(expected);
  });

  it.each([
    ['A=1\n\nB=2', 'Invalid Format'],
    ['\n', 'Invalid Format'],
    ['   \nA=1', 'Invalid Format'],
    ['# a comment\nA=1', 'Invalid Format'],
    ['NOEQUALS', 'Invalid Format'],
    ['=value', "Validation failed: Key can't be blank"],
    ['KEY-1=x', "Validation failed: Key can contain only letters, digits and '_'."],
    ['KEY.X=x', "Validation failed: Key can contain only letters, digits and '_'."],
    ['ÜBER=x', "Validation failed: Key can contain only letters, digits and '_'."],
  ])('rejects %j with %j and keeps no variable', (text, error) => {
    expect(parse(`GOOD=1\n${text}`)).toEqual({ variables: [], errors: [error] });
  });

  it('accepts a report just under 5 KiB and rejects one of 5 KiB', () => {
    const line = (size: number) => `K=${'x'.repeat(size - 2)}`;
    expect(parse(line(5119)).errors).toEqual([]);
    expect(parse(line(5120))).toEqual({ variables: [], errors: ['Dotenv Artifact Too Big. Maximum Allowable Size: 5120'] });
  });

  it('accepts 20 variables and rejects 21', () => {
    const vars = (n: number) => Array.from({ length: n }, (_, i) => `V${i}=${i}`).join('\n');
    expect(parse(vars(20)).variables).toHaveLength(20);
    expect(parse(vars(21))).toEqual({ variables: [], errors: ['Dotenv files cannot have more than 20 variables'] });
  });

  it('counts a duplicated key once against the limit', () => {
    const text = [...Array.from({ length: 20 }, (_, i) => `V${i}=${i}`), 'V0=again'].join('\n');
    expect(parse(text).variables).toHaveLength(20);
  });

  it('reads several files as one report, the last definition winning', () => {
    expect(parse('A=first\nB=b\n', 'A=second\n').variables).toEqual([
      { key: 'A', value: 'second' },
      { key: 'B', value: 'b' },
    ]);
  });

  it('converts UTF-16 files (PowerShell output) to UTF-8', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('PS=yes\r\n', 'utf16le')]);
    expect(parseDotenv([utf16]).variables).toEqual([{ key: 'PS', value: 'yes' }]);
  });

  it('honours custom limits (GitLab.com tiers allow more variables)', () => {
    const vars = Array.from({ length: 30 }, (_, i) => `V${i}=${i}`).join('\n');
    expect(parseDotenv([Buffer.from(vars)], { maxBytes: 5120, maxVariables: 50 }).variables).toHaveLength(30);
  });
});
