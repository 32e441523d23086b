// Completion candidates (pure tables) and bash's line lexing/quoting.
import { describe, expect, it } from 'vitest';
import { analyseCompletion, type CompletionCommand } from '../../src/app/completion-candidates.js';
import { bashReplacement, lexBashLine } from '../../src/app/completion-line.js';
import { completeBashLine, completeWords } from '../../src/app/complete.js';

const COMMANDS: CompletionCommand[] = [
  {
    id: ['run'],
    flags: [
      { name: 'cwd', takesValue: true },
      { name: 'executor', takesValue: true, options: ['shell', 'docker'] },
      { name: 'variable', char: 'v', takesValue: true, multiple: true },
      { name: 'needs', takesValue: false },
      { name: 'probe', takesValue: false, allowNo: true },
      { name: 'preset', takesValue: true },
    ],
    args: [{ name: 'jobs' }],
  },
  { id: ['list'], flags: [{ name: 'cwd', takesValue: true }], args: [] },
  { id: ['config', 'show'], flags: [{ name: 'config', takesValue: true }], args: [] },
  { id: ['cache', 'ls'], flags: [], args: [] },
  { id: ['cache', 'clear'], flags: [], args: [{ name: 'keys' }] },
  { id: ['completion'], flags: [], args: [{ name: 'shell', options: ['bash', 'zsh', 'fish'] }] },
];

const JOBS = ['build', 'test 1/3', 'test 2/3', 'deploy: [aws, app1]'];

describe('analyseCompletion', () => {
  it.each([
    [[''], ['cache', 'completion', 'config', 'list', 'run']],
    [['c'], ['cache', 'completion', 'config']],
    [['config', ''], ['show']],
    [['cache', 'c'], ['clear']],
    [['-'], ['--help', '--version']],
    [['run', '--'], ['--cwd', '--executor', '--help', '--needs', '--no-probe', '--preset', '--probe', '--variable']],
    [['run', '--needs', '--n'], ['--no-probe']],
    [['run', '--pre'], ['--preset']],
    [['run', '-v', 'A=1', '--v'], ['--variable']],
    [['run', '--executor', ''], ['docker', 'shell']],
    [['run', '--executor=s'], ['--executor=shell']],
    [['run', '--cwd', ''], []],
    [['completion', ''], ['bash', 'fish', 'zsh']],
    [['completion', 'bash', ''], []],
    [['nope', ''], []],
  ])('%j → %j', (words, expected) => {
    expect(analyseCompletion(COMMANDS, words)).toEqual({ kind: 'candidates', candidates: expected });
  });

  it('asks for job names after a command whose first argument is `jobs`, with the flags given so far', () => {
    expect(analyseCompletion(COMMANDS, ['run', '--cwd', 'sub', 'build', '--executor=shell', '-v', 'A=1', 'te'])).toEqual({
      kind: 'jobs',
      prefix: 'te',
      exclude: ['build'],
      flags: { cwd: ['sub'], executor: ['shell'], variable: ['A=1'] },
    });
  });

  it('after --, a word starting with - is a job name', () => {
    expect(analyseCompletion(COMMANDS, ['run', '--', '-x'])).toMatchObject({ kind: 'jobs', prefix: '-x' });
  });

  it('a single `job` argument (glci explain) takes one name of any job, in the pipeline or not', async () => {
    const explain: CompletionCommand[] = [{ id: ['explain'], flags: [{ name: 'cwd', takesValue: true }], args: [{ name: 'job' }] }];
    expect(analyseCompletion(explain, ['explain', 'de'])).toEqual({ kind: 'jobs', prefix: 'de', exclude: [], flags: {}, all: true });
    expect(analyseCompletion(explain, ['explain', 'deploy', ''])).toEqual({ kind: 'candidates', candidates: [] });
    const asked: unknown[] = [];
    const jobNames = async (_flags: unknown, _env: unknown, all?: boolean) => (asked.push(all), ['deploy', 'docs']);
    expect(await completeWords(['explain', 'do'], { commands: explain, env: {}, jobNames })).toEqual(['docs']);
    expect(asked).toEqual([true]);
  });
});

describe('lexBashLine and bashReplacement', () => {
  it.each([
    ['glci run ', { words: ['glci', 'run', ''], quote: null, replacedFrom: 0 }],
    ['glci run test\\ 1', { words: ['glci', 'run', 'test 1'], quote: null, replacedFrom: 0 }],
    ['glci run deploy:', { words: ['glci', 'run', 'deploy:'], quote: null, replacedFrom: 7 }],
    ['glci run deploy\\:', { words: ['glci', 'run', 'deploy:'], quote: null, replacedFrom: 0 }],
    ['glci run "deploy: [a', { words: ['glci', 'run', 'deploy: [a'], quote: '"', replacedFrom: 0 }],
    ["glci run 'te", { words: ['glci', 'run', 'te'], quote: "'", replacedFrom: 0 }],
    ['glci run --cwd=sub', { words: ['glci', 'run', '--cwd=sub'], quote: null, replacedFrom: 6 }],
  ])('%s', (line, expected) => {
    expect(lexBashLine(line)).toEqual(expected);
  });

  it.each([
    ['glci run ', 'deploy: [aws, app1]', 'deploy\\:\\ \\[aws,\\ app1\\]'],
    ['glci run deploy:', 'deploy: [aws, app1]', '\\ \\[aws,\\ app1\\]'],
    ['glci run "dep', 'deploy: [aws, app1]', 'deploy: [aws, app1]'],
    ['glci run "dep', 'say "$HOME"', 'say \\"\\$HOME\\"'],
    ["glci run 'te", 'test 1/3', 'test 1/3'],
    ['glci run te', 'test 1/3', 'test\\ 1/3'],
    ['glci run --executor=', '--executor=shell', 'shell'],
  ])('%s + %s → %s', (line, candidate, expected) => {
    expect(bashReplacement(candidate, lexBashLine(line))).toBe(expected);
  });
});

describe('completeWords and completeBashLine', () => {
  const options = { commands: COMMANDS, env: {}, jobNames: async () => JOBS };

  it('offers the job names that start with the word, minus those already named', async () => {
    expect(await completeWords(['run', 'test 1/3', 'te'], options)).toEqual(['test 2/3']);
    expect(await completeWords(['run', 'deploy: '], options)).toEqual(['deploy: [aws, app1]']);
  });

  it('passes the flags on the line to the job-name source', async () => {
    const seen: unknown[] = [];
    await completeWords(['run', '--cwd', 'sub', ''], { ...options, jobNames: async (flags) => (seen.push(flags), []) });
    expect(seen).toEqual([{ cwd: ['sub'] }]);
  });

  it('--preset: the preset names of .glci.yml', async () => {
    const presets = { ...options, presetNames: async () => ['quick', 'full', 'qa'] };
    expect(await completeWords(['run', '--preset', 'q'], presets)).toEqual(['qa', 'quick']);
    expect(await completeWords(['run', '--preset=f'], presets)).toEqual(['--preset=full']);
    expect(await completeBashLine('glci run --preset=qu', presets)).toEqual(['quick']);
  });

  it('bash: entries quoted for readline', async () => {
    expect(await completeBashLine('glci run deploy:', options)).toEqual(['\\ \\[aws,\\ app1\\]']);
    expect(await completeBashLine('glci run "test ', options)).toEqual(['test 1/3', 'test 2/3']);
    expect(await completeBashLine('glci config ', options)).toEqual(['show']);
  });
});
