// The project file .glci.yml: typed values, FILE:LINE:COLUMN errors for wrong types, warnings with
// "did you mean" for unknown keys.
import { describe, expect, it } from 'vitest';
import { parseProjectFile } from '../../src/config/project-file.js';
import { ConfigError } from '../../src/errors.js';

const FILE = '/p/.glci.yml';

function errorOf(text: string): { message: string; line: number | undefined; column: number | undefined } {
  try {
    parseProjectFile(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const d = (err as ConfigError).diagnostics[0]!;
    return { message: d.message, line: d.location?.line, column: d.location?.column };
  }
  throw new Error('expected an error');
}

describe('parseProjectFile', () => {
  it('reads flags, variables, variables files, the runner config and presets', () => {
    const file = parseProjectFile(
      [
        'executor: shell',
        'concurrency: 2',
        'timeout: 600',
        'state-dir: .cache/glci',
        'shell-in-place: true',
        'ignore-tags: false',
        'variables:',
        '  GREETING: hello',
        '  COUNT: 3',
        '  EMPTY:',
        'variables-files: [ci/local.yml]',
        'runner-config: ci/config.toml',
        'presets:',
        '  quick:',
        '    jobs: [lint, "test 1/3"]',
        '    variables: {FAST: "1"}',
        '    executor: docker',
        '    needs: true',
      ].join('\n'),
      FILE,
    );
    expect(file).toMatchObject({
      flags: { executor: 'shell', concurrency: 2, timeout: 600, 'state-dir': '.cache/glci', 'shell-in-place': true, 'ignore-tags': false },
      variables: { GREETING: 'hello', COUNT: '3', EMPTY: '' },
      variablesFiles: ['ci/local.yml'],
      runnerConfig: 'ci/config.toml',
      presets: { quick: { jobs: ['lint', 'test 1/3'], variables: { FAST: '1' }, flags: { executor: 'docker', needs: true } } },
      warnings: [],
    });
    expect(file.locations.concurrency).toEqual({ file: FILE, line: 2, column: 1 });
    expect(file.locations['presets.quick.executor']).toEqual({ file: FILE, line: 17, column: 5 });
  });

  it.each([
    ['', {}],
    ['# only a comment\n', {}],
  ])('an empty file is no settings: %j', (text) => {
    expect(parseProjectFile(text, FILE)).toMatchObject({ flags: {}, variables: {}, presets: {}, warnings: [] });
  });

  it.each([
    ['concurrency: many', 'concurrency must be a positive integer', 1, 14],
    ['timeout: 0', 'timeout must be a positive integer', 1, 10],
    ['shell-in-place: "yes"', 'shell-in-place must be a boolean', 1, 17],
    ['executor: [shell]', 'executor must be a string', 1, 11],
    ['variables: [A]', 'variables must be a mapping', 1, 12],
    ['variables:\n  1BAD: x', 'variables: invalid variable name "1BAD"', 2, 3],
    ['variables:\n  A: {value: x}', 'variables.A must be a string', 2, 6],
    ['variables-files: ci/local.yml', 'variables-files must be a list of strings', 1, 18],
    ['presets:\n  quick:\n    jobs: lint', 'presets.quick.jobs must be a list of strings', 3, 11],
    ['presets:\n  quick:\n    timeout: soon', 'presets.quick.timeout must be a positive integer', 3, 14],
    ['- executor', 'the file must be a mapping', 1, 1],
    ['executor: [', 'not valid YAML', 1, undefined],
  ])('%j → %s at %i:%s', (text, message, line, column) => {
    const error = errorOf(text);
    expect(error.message).toContain(message);
    expect(error.line).toBe(line);
    if (column !== undefined) expect(error.column).toBe(column);
  });

  it('warns about unknown keys, with a guess, and ignores them', () => {
    const file = parseProjectFile('excutor: shell\nfrobnicate: 1\npresets:\n  quick:\n    job: [a]\n', FILE);
    expect(file.flags).toEqual({});
    expect(file.warnings).toEqual([
      { severity: 'warning', message: 'unknown key `excutor`, ignored (did you mean `executor`?)', location: { file: FILE, line: 1, column: 1 } },
      { severity: 'warning', message: 'unknown key `frobnicate`, ignored', location: { file: FILE, line: 2, column: 1 } },
      { severity: 'warning', message: 'presets.quick: unknown key `job`, ignored (did you mean `jobs`?)', location: { file: FILE, line: 5, column: 5 } },
    ]);
  });
});
