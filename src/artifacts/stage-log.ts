// Where cache and artifact stages write their runner-style lines. The engine passes its job logger
// (same four methods, one masker); callers that only have a JobIO get the runner's formatting
// (runner-behavior.md §10.2) written to it.
import type { JobIO } from '../executors/executor.js';
import { runnerLine } from '../log/runner-lines.js';

/** Runner message sink: plain, bold green notice, `WARNING:` and `ERROR:` lines. */
export interface StageLogger {
  print(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A StageLogger writing runner-formatted lines to `io`. */
export function ioLogger(io: JobIO): StageLogger {
  const write = (text: string) => io.output(Buffer.from(text));
  return {
    print: (message) => write(runnerLine('print', message)),
    info: (message) => write(runnerLine('info', message)),
    warn: (message) => write(runnerLine('warn', message)),
    error: (message) => write(runnerLine('error', message)),
  };
}

/** Accepts either a logger or a raw JobIO. */
export function toStageLogger(target: StageLogger | JobIO): StageLogger {
  return 'output' in target ? ioLogger(target) : target;
}
