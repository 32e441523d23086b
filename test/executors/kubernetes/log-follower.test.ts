// The attach strategy's status line, without a cluster: the pure scanner that splits the followed log
// into output and the step's status line, and the shell text around it (wrapper line, follower, kill
// script) run by the local sh and busybox sh, as the job's and helper's images would.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { killScript, scriptFileName, wrapperLine } from '../../../src/executors/kubernetes/attach-steps.js';
import { followCommand, StatusScanner, statusLineParts } from '../../../src/executors/kubernetes/log-follower.js';

const script = '/scripts-7-3/step_script';
const nonce = '0123456789abcdef0123456789abcdef';
const status = (code: number | string, n = nonce, path = script) => {
  const { head, tail } = statusLineParts(path, n);
  return `${head}${code}${tail}`;
};

/** Feeds `chunks` to a fresh scanner; the output shown and the status, as one result. */
function scan(chunks: (string | Buffer)[]) {
  const scanner = new StatusScanner(script, nonce);
  const shown: Buffer[] = [];
  let result: { exitCode: number; end: number } | null = null;
  for (const chunk of chunks) {
    const { output, status: found } = scanner.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    shown.push(output);
    if (found) result = found;
  }
  return { output: Buffer.concat(shown).toString('latin1'), status: result, rest: scanner.flush().toString('latin1') };
}

describe('StatusScanner', () => {
  it('shows output at once and consumes the status line, giving the exit code and where it ends', () => {
    const scanner = new StatusScanner(script, nonce);
    expect(scanner.push(Buffer.from('hello\n')).output.toString()).toBe('hello\n');
    const line = status(42);
    const { output, status: found } = scanner.push(Buffer.from(`done\n${line}`));
    expect(output.toString()).toBe('done\n');
    expect(found).toEqual({ exitCode: 42, end: 'hello\ndone\n'.length + line.length });
  });

  it('finds the status line split at any byte, with the same output', () => {
    const text = `first line\nsecond {brace} line\n${status(0)}`;
    for (let cut = 1; cut < text.length; cut++) {
      expect(scan([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual({ output: 'first line\nsecond {brace} line\n', status: { exitCode: 0, end: text.length }, rest: '' });
    }
    expect(scan([...text])).toEqual({ output: 'first line\nsecond {brace} line\n', status: { exitCode: 0, end: text.length }, rest: '' });
  });

  it('takes a status line that follows output without a newline', () => {
    expect(scan(['progress: 50%', `${status(3)}`])).toEqual({ output: 'progress: 50%', status: { exitCode: 3, end: 13 + status(3).length }, rest: '' });
    expect(scan([`{${status(1)}`]).output).toBe('{');
  });

  it('shows forged status lines as output: GitLab’s own form, another nonce, another script, a bad code', () => {
    const forged = [
      `{"command_exit_code": 0, "script": "${script}"}\n`,
      status(0, 'f'.repeat(32)),
      status(0, nonce, '/scripts-7-3/after_script'),
      status('1234'),
      status('-1'),
      status(''),
    ];
    const { output, status: found } = scan([...forged, 'after\n', status(7)]);
    expect(output).toBe(`${forged.join('')}after\n`);
    expect(found?.exitCode).toBe(7);
  });

  it('holds back only what could still become the status line, and releases it once it cannot', () => {
    const scanner = new StatusScanner(script, nonce);
    expect(scanner.push(Buffer.from('x {"command_exit_code": 1')).output.toString()).toBe('x ');
    expect(scanner.push(Buffer.from(', "script": "/scripts-7-3/step_script", "nonce": "0123')).output.toString()).toBe('');
    expect(scanner.push(Buffer.from('X"}\n')).output.toString()).toBe('{"command_exit_code": 1, "script": "/scripts-7-3/step_script", "nonce": "0123X"}\n');
    expect(scanner.push(Buffer.from('{"comm')).output.toString()).toBe('');
    expect(scanner.flush().toString()).toBe('{"comm');
  });

  it('keeps bytes as they are: invalid UTF-8 and characters split over chunks', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from('ünï ✓\n')]);
    const { output, status: found } = scan([bytes.subarray(0, 5), bytes.subarray(5), status(255)]);
    expect(Buffer.from(output, 'latin1')).toEqual(bytes);
    expect(found).toEqual({ exitCode: 255, end: bytes.length + status(255).length });
  });

  it('ignores what follows the status line (the next step reads it from the offset)', () => {
    const scanner = new StatusScanner(script, nonce);
    const { output, status: found } = scanner.push(Buffer.from(`a\n${status(0)}late output\n`));
    expect(output.toString()).toBe('a\n');
    expect(found?.end).toBe(2 + status(0).length);
    expect(scanner.push(Buffer.from('more')).output.length).toBe(0);
  });
});

