// Generated scripts are compared semantically: each one is run by a real bash (and dash for `sh`) and
// the observable results (exit code, output, exported values, files) are asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobVariable } from '../../src/model/plan.js';
import { generateStepScript, type StepScriptOptions } from '../../src/script/step-script.js';

let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'glci-script-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function dirs(): { projectDir: string; tmpDir: string } {
  counter++;
  const projectDir = join(root, `p ${counter}`, 'my project');
  spawnSync('mkdir', ['-p', projectDir]);
  return { projectDir, tmpDir: `${projectDir}.tmp` };
}

function v(key: string, value: string, extra: Partial<JobVariable> = {}): JobVariable {
  return { key, value, public: true, masked: false, file: false, raw: false, ...extra };
}

function run(options: Partial<StepScriptOptions> & { commands: string[] }, shell: 'bash' | 'sh' = 'bash') {
  const full: StepScriptOptions = { step: 'step_script', variables: [], shell, ...dirs(), ...options };
  const result = spawnSync(shell === 'bash' ? 'bash' : 'sh', [], { input: generateStepScript(full), encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr, ...full };
}

const GREEN = '\x1b[32;1m';
const RESET = '\x1b[0;m';

const tricky: Array<[string, string]> = [
  ['single quote', "it's"],
  ['only quotes', `''"'"`],
  ['double quote', 'say "hi"'],
  ['newlines', 'line1\nline2\n'],
  ['backslashes', 'C:\\path\\n\\'],
  ['command substitution', '$(echo pwned) `echo pwned`'],
  ['unicode', 'ünïcødé ✓ 日本語 🚀'],
  ['tabs and CR', 'a\tb\r\nc'],
  ['empty', ''],
  ['glob characters', '* ? [a-z] ~'],
  ['shell operators', 'a; b && c | d > e'],
];

describe('generateStepScript — variable values reach the shell byte for byte', () => {
  it.each(tricky)('raw value: %s', (_label, value) => {
    const r = run({ variables: [v('TRICKY', value, { raw: true })], commands: ['printf "%s" "$TRICKY" > out'] });
    expect(r.code).toBe(0);
    expect(readFileSync(join(r.projectDir, 'out'), 'utf8')).toBe(value);
  });

  it.each(tricky)('file-type variable: %s', (_label, value) => {
    const r = run({ variables: [v('MY_FILE', value, { file: true, raw: true })], commands: ['printf "%s" "$MY_FILE"'] });
    expect(r.code).toBe(0);
    expect(r.out.endsWith(`${r.tmpDir}/MY_FILE`)).toBe(true);
    expect(readFileSync(join(r.tmpDir, 'MY_FILE'), 'utf8')).toBe(value);
  });

  it.each(tricky.filter(([, value]) => !value.includes('$')))('non-raw value without $: %s', (_label, value) => {
    const r = run({ variables: [v('PLAIN', value)], commands: ['printf "%s" "$PLAIN" > out'] });
    expect(readFileSync(join(r.projectDir, 'out'), 'utf8')).toBe(value);
  });
});

describe('generateStepScript — runner expansion of variable values (gitlab-ci-yaml.md §7.3)', () => {
  it('expands $X and ${X} once, turns $$ into $, leaves raw values alone', () => {
    const r = run({
      variables: [
        v('BASE', 'base'),
        v('REF', '$BASE/${BASE}x'),
        v('DOLLARS', 'price: $$5'),
        v('RAW', '$BASE $$', { raw: true }),
        v('CHAIN', '$REF'),
        v('POSITIONAL', 'a$1b'),
      ],
      commands: ['printf "%s|%s|%s|%s|%s" "$REF" "$DOLLARS" "$RAW" "$CHAIN" "$POSITIONAL" > out'],
    });
    expect(readFileSync(join(r.projectDir, 'out'), 'utf8')).toBe('base/basex|price: $5|$BASE $$|$BASE/${BASE}x|ab');
  });

  it('never lets the shell expand a value: expansion is the runner’s only', () => {
    const r = run({ variables: [v('V', '$(echo hacked)$UNSET_IN_RUNNER')], commands: ['printf "%s" "$V" > out'] });
    expect(readFileSync(join(r.projectDir, 'out'), 'utf8')).toBe('$(echo hacked)');
  });
});

describe('generateStepScript — execution semantics', () => {
  it('starts in the project directory', () => {
    const r = run({ commands: ['pwd'] });
    expect(r.out).toContain(`${r.projectDir}\n`);
  });

  it('echoes each command in bold green before running it', () => {
    const r = run({ commands: ['echo hello'] });
    expect(r.out).toBe(`${GREEN}$ echo hello${RESET}\nhello\n`);
  });

  it('echoes the first line of a multi-line command and runs all of it', () => {
    const r = run({ commands: ['echo first\necho second\n'] });
    expect(r.out).toBe(`${GREEN}$ echo first # collapsed multi-line command${RESET}\nfirst\nsecond\n`);
  });

  it('trims commands and prints an empty line for an empty one', () => {
    const r = run({ commands: ['  echo padded  ', ''] });
    expect(r.out).toBe(`${GREEN}$ echo padded${RESET}\npadded\n\n`);
  });

  it('stops at the first failing command and exits with its code', () => {
    const r = run({ commands: ['echo one', 'exit 42', 'echo never'] });
    expect(r.code).toBe(42);
    expect(r.out).toContain('one\n');
    expect(r.out).not.toContain('never');
  });

  it('fails on a failing command inside a pipeline (pipefail)', () => {
    const r = run({ commands: ['false | true', 'echo never'] });
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('never');
  });

  it('keeps shell state between commands of one step (before_script + script)', () => {
    const r = run({ commands: ['export LATER=kept', 'cd /', 'echo "$LATER $(pwd)"'] });
    expect(r.code).toBe(0);
    expect(r.out).toContain('kept /\n');
  });

  it('does not let commands read the script from stdin', () => {
    const r = run({ commands: ['cat', 'echo after-cat'] });
    expect(r.code).toBe(0);
    expect(r.out).toContain('after-cat\n');
  });

  it('allows overwriting files with > (noclobber off)', () => {
    const r = run({ commands: ['echo a > f', 'echo b > f', 'cat f'] });
    expect(r.code).toBe(0);
    expect(r.out).toContain('b\n');
  });

  it('exports CI_JOB_STATUS=running for the script step', () => {
    const r = run({ commands: ['echo "status=$CI_JOB_STATUS"'] });
    expect(r.out).toContain('status=running\n');
  });

  it('exports CI_JOB_STATUS for after_script and announces it', () => {
    const r = run({
      step: 'after_script',
      jobStatus: 'failed',
      variables: [v('CI_JOB_STATUS', 'running')],
      commands: ['echo "status=$CI_JOB_STATUS"'],
    });
    expect(r.out).toContain(`${GREEN}Running after script...${RESET}\n`);
    expect(r.out).toContain('status=failed\n');
  });

  it('passes GITLAB_ENV additions to later steps', () => {
    const paths = dirs();
    const first = run({ ...paths, commands: ['echo "FROM_ENV=set by script" >> "$GITLAB_ENV"'] });
    expect(first.code).toBe(0);
    const second = run({ ...paths, step: 'after_script', commands: ['echo "got=$FROM_ENV"'] });
    expect(second.out).toContain('got=set by script\n');
  });

  it('turns on xtrace when CI_DEBUG_TRACE is true', () => {
    const r = run({ variables: [v('CI_DEBUG_TRACE', 'true')], commands: ['echo traced'] });
    expect(r.err).toContain('echo traced');
  });

  it('behaves the same under sh (dash)', () => {
    const ok = run({ variables: [v('Q', "it's\n$$")], commands: ['printf "%s" "$Q" > out', 'exit 3'] }, 'sh');
    expect(ok.code).toBe(3);
    expect(readFileSync(join(ok.projectDir, 'out'), 'utf8')).toBe("it's\n$");
  });
});
