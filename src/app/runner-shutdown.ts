// How `glci runner run` stops (GitLab Runner's signals, platform/runner-signals.ts): SIGQUIT stops
// polling and waits for the jobs; SIGTERM/SIGINT also cancel the jobs and, after `shutdown_timeout`,
// force them; a second SIGTERM/SIGINT forces at once and makes the process exit with status 1.
import { formatGoDuration } from '../engine/go-duration.js';
import type { ProcessLog } from '../log/process-log.js';
import { listenForRunnerSignals } from '../platform/runner-signals.js';
import { pause } from './runner-loop.js';

export class RunnerShutdown {
  /** Abort = take no more jobs. */
  readonly stop = new AbortController();
  /** Abort = cancel the running jobs (after_script and cleanup still run). */
  readonly jobsGraceful = new AbortController();
  /** Abort = kill the running jobs; cleanup still runs. */
  readonly jobsForce = new AbortController();
  exitCode = 0;

  constructor(private readonly log: ProcessLog, private readonly shutdownTimeoutSeconds: () => number) {}

  /** Resolves on a forced exit (second signal), so the caller stops waiting for the jobs. */
  forcedExit(): Promise<void> {
    return new Promise((resolve) => this.jobsForce.signal.addEventListener('abort', () => (this.exitCode !== 0 ? resolve() : undefined), { once: true }));
  }

  /** Installs the process signal handlers; returns their removal. */
  listen(running: () => number, reload: () => void): () => void {
    return listenForRunnerSignals({
      quit: () => {
        // GitLab Runner's words and fields (Go's names of the signals; the timeout as a Go duration).
        this.log.warn('Starting graceful shutdown, waiting for builds to finish', { StopSignal: 'quit', builds: running() });
        this.stop.abort();
      },
      terminate: () => {
        this.log.warn('Starting forceful shutdown', { StopSignal: 'terminated', builds: running(), 'shutdown-timeout': formatGoDuration(this.shutdownTimeoutSeconds() * 1000) });
        this.stop.abort();
        this.jobsGraceful.abort();
        void pause(this.shutdownTimeoutSeconds() * 1000, this.jobsForce.signal).then(() => this.jobsForce.abort());
      },
      force: () => {
        this.log.error('Forced exit: second signal');
        this.exitCode = 1;
        this.jobsForce.abort();
      },
      reload,
    });
  }
}
