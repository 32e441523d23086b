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
  let count = 0;
  const handle = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT' && handlers.ignoreSigint?.()) return;
    count += 1;
    if (count === 1) handlers.graceful();
    else handlers.force();
  };
  proc.on('SIGINT', handle);
  proc.on('SIGTERM', handle);
  return () => {
    proc.off('SIGINT', handle);
    proc.off('SIGTERM', handle);
  };
}