describe('scriptFileName', () => {
  it('keeps stage names and replaces what a path or the wrapper line cannot hold', () => {
    expect(scriptFileName('step_script')).toBe('step_script');
    expect(scriptFileName("it's a/b\\c")).toBe('it_s_a_b_c');
    expect(scriptFileName('..')).toBe('step');
  });
});

// The shell text runs in any POSIX sh: the host's and busybox's (the images' shell in the tests).
const shells = ['/bin/sh', ...(existsSync('/bin/busybox') ? ['/bin/busybox'] : [])].map((path) => ({ path, args: path.endsWith('busybox') ? ['sh'] : [] }));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function workdir() {
  const dir = mkdtempSync(join(tmpdir(), 'glci-attach-'));
  dirs.push(dir);
  return { dir, script: join(dir, 'step_script'), pidFile: join(dir, 'step_script.1.pid'), logFile: join(dir, 'output.log') };
}

/** Runs `line` as the build container's main shell would: read from stdin, then waits for its jobs. */
function mainShell(shell: { path: string; args: string[] }, line: string) {
  const child = spawn(shell.path, shell.args, { stdio: ['pipe', 'ignore', 'inherit'] });
  child.stdin.end(`${line}wait\n`);
  return new Promise<number | null>((resolve) => child.on('exit', resolve));
}

describe.each(shells)('the wrapper line and kill script in $path $args', (shell) => {
  it('runs the script with stdin closed, appends its output, then the status line the scanner reads', async () => {
    const w = workdir();
    writeFileSync(w.script, 'echo out; echo err >&2; read x && echo "read $x"; printf partial; exit 9\n');
    writeFileSync(w.logFile, 'earlier\n');
    await mainShell(shell, wrapperLine(w, nonce));
    const log = readFileSync(w.logFile);
    const scanner = new StatusScanner(w.script, nonce);
    const { output, status: found } = scanner.push(log);
    expect(output.toString()).toBe('earlier\nout\nerr\npartial');
    expect(found).toEqual({ exitCode: 9, end: log.length });
    expect(Number(readFileSync(w.pidFile, 'utf8'))).toBeGreaterThan(1);
  });

  it('kills the step’s process tree, TERM first and KILL for what ignores it; the status line still comes', async () => {
    const seconds = 31000 + Math.floor(Math.random() * 60000);
    const sleeping = (n: number) => new RegExp(`^sleep ${n}$`, 'm').test(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }));
    for (const [body, code, last] of [[`sleep ${seconds} & sleep ${seconds + 1}; wait`, 143, seconds + 1], [`trap '' TERM; sleep ${seconds + 2}`, 137, seconds + 2]] as const) {
      const w = workdir();
      writeFileSync(w.script, `${body}\n`);
      writeFileSync(w.logFile, '');
      const done = mainShell(shell, wrapperLine(w, nonce));
      for (let i = 0; i < 100 && !sleeping(last); i++) await sleep(20);
      expect(sleeping(last)).toBe(true);
      const started = Date.now();
      execFileSync(shell.path, [...shell.args, '-c', killScript(w.pidFile, 300)]);
      await done;
      expect(Date.now() - started).toBeLessThan(5000);
      expect(new StatusScanner(w.script, nonce).push(readFileSync(w.logFile)).status?.exitCode, body).toBe(code);
      for (const n of [seconds, seconds + 1, seconds + 2]) expect(sleeping(n), `sleep ${n}`).toBe(false);
    }
  });
});

describe.each(shells)('the follower in $path $args', (shell) => {
  it('prints the log from the offset, then what is appended, and ends when its stdin closes', async () => {
    const w = workdir();
    writeFileSync(w.logFile, 'skipped|shown\n');
    const [, ...args] = followCommand(w.logFile, 'skipped|'.length);
    const child = spawn(shell.path, [...shell.args, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let seen = '';
    child.stdout.on('data', (c: Buffer) => (seen += c.toString()));
    for (let i = 0; i < 50 && seen !== 'shown\n'; i++) await sleep(20);
    appendFileSync(w.logFile, 'appended');
    for (let i = 0; i < 50 && !seen.endsWith('appended'); i++) await sleep(20);
    expect(seen).toBe('shown\nappended');
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.stdin.end();
    expect(await Promise.race([exited, sleep(3000).then(() => 'still running')])).toBe(0);
  });
});
