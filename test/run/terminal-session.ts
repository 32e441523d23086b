// A real pseudo-terminal for end-to-end tests of interactive features (`glci run --shell-on-failure`):
// the command runs in a detached tmux session on a private server (its socket in the test's scratch dir,
// no user config), keys go in with `send-keys`, the screen comes out with `capture-pane`. A small sh
// wrapper records the command's exit status and the terminal's settings after it (was raw mode undone?),
// then keeps the pane open until the session is closed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const ensureTmuxScript = fileURLToPath(new URL('../setup/ensure-tmux.sh', import.meta.url));

/** Installs tmux when it is missing (Debian, as root; see the script). */
export async function ensureTmux(): Promise<void> {
  const result = await execa('bash', [ensureTmuxScript], { stdin: 'ignore', all: true, reject: false, timeout: 10 * 60_000 });
  if (result.failed) throw new Error(`tmux setup failed (exit code ${String(result.exitCode)}):\n${result.all}`);
}

export interface TerminalOptions {
  /** The program and its arguments. */
  argv: string[];
  cwd: string;
  /** The whole environment of the command (nothing else leaks in). */
  env: Record<string, string>;
  /** Where the wrapper script and its record files go. */
  scratchDir: string;
  columns?: number;
  rows?: number;
  /** Redirect the command's stdout to this file (stdin stays the terminal). */
  stdoutFile?: string;
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

let sessions = 0;

export class TerminalSession {
  private constructor(
    private readonly socket: string,
    private readonly exitFile: string,
    private readonly sttyFile: string,
  ) {}

  /** Starts `argv` on a new terminal of `columns` x `rows` (default 160 x 50). */
  static async start(options: TerminalOptions): Promise<TerminalSession> {
    const id = `${process.pid}-${++sessions}`;
    const files = { script: join(options.scratchDir, `terminal-${id}.sh`), exit: join(options.scratchDir, `exit-${id}`), stty: join(options.scratchDir, `stty-${id}`) };
    const redirect = options.stdoutFile ? ` > ${quote(options.stdoutFile)}` : '';
    writeFileSync(
      files.script,
      [
        `cd ${quote(options.cwd)} || exit 1`,
        `${options.argv.map(quote).join(' ')}${redirect}`,
        `echo $? > ${quote(files.exit)}.tmp && mv ${quote(files.exit)}.tmp ${quote(files.exit)}`,
        `stty -a > ${quote(files.stty)} 2>&1`,
        'exec sleep 3600',
        '',
      ].join('\n'),
    );
    const session = new TerminalSession(join(options.scratchDir, `tmux-${id}.sock`), files.exit, files.stty);
    const env = { ...options.env, TERM: 'xterm-256color' };
    delete (env as Record<string, string | undefined>).TMUX;
    delete (env as Record<string, string | undefined>).TMUX_PANE;
    const size = ['-x', String(options.columns ?? 160), '-y', String(options.rows ?? 50)];
    await execa('tmux', ['-S', session.socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'glci', ...size, `exec /bin/sh ${quote(files.script)}`], { env, extendEnv: false });
    return session;
  }

  private tmux(args: string[]) {
    return execa('tmux', ['-S', this.socket, ...args], { reject: false });
  }

  /** Types `line` literally, then Enter. */
  async type(line: string): Promise<void> {
    await this.tmux(['send-keys', '-t', 'glci', '-l', line]);
    await this.tmux(['send-keys', '-t', 'glci', 'Enter']);
  }

  /** Presses a key by its tmux name (`C-c`, `Enter`). */
  async press(key: string): Promise<void> {
    await this.tmux(['send-keys', '-t', 'glci', key]);
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux(['resize-window', '-t', 'glci', '-x', String(columns), '-y', String(rows)]);
  }

  /** Everything the terminal shows, scroll-back included, wrapped lines joined. */
  async screen(): Promise<string> {
    const result = await this.tmux(['capture-pane', '-p', '-J', '-S', '-', '-E', '-', '-t', 'glci']);
    return String(result.stdout);
  }

  /** Waits until the screen matches; returns it. Fails with the screen in the message. */
  async waitFor(pattern: RegExp | string, timeoutMs = 30_000): Promise<string> {
    const matches = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.screen();
      if (matches(text)) return text;
      if (Date.now() > deadline) throw new Error(`terminal never showed ${String(pattern)}; it shows:\n${text}`);
      await delay(100);
    }
  }

  /** Waits for the command to exit and returns its status. */
  async exitCode(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(this.exitFile)) {
      if (Date.now() > deadline) throw new Error(`the command did not exit within ${timeoutMs} ms; the terminal shows:\n${await this.screen()}`);
      await delay(100);
    }
    return Number(readFileSync(this.exitFile, 'utf8').trim());
  }

  /** `stty -a` of the terminal once the command had exited. */
  settingsAfterExit(): string {
    return readFileSync(this.sttyFile, 'utf8');
  }

  async close(): Promise<void> {
    await this.tmux(['kill-server']);
  }
}
