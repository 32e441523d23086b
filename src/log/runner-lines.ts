// GitLab Runner's message lines in the job log (runner-behavior.md §10.2, buildlogger tee.go):
// Println → `ESC[0K` prefix, Infoln → bold green, Warningln → yellow `WARNING: `, Errorln → bold red
// `ERROR: `; every message ends with `ESC[0;m` and a newline. One definition for the engine and artifacts.
export type RunnerLineKind = 'print' | 'info' | 'warn' | 'error';

const RESET = '\x1b[0;m';
const PREFIX: Record<RunnerLineKind, string> = {
  print: '\x1b[0K',
  info: '\x1b[32;1m',
  warn: '\x1b[0;33mWARNING: ',
  error: '\x1b[31;1mERROR: ',
};

export function runnerLine(kind: RunnerLineKind, message: string): string {
  return `${PREFIX[kind]}${message}${RESET}\n`;
}

/** A stage title under its section_start marker: bold cyan (runner-behavior.md §10.1). */
export function stageTitle(title: string): string {
  return `\x1b[0K\x1b[36;1m${title}${RESET}\n`;
}
