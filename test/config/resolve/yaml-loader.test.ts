// The YAML layer: Psych (YAML 1.1) scalars, merge keys, duplicates, documents, errors (spec §1).
import { describe, expect, it } from 'vitest';
import { resolve, resolveErrors } from './memory-reader.js';

const load = async (yaml: string) => (await resolve({ '.gitlab-ci.yml': yaml })).root;

describe('Psych scalar resolution (spec §1.1)', () => {
  it.each([
    ['yes', true],
    ['Yes', true],
    ['ON', true],
    ['true', true],
    ['no', false],
    ['Off', false],
    ['FALSE', false],
    ['y', 'y'],
    ['n', 'n'],
    ['Y', 'Y'],
    ['~', null],
    ['null', null],
    ['NULL', null],
    ['Null', null],
    ['', null],
    ['on_success', 'on_success'],
    ['none', 'none'],
    ['42', 42],
    ['-17', -17],
    ['+5', 5],
    ['0x1F', 31],
    ['017', 15],
    ['0b101', 5],
    ['1_000', 1000],
    ['1,000', 1000],
    ['09', '09'],
    ['1.5', 1.5],
    ['1.10', 1.1],
    ['.5', 0.5],
    ['1.', 1],
    ['1.0e+3', 1000],
    ['1e3', '1e3'],
    ['1.0e5', '1.0e5'],
    ['1:30', 5400],
    ['1:30:00', 5400],
    ['8080:80', '8080:80'],
    [':foo', 'foo'],
    ['.', '.'],
    ['1.2.3', '1.2.3'],
    ['$CI_COMMIT_BRANCH == "main"', '$CI_COMMIT_BRANCH == "main"'],
  ])('plain %j loads as %j', async (text, expected) => {
    const root = await load(`v: ${text}\n`);
    expect(root.v).toEqual(expected);
  });

  it('keeps quoted and block scalars as strings', async () => {
    const root = await load(`a: "yes"\nb: '1.0'\nc: |\n  on\nd: !!str 12\n`);
    expect(root).toEqual({ a: 'yes', b: '1.0', c: 'on\n', d: '12' });
  });

  it('marks floats so that 1.0 can be printed "1.0" like Ruby', async () => {
    const result = await resolve({ '.gitlab-ci.yml': 'variables:\n  A: 1.0\n  B: 1\n  C: "1.0"\n' });
    const variables = result.root.variables as Record<string, unknown>;
    expect(variables).toEqual({ A: 1, B: 1, C: '1.0' });
    expect(result.locations.isFloat?.(variables, 'A')).toBe(true);
    expect(result.locations.isFloat?.(variables, 'B')).toBe(false);
  });

  it('keeps integers beyond 2^53 exact as bigint', async () => {
    const root = await load('v: 12345678901234567890\n');
    expect(root.v).toBe(12345678901234567890n);
  });

  it('rejects unquoted dates and times as Psych safe_load does', async () => {
    expect(await resolveErrors({ '.gitlab-ci.yml': 'job:\n  released_at: 2021-03-15\n' })).toEqual([
      '.gitlab-ci.yml:2:16: Tried to load unspecified class: Date',
    ]);
    expect(await resolveErrors({ '.gitlab-ci.yml': 'a: 2021-03-15T08:00:00Z\n' })).toEqual([
      '.gitlab-ci.yml:1:4: Tried to load unspecified class: Time',
    ]);
  });

  it('turns non-string keys into Ruby-printed strings', async () => {
    // (JavaScript objects list integer-like keys first; Ruby keeps insertion order: a known difference.)
    const root = await load('1.10: a\ntrue: b\n3: c\n');
    expect(root).toEqual({ '1.1': 'a', true: 'b', '3': 'c' });
  });

  it('keeps a __proto__ key as data', async () => {
    const root = await load('__proto__:\n  a: 1\n');
    expect(Object.getPrototypeOf(root)).toBe(Object.prototype);
    expect(Object.keys(root)).toEqual(['__proto__']);
  });
});

describe('anchors, aliases and merge keys (spec §1.2)', () => {
  it('lets keys after << win and lets << overwrite keys before it (Psych order)', async () => {
    const root = await load('.base: &base {a: base-a, b: base-b}\njob:\n  a: before\n  <<: *base\n  b: after\n');
    expect(root.job).toEqual({ a: 'base-a', b: 'after' });
  });

  it('lets earlier mappings win in << [*a, *b]', async () => {
    const root = await load('.a: &a {x: from-a}\n.b: &b {x: from-b, y: from-b}\njob:\n  <<: [*a, *b]\n');
    expect(root.job).toEqual({ x: 'from-a', y: 'from-b' });
  });

  it('merges shallowly', async () => {
    const root = await load('.a: &a {variables: {A: "1"}}\njob:\n  <<: *a\n  variables: {B: "2"}\n');
    expect(root.job).toEqual({ variables: { B: '2' } });
  });

  it('keeps << with a non-mapping value as an ordinary key', async () => {
    const root = await load('.s: &s [a]\njob:\n  <<: *s\n');
    expect(root.job).toEqual({ '<<': ['a'] });
  });

  it('nests sequence aliases inside sequences', async () => {
    const root = await load('.setup: &setup [a, b]\njob:\n  script: [*setup, c]\n');
    expect((root.job as Record<string, unknown>).script).toEqual([['a', 'b'], 'c']);
  });

  it('locates merged keys where the anchor wrote them', async () => {
    const result = await resolve({ '.gitlab-ci.yml': '.base: &base\n  image: alpine\njob:\n  <<: *base\n' });
    const job = result.root.job as object;
    expect(result.locations.locate(job, 'image')).toEqual({ file: '.gitlab-ci.yml', line: 2, column: 3 });
  });
});

