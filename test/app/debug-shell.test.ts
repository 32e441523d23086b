// The app side of `glci run --shell-on-failure` (src/app/debug-shell.ts): refused without a terminal,
// one shell at a time, reporter output held back while a shell is open, banners on stderr with masked
// values masked, and an executor that cannot open a shell.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createDebugShells, requireTerminal, type Terminal } from '../../src/app/debug-shell.js';
import type { JobFailureContext } from '../../src/engine/index.js';
import { UsageError } from '../../src/errors.js';
import type { JobEnvironment, ShellOptions } from '../../src/executors/executor.js';
import { plannedJob, variable } from '../support/planned-job.js';

function terminal(stdinTTY = true, stdoutTTY = true): Terminal {
  return { stdin: { isTTY: stdinTTY } as unknown as NodeJS.ReadStream, stdout: { isTTY: stdoutTTY } as unknown as NodeJS.WriteStream };
}

function buffer() {
  const chunks: string[] = [];
  return { chunks, text: () => chunks.join(''), write: (chunk: string) => chunks.push(chunk), isTTY: true };
}

/** A shell that stays open until the test closes it with an exit code. */
function controlledShell() {
  const opened: ShellOptions[] = [];
  const exits: ((code: number) => void)[] = [];
  const openShell = (options: ShellOptions) =>
    new Promise<number>((resolve) => {
      opened.push(options);
      exits.push(resolve);
    });
  return { opened, openShell, exit: (i: number, code: number) => exits[i]?.(code) };
}

function environment(openShell?: JobEnvironment['openShell']): JobEnvironment {
  return {
    projectDir: '/builds/p',
    buildsDir: '/builds',
    tmpDir: '/builds/p.tmp',
    run: async () => ({ exitCode: 0, timedOut: false, canceled: false }),
    copyIn: async () => undefined,
    copyOut: async () => Readable.from([]),
    cleanup: async () => undefined,
    ...(openShell ? { openShell } : {}),
  };
}

function failure(name: string, env: JobEnvironment, extra: Partial<JobFailureContext> = {}): JobFailureContext {
  return { job: plannedJob(name), env, variables: [variable('A', '1')], reason: 'script_failure', executor: 'docker', signal: new AbortController().signal, ...extra };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('requireTerminal', () => {
  it('accepts a terminal on both ends', () => {
    expect(() => requireTerminal(terminal())).not.toThrow();
  });

  it.each([
    [false, false, 'stdin and stdout are not a terminal'],
    [false, true, 'stdin is not a terminal'],
    [true, false, 'stdout is not a terminal'],
  ])('refuses stdin TTY=%s stdout TTY=%s with a usage error', (stdin, stdout, what) => {
    expect(() => requireTerminal(terminal(stdin, stdout))).toThrow(UsageError);
    expect(() => requireTerminal(terminal(stdin, stdout))).toThrow(`--shell-on-failure needs an interactive terminal, but ${what}`);
  });
});

describe('createDebugShells', () => {
  it('opens one shell at a time, on the terminal, with the job variables and the signal', async () => {
    const stderr = buffer();
    const shell = controlledShell();
    const term = terminal();
    const shells = createDebugShells({ terminal: term, stderr, output: buffer() });
    const env = environment(shell.openShell);
    const first = shells.onJobFailure(failure('a', env));
    const second = shells.onJobFailure(failure('b', env));
    await tick();
    expect(shell.opened).toHaveLength(1);
    expect(shell.opened[0]).toMatchObject({ variables: [variable('A', '1')], stdin: term.stdin, stdout: term.stdout });
    expect(shell.opened[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(shells.isOpen()).toBe(true);
    shell.exit(0, 5);
    await first;
    await tick();
    expect(shell.opened).toHaveLength(2); // b's turn only now
    shell.exit(1, 0);
    await second;
    expect(shells.isOpen()).toBe(false);
    expect(stderr.text()).toContain('Job a failed (script_failure): opening a shell in its environment (docker); exit the shell to clean up and continue\n');
    expect(stderr.text()).toContain('Shell of job a exited with code 5: cleaning up its environment\n');
    expect(stderr.text().indexOf('Shell of job a exited')).toBeLessThan(stderr.text().indexOf('Job b failed'));
  });

  it('holds the reporters\' output while a shell is open and writes it, in order, when it exits', async () => {
    const output = buffer();
    const shell = controlledShell();
    const shells = createDebugShells({ terminal: terminal(), stderr: buffer(), output });
    expect(shells.output.isTTY).toBe(true);
    shells.output.write('before\n');
    const done = shells.onJobFailure(failure('a', environment(shell.openShell)));
    await tick();
    shells.output.write('other | line 1\n');
    shells.output.write('other | line 2\n');
    expect(output.text()).toBe('before\n');
    shell.exit(0, 0);
    await done;
    shells.output.write('after\n');
    expect(output.text()).toBe('before\nother | line 1\nother | line 2\nafter\n');
  });

  it('masks masked values in its banners (a job may be named after one)', async () => {
    const stderr = buffer();
    const shell = controlledShell();
    const shells = createDebugShells({ terminal: terminal(), stderr, output: buffer() });
    const variables = [variable('SECRET', 'hunter2-value', { masked: true })];
    const done = shells.onJobFailure(failure('deploy hunter2-value', environment(shell.openShell), { variables }));
    await tick();
    shell.exit(0, 0);
    await done;
    expect(stderr.text()).toContain('Job deploy [MASKED] failed');
    expect(stderr.text()).not.toContain('hunter2-value');
  });

  it('says so when the executor cannot open a shell, and lets cleanup go on', async () => {
    const stderr = buffer();
    const shells = createDebugShells({ terminal: terminal(), stderr, output: buffer() });
    await shells.onJobFailure(failure('a', environment(), { executor: 'kubernetes', reason: 'job_execution_timeout' }));
    expect(stderr.text()).toBe('Job a failed (job_execution_timeout): the kubernetes executor cannot open a shell in its environment; cleaning up\n');
  });

  it('releases the terminal and passes the error on when the shell cannot be opened', async () => {
    const output = buffer();
    const shells = createDebugShells({ terminal: terminal(), stderr: buffer(), output });
    const broken = environment(async () => {
      shells.output.write('held\n');
      throw new Error('engine gone');
    });
    await expect(shells.onJobFailure(failure('a', broken))).rejects.toThrow('engine gone');
    expect(shells.isOpen()).toBe(false);
    expect(output.text()).toBe('held\n');
    // The next failed job still gets its turn.
    const shell = controlledShell();
    const next = shells.onJobFailure(failure('b', environment(shell.openShell)));
    await tick();
    expect(shell.opened).toHaveLength(1);
    shell.exit(0, 0);
    await next;
  });
});
