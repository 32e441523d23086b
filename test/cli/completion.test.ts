// `glci completion bash|zsh|fish` and the hidden `glci __complete`, through the built CLI (`npm run
// build` first): the scripts pass each shell's syntax check, bash's completion function (sourced for
// real) fills COMPREPLY with the fixture pipeline's job names quoted for readline, fish completes them
// with `complete -C`, and __complete stays quiet on a broken pipeline.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../acceptance/fixture-git.js';

const cli = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const ensureShells = fileURLToPath(new URL('../setup/ensure-shells.sh', import.meta.url));

const PIPELINE = `
build:
  script: echo build
test:
  parallel: 3
  script: echo test
deploy:
  parallel:
    matrix:
      - PROVIDER: aws
        APP: [app1, app2]
  script: echo deploy
`;
const JOBS = ['build', 'test 1/3', 'test 2/3', 'test 3/3', 'deploy: [aws, app1]', 'deploy: [aws, app2]'];

let root: string;
let project: string;
let env: Record<string, string>;
let haveShells = false;

beforeAll(async () => {
  expect(existsSync(fileURLToPath(new URL('../../dist/commands/__complete.js', import.meta.url))), 'run `npm run build` first').toBe(true);
  root = await mkdtemp(join(tmpdir(), 'glci-completion-'));
  project = join(root, 'project');
  await mkdir(project);
  await writeFile(join(project, '.gitlab-ci.yml'), PIPELINE);
  await writeFile(join(project, '.glci.yml'), 'presets:\n  quick:\n    jobs: [build]\n  full: {}\n');
  // The scripts call `glci` from PATH, as an installed glci would be.
  const bin = join(root, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'glci'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} "$@"\n`);
  await chmod(join(bin, 'glci'), 0o755);
  env = { ...isolatedEnv(), HOME: join(root, 'home'), XDG_CONFIG_HOME: join(root, 'home', '.config'), PATH: `${bin}:${process.env.PATH ?? ''}` };
  haveShells = (await execa('bash', [ensureShells], { reject: false, timeout: 600_000 })).exitCode === 0;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function sh(file: string, args: string[], cwd = project) {
  const result = await execa(file, args, { cwd, env, extendEnv: false, reject: false, timeout: 60_000 });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

const glci = (args: string[], cwd = project) => sh('glci', args, cwd);
const lines = (text: string) => text.split('\n').filter(Boolean);

describe('glci __complete', { timeout: 120_000 }, () => {
  it('prints the job names of the pipeline in the current directory, one per line', async () => {
    const res = await glci(['__complete', '--', 'run', '']);
    expect(res).toMatchObject({ exitCode: 0, stderr: '' });
    expect(lines(res.stdout)).toEqual(JOBS);
  });

  it('commands, topics and flags from the manifest', async () => {
    expect(lines((await glci(['__complete', '--', 'conf'])).stdout)).toEqual(['config']);
    expect(lines((await glci(['__complete', '--', 'cache', ''])).stdout)).toEqual(['clear', 'ls']);
    expect(lines((await glci(['__complete', '--', 'run', '--shell-'])).stdout)).toEqual(['--shell-in-place', '--shell-on-failure']);
    expect(lines((await glci(['__complete', '--', 'run', '--executor', ''])).stdout)).toEqual(['docker', 'kubernetes', 'shell']);
    expect(lines((await glci(['__complete', '--', '__c'])).stdout)).toEqual([]);
    expect(lines((await glci(['__complete', '--', 'run', '--preset', ''])).stdout)).toEqual(['full', 'quick']);
  });

  it('follows --cwd on the line, and a broken or missing pipeline gives no names and no noise', async () => {
    expect(lines((await glci(['__complete', '--', 'run', '--cwd', project, 'b'], root)).stdout)).toEqual(['build']);
    const broken = join(root, 'broken');
    await mkdir(broken, { recursive: true });
    await writeFile(join(broken, '.gitlab-ci.yml'), 'build: [\n  unclosed');
    expect(await glci(['__complete', '--', 'run', ''], broken)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(await glci(['__complete', '--', 'run', '--cwd', join(root, 'nowhere'), ''])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });
});

describe('glci completion', { timeout: 120_000 }, () => {
  it('--help tells how to install each script', async () => {
    const res = await glci(['completion', '--help']);
    expect(res.stdout).toContain('~/.local/share/bash-completion/completions/glci');
    expect(res.stdout).toContain('~/.config/fish/completions/glci.fish');
    expect(res.stdout).toContain('_glci');
  });

  it('rejects an unknown shell with a usage error', async () => {
    expect((await glci(['completion', 'tcsh'])).exitCode).toBe(2);
  });

  it.each(['bash', 'zsh', 'fish'])('the %s script passes the shell\'s syntax check', async (shell) => {
    const res = await glci(['completion', shell]);
    expect(res.exitCode, res.stderr).toBe(0);
    const file = join(root, `glci.${shell}`);
    await writeFile(file, res.stdout);
    if (shell !== 'bash' && !haveShells) return;
    const check = await sh(shell, ['-n', file]);
    expect(check.exitCode, check.stderr).toBe(0);
  });
});

describe('the bash script, sourced for real', { timeout: 120_000 }, () => {
  /** Sources the script, sets the completion variables as readline would, prints COMPREPLY one per line. */
  async function complete(setup: string) {
    const script = (await glci(['completion', 'bash'])).stdout;
    const body = `${script}\n${setup}\n_glci_complete\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
    const res = await sh('bash', ['-c', body]);
    expect(res.exitCode, res.stderr).toBe(0);
    return lines(res.stdout);
  }

  it('registers the function for glci', async () => {
    const script = (await glci(['completion', 'bash'])).stdout;
    expect((await sh('bash', ['-c', `${script}\ncomplete -p glci`])).stdout).toContain('-F _glci_complete glci');
  });

  it('COMP_WORDS/COMP_CWORD only: COMPREPLY holds every job name, escaped', async () => {
    const reply = await complete('COMP_WORDS=(glci run ""); COMP_CWORD=2');
    expect(reply).toEqual(['build', 'test\\ 1/3', 'test\\ 2/3', 'test\\ 3/3', 'deploy\\:\\ \\[aws,\\ app1\\]', 'deploy\\:\\ \\[aws,\\ app2\\]']);
  });

  it('with readline\'s COMP_LINE/COMP_POINT: the text after the colon readline replaces, and quoted words', async () => {
    const line = (text: string) => `COMP_LINE=${JSON.stringify(text)}; COMP_POINT=${text.length}; COMP_WORDS=(); COMP_CWORD=0`;
    expect(await complete(line('glci run deploy:'))).toEqual(['\\ \\[aws,\\ app1\\]', '\\ \\[aws,\\ app2\\]']);
    expect(await complete(line('glci run "test'))).toEqual(['test 1/3', 'test 2/3', 'test 3/3']);
    expect(await complete(line('glci run test\\ 2'))).toEqual(['test\\ 2/3']);
    expect(await complete(line('glci config s'))).toEqual(['show']);
  });
});

describe('the zsh script, sourced for real', { timeout: 120_000 }, () => {
  it('registers _glci for glci with compdef', async () => {
    if (!haveShells) return;
    const script = join(root, 'glci-source.zsh');
    await writeFile(script, (await glci(['completion', 'zsh'])).stdout);
    const res = await sh('zsh', ['-f', '-c', `autoload -Uz compinit && compinit -u -D && source ${script} && print -r -- $_comps[glci]`]);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout.trim()).toBe('_glci');
  });
});

describe('the fish script, with fish\'s own completion engine', { timeout: 120_000 }, () => {
  it('completes job names and quotes them on insertion', async () => {
    if (!haveShells) return;
    const script = join(root, 'glci.fish');
    await writeFile(script, (await glci(['completion', 'fish'])).stdout);
    const res = await sh('fish', ['--no-config', '-c', `source ${script}; complete -C 'glci run '; complete -C 'glci run "deploy: '`]);
    expect(res.exitCode, res.stderr).toBe(0);
    const seen = lines(res.stdout).map((l) => l.split('\t')[0]);
    for (const job of JOBS) expect(seen).toContain(job);
  });
});
