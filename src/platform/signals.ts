// Ctrl-C handling for runs: the first SIGINT/SIGTERM asks for a graceful stop (after_script and cleanup
// still run), the second forces. Returns a function that removes the handlers.
export interface InterruptHandlers {
  graceful(): void;
  force(): void;
}

export function onInterrupt(handlers: InterruptHandlers, proc: NodeJS.Process = process): () => void {
  let count = 0;
  const handle = () => {
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
