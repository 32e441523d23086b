// The result of one `glci doctor` check, its one-line rendering, and the command's exit status.
// Plain data, so `--json` prints exactly what the text shows.

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  /** Stable name (`Docker engine`, `Runner config`): what scripts match on in `--json`. */
  name: string;
  status: CheckStatus;
  /** What was found, in one line. */
  summary: string;
  /** More lines: an engine's own error message, the runners of a config, an explanation. */
  detail?: string[];
  /** What to do about a problem. */
  hint?: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  /** 0: nothing failed; 2: the user's configuration is wrong; 3: the host or engine cannot run jobs. */
  exitCode: number;
}

/** Check names, in the order doctor prints them. */
export const CHECK = {
  engine: 'Docker engine',
  privileged: 'Privileged containers',
  fallback: 'Privileged fallback',
  dind: 'Docker-in-Docker',
  config: 'Runner config',
  git: 'Git checkout',
  stateDir: 'State directory',
  node: 'Node.js',
} as const;

/** Checks whose failure is the user's configuration (exit 2, like any configuration error of glci). */
const CONFIGURATION_CHECKS: ReadonlySet<string> = new Set([CHECK.config]);

const EXIT_CONFIGURATION = 2;
const EXIT_SYSTEM = 3;

/**
 * 3 when a system check failed (no engine, containers the config needs cannot start, an old Node, an
 * unwritable state directory), else 2 when the configuration is wrong, else 0. Warnings and skipped
 * checks never fail the command: they describe what this host cannot do, not what is broken.
 */
export function doctorExitCode(checks: readonly DoctorCheck[]): number {
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.some((c) => !CONFIGURATION_CHECKS.has(c.name))) return EXIT_SYSTEM;
  return failed.length > 0 ? EXIT_CONFIGURATION : 0;
}

const MARKS: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

/** `✓ Docker engine: …`, then the detail lines and the hint, indented under it. */
export function formatCheck(check: DoctorCheck): string[] {
  const lines = [`${MARKS[check.status]} ${check.name}: ${check.summary}`];
  for (const line of check.detail ?? []) lines.push(`    ${line}`);
  if (check.hint) lines.push(`    → ${check.hint}`);
  return lines;
}

/** The whole text report, with a last line counting problems. */
export function doctorLines(report: DoctorReport): string[] {
  const lines = report.checks.flatMap(formatCheck);
  const count = (status: CheckStatus) => report.checks.filter((c) => c.status === status).length;
  const failed = count('fail');
  const warned = count('warn');
  const tail = failed === 0 && warned === 0 ? 'no problems found' : `${plural(failed, 'problem')}, ${plural(warned, 'warning')}`;
  lines.push('', tail);
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** An error's message, for summaries. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
