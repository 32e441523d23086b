// `glci run --shell-on-failure`: when a job fails, an interactive shell opens in its environment (the
// executor's `openShell`) before the engine cleans it up. One terminal, so one shell at a time: jobs
// failing meanwhile wait their turn with their environment kept. While a shell is open, the reporters'
// output is held back (other jobs keep running and would write over the session) and Ctrl-C is the
// shell's, not a cancel (see platform/signals.ts).
import type { JobFailureContext } from '../engine/index.js';
import { UsageError } from '../errors.js';
import type { OutputStream } from '../reporters/index.js';
import { maskText } from '../variables/index.js';

/** The user's terminal, which a debug shell takes over. */
export interface Terminal {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/** A shell needs a terminal on both ends; refused up front rather than when the first job fails. */
export function requireTerminal(terminal: Terminal): void {
  if (terminal.stdin.isTTY && terminal.stdout.isTTY) return;
  const which = !terminal.stdin.isTTY && !terminal.stdout.isTTY ? 'stdin and stdout are not' : !terminal.stdin.isTTY ? 'stdin is not' : 'stdout is not';
  throw new UsageError(
    `--shell-on-failure needs an interactive terminal, but ${which} a terminal`,
    'run glci from a terminal without redirecting its input or output, or leave out --shell-on-failure (GLCI_SHELL_ON_FAILURE)',
  );
}

export interface DebugShells {
  /** The engine's `onJobFailure`: opens the shell (after the ones already waiting) and resolves when it exits. */
  onJobFailure(ctx: JobFailureContext): Promise<void>;
  /** True while a shell owns the terminal. */
  isOpen(): boolean;
  /** Where the reporters write: passes through, except while a shell is open (then held until it exits). */
  readonly output: OutputStream;
}

export interface DebugShellOptions {
  terminal: Terminal;
  /** glci's notices (the banners). */
  stderr: OutputStream;
  /** The reporters' stream. */
  output: OutputStream;
}

export function createDebugShells(options: DebugShellOptions): DebugShells {
  let open = false;
  let held: string[] = [];
  let turns: Promise<void> = Promise.resolve();
  const output: OutputStream = {
    isTTY: options.output.isTTY,
    write: (chunk) => (open ? held.push(chunk) : options.output.write(chunk)),
  };
  const release = () => {
    open = false;
    const text = held.join('');
    held = [];
    if (text !== '') options.output.write(text);
  };
  const openOne = async (ctx: JobFailureContext): Promise<void> => {
    const secrets = ctx.variables.filter((v) => v.masked).map((v) => v.value);
    const say = (text: string): void => {
      options.stderr.write(`${maskText(text, secrets)}\n`);
    };
    const failed = `Job ${ctx.job.name} failed (${ctx.reason})`;
    if (!ctx.env.openShell) return say(`${failed}: the ${ctx.executor} executor cannot open a shell in its environment; cleaning up`);
    if (ctx.signal.aborted) return;
    say(`\n${failed}: opening a shell in its environment (${ctx.executor}); exit the shell to clean up and continue`);
    open = true;
    try {
      const code = await ctx.env.openShell({ variables: ctx.variables, ...options.terminal, signal: ctx.signal });
      say(`Shell of job ${ctx.job.name} exited${code >= 0 ? ` with code ${code}` : ''}: cleaning up its environment`);
    } finally {
      release();
    }
  };
  return {
    onJobFailure(ctx) {
      const turn = turns.then(() => openOne(ctx));
      turns = turn.catch(() => undefined);
      return turn;
    },
    isOpen: () => open,
    output,
  };
}
