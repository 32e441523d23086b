// Which reporter a run writes to: NDJSON for --json, the live ink view on an interactive terminal, the
// plain prefixed lines everywhere else (pipes, CI logs, --no-tui, --shell-on-failure whose shell needs
// the terminal to itself, a watch loop which owns Ctrl-C). The live reporter is imported only when used: ink and react cost start-up.
import { type OutputStream, type Reporter, createJsonReporter, createPlainReporter, shouldUseColor } from '../reporters/index.js';
import type { Terminal } from './debug-shell.js';

export interface RunOutputOptions {
  format: 'plain' | 'json';
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  /** The terminal the live view may take; absent with --no-tui. */
  liveView?: Terminal;
  /** A debug shell (`--shell-on-failure`) or a watch loop owns the terminal and Ctrl-C: no live view. */
  terminalTaken: boolean;
}

export interface RunOutput {
  reporter: Reporter;
  /** glci's notices during the run ("stopping gracefully"): above the live view, else stderr. */
  notices: OutputStream;
  /** Where q / Ctrl-C of the live view go: the interrupt listener's `interrupt`, known once it listens. */
  bindInterrupt(interrupt: () => void): void;
  /** Ends the live view (the terminal is given back); a no-op for the others. */
  close(): Promise<void>;
}

/**
 * A CI log, never a live view: `CI` (GitLab sets CI=true) or `CONTINUOUS_INTEGRATION` set to anything but
 * empty, `0` or `false`. ink itself stops redrawing then, so a live view would show only its final frame.
 */
function inCi(env: Readonly<Record<string, string | undefined>>): boolean {
  return [env.CI, env.CONTINUOUS_INTEGRATION].some((value) => value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false');
}

export function wantsLiveView(options: RunOutputOptions): boolean {
  const terminal = options.liveView;
  return options.format === 'plain' && terminal !== undefined && terminal.stdout.isTTY === true && !options.terminalTaken && !inCi(options.env) && options.env.TERM !== 'dumb';
}

export async function openRunOutput(options: RunOutputOptions): Promise<RunOutput> {
  const terminal = options.liveView;
  if (terminal && wantsLiveView(options)) {
    const { createLiveReporter } = await import('../reporters/live/live-reporter.js');
    // Keys may arrive before the listener is bound; until then they do what no listener does: nothing.
    let interrupt = (): void => undefined;
    const color = shouldUseColor(terminal.stdout, options.env);
    const live = createLiveReporter({ stdout: terminal.stdout, stdin: terminal.stdin, color, onInterrupt: () => interrupt() });
    return {
      reporter: live,
      notices: { isTTY: true, write: (text) => live.notice(text) },
      bindInterrupt: (bound) => void (interrupt = bound),
      close: () => live.close(),
    };
  }
  const reporter = options.format === 'json' ? createJsonReporter({ stream: options.stdout }) : createPlainReporter({ stream: options.stdout, env: options.env });
  return { reporter, notices: options.stderr, bindInterrupt: () => undefined, close: async () => undefined };
}
