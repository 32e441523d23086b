// GitLab Runner's signals for `run` (https://docs.gitlab.com/runner/commands/#signals): SIGQUIT stops
// taking jobs and waits for the running ones without a limit; SIGTERM and SIGINT abort the running
// jobs (bounded by shutdown_timeout) and a second one of them exits at once; SIGHUP reloads config.toml.
export interface RunnerSignalHandlers {
  /** SIGQUIT: graceful shutdown. */
  quit(): void;
  /** First SIGTERM/SIGINT: abort the jobs, then exit. */
  terminate(): void;
  /** Second SIGTERM/SIGINT: exit now. */
  force(): void;
  /** SIGHUP. */
  reload(): void;
}

export function listenForRunnerSignals(handlers: RunnerSignalHandlers, proc: NodeJS.Process = process): () => void {
  let terminations = 0;
  const onTerminate = () => {
    terminations += 1;
    if (terminations === 1) handlers.terminate();
    else handlers.force();
  };
  const onQuit = () => handlers.quit();
  const onReload = () => handlers.reload();
  proc.on('SIGTERM', onTerminate);
  proc.on('SIGINT', onTerminate);
  proc.on('SIGQUIT', onQuit);
  proc.on('SIGHUP', onReload);
  return () => {
    proc.off('SIGTERM', onTerminate);
    proc.off('SIGINT', onTerminate);
    proc.off('SIGQUIT', onQuit);
    proc.off('SIGHUP', onReload);
  };
}