describe('duplicate keys (spec §1.3)', () => {
  it('keeps the last value and warns with the duplicate position', async () => {
    const result = await resolve({ '.gitlab-ci.yml': 'job:\n  script: a\n  script: b\n' });
    expect(result.root.job).toEqual({ script: 'b' });
    expect(result.warnings).toEqual([
      {
        severity: 'warning',
        message: 'duplicate key `script` in `job`: the last one wins, as GitLab does',
        location: { file: '.gitlab-ci.yml', line: 3, column: 3 },
      },
    ]);
  });

  it('warns about duplicate jobs at the top level', async () => {
    const result = await resolve({ '.gitlab-ci.yml': 'a: {script: x}\na: {script: y}\n' });
    expect(result.root).toEqual({ a: { script: 'y' } });
    expect(result.warnings.map((w) => w.message)).toEqual(['duplicate key `a` in the top-level mapping: the last one wins, as GitLab does']);
  });
});

describe('documents, encoding, errors (spec §1.1)', () => {
  it('strips a UTF-8 BOM', async () => {
    expect(await load('\uFEFFjob: {script: x}\n')).toEqual({ job: { script: 'x' } });
  });

  it('uses the last document as content after a spec header', async () => {
    const root = await load('spec:\n  inputs: {}\n---\na: 1\n---\nb: 2\n');
    expect(root).toEqual({ b: 2 });
  });

  it('uses the first document after a leading --- (third piece keeps only its first document)', async () => {
    const root = await load('---\nspec:\n  inputs: {}\n---\na: 1\n---\nb: 2\n');
    expect(root).toEqual({ a: 1 });
  });

  it('takes the first document when the first one is not a header', async () => {
    expect(await load('a: 1\n---\nb: 2\n')).toEqual({ a: 1 });
  });

  it('reports syntax errors with FILE:LINE:COLUMN', async () => {
    const errors = await resolveErrors({ '.gitlab-ci.yml': 'job:\n  script: [a\nother: 1\n' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\.gitlab-ci\.yml:3:1: /);
  });

  it('counts lines from the start of the file in later documents', async () => {
    const errors = await resolveErrors({ '.gitlab-ci.yml': 'spec:\n  inputs: {}\n---\njob:\n  a: b: c\n' });
    // Psych points at the second `:` of `a: b: c` (line 5 of the file, not of the document).
    expect(errors[0]).toBe('.gitlab-ci.yml:5:7: mapping values are not allowed in this context');
  });

  it('requires a mapping at the root', async () => {
    expect(await resolveErrors({ '.gitlab-ci.yml': '- a\n- b\n' })).toEqual(['.gitlab-ci.yml:1:1: Invalid configuration format']);
  });

  it('asks for content when the root file is blank or only comments', async () => {
    expect(await resolveErrors({ '.gitlab-ci.yml': '\n  \n' })).toEqual(['.gitlab-ci.yml:1:1: Please provide content of .gitlab-ci.yml']);
    expect(await resolveErrors({ '.gitlab-ci.yml': '# nothing\n' })).toEqual(['.gitlab-ci.yml:1:1: Please provide content of .gitlab-ci.yml']);
  });

  it('reports a missing root file', async () => {
    expect(await resolveErrors({})).toEqual(['The CI configuration file `.gitlab-ci.yml` does not exist']);
  });

  it('refuses YAML nested deeper than 100 levels', async () => {
    const deep = `${'['.repeat(101)}${']'.repeat(101)}`;
    expect(await resolveErrors({ '.gitlab-ci.yml': `a: ${deep}\n` })).toEqual([expect.stringMatching(/: The parsed YAML is too big$/)]);
  });

  it('refuses files over 2 MiB', async () => {
    const big = `a: "${'x'.repeat(2 * 1024 * 1024)}"\n`;
    expect(await resolveErrors({ '.gitlab-ci.yml': big })).toEqual(['.gitlab-ci.yml:1:1: The provided YAML is too big']);
  });
});

describe('locations', () => {
  it('locates nodes, keys and items (1-based)', async () => {
    const result = await resolve({ '.gitlab-ci.yml': 'job:\n  script:\n    - one\n    - two\n' });
    const job = result.root.job as Record<string, unknown>;
    const script = job.script as unknown[];
    expect(result.locations.locate(result.root, 'job')).toEqual({ file: '.gitlab-ci.yml', line: 1, column: 1 });
    expect(result.locations.locate(job)).toEqual({ file: '.gitlab-ci.yml', line: 2, column: 3 });
    expect(result.locations.locate(job, 'script')).toEqual({ file: '.gitlab-ci.yml', line: 2, column: 3 });
    expect(result.locations.locate(script, 1)).toEqual({ file: '.gitlab-ci.yml', line: 4, column: 7 });
  });
});
