// Ctrl-C handling for runs: the first SIGINT/SIGTERM asks for a graceful stop (after_script and cleanup
// still run), the second forces. Returns a function that removes the handlers.
export interface InterruptHandlers {
  graceful(): void;
  force(): void;
  /**
   * Asked on every SIGINT: true while an interactive shell owns the terminal (`--shell-on-failure`).
   * Its Ctrl-C is the shell's (to stop a command typed there), so it neither cancels nor counts.
   */
  ignoreSigint?(): boolean;
}

export function onInterrupt(handlers: InterruptHandlers, proc: NodeJS.Process = process): () => void {
  return listenForInterrupts(handlers, proc).stop;
}

export interface InterruptListener {
  /** Removes the signal handlers. */
  stop(): void;
  /**
   * An interrupt that did not come as a signal: q or Ctrl-C typed into the live view, whose raw-mode
   * terminal delivers Ctrl-C as input. It counts with the signals, so the second one forces.
   */
  interrupt(): void;
}

export function listenForInterrupts(handlers: InterruptHandlers, proc: NodeJS.Process = process): InterruptListener {
  let count = 0;
  const interrupt = () => {
    count += 1;
    if (count === 1) handlers.graceful();
    else handlers.force();
  };
  const handle = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT' && handlers.ignoreSigint?.()) return;
    interrupt();
  };
  proc.on('SIGINT', handle);
  proc.on('SIGTERM', handle);
  return {
    stop: () => {
      proc.off('SIGINT', handle);
      proc.off('SIGTERM', handle);
    },
    interrupt,
  };
}
