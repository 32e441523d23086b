// Plain reporter for pipes, CI logs and non-interactive terminals: every job log line is prefixed with the
// padded job name, section markers disappear (their titles stay), and a summary table ends the run.
import type { JobResult } from '../model/events.js';
import { LineBuffer, renderLogLine } from './log-line.js';
import { type OutputStream, type Reporter, shouldUseColor } from './reporter.js';
import { type Palette, renderSummary } from './summary.js';

export interface PlainReporterOptions {
  stream: OutputStream;
  /** The process environment, for NO_COLOR. */
  env: Readonly<Record<string, string | undefined>>;
}

/** Widest job-name prefix; longer names are cut so lines stay readable. */
const MAX_PREFIX = 32;
const PREFIX_COLORS = [36, 35, 34, 33, 32, 96, 95, 94];

function sgr(code: string, enabled: boolean): (text: string) => string {
  return enabled ? (text) => `\x1b[${code}m${text}\x1b[0m` : (text) => text;
}

/** The summary's colours as SGR codes (also used by the live view's summary). */
export function palette(color: boolean): Palette {
  return { green: sgr('32', color), red: sgr('31', color), yellow: sgr('33', color), dim: sgr('2', color), bold: sgr('1', color) };
}

export function createPlainReporter(options: PlainReporterOptions): Reporter {
  const { stream } = options;
  const color = shouldUseColor(stream, options.env);
  const lines = new LineBuffer();
  const prefixes = new Map<string, string>();
  let width = 0;

  const prefix = (job: string) => prefixes.get(job) ?? `${job.slice(0, MAX_PREFIX).padEnd(width)} |`;
  const writeLines = (job: string, raw: string[]) => {
    for (const line of raw) {
      const text = renderLogLine(line, color);
      if (text !== null) stream.write(`${prefix(job)} ${text}${color ? '\x1b[0m' : ''}\n`);
    }
  };
  const notStarted = (result: JobResult) => {
    const reason = result.skipReason ? `: ${result.skipReason}` : '';
    stream.write(`${prefix(result.name)} ${result.status}${reason}\n`);
  };

  return {
    onPipelineStart({ plan, executor }) {
      width = Math.min(MAX_PREFIX, Math.max(0, ...plan.jobs.map((j) => j.name.length)));
      plan.jobs.forEach((job, i) => {
        const padded = `${job.name.slice(0, MAX_PREFIX).padEnd(width)} |`;
        prefixes.set(job.name, sgr(String(PREFIX_COLORS[i % PREFIX_COLORS.length]), color)(padded));
      });
      const name = plan.name ? ` "${plan.name}"` : '';
      stream.write(`Running pipeline${name}: ${plan.jobs.length} jobs in ${plan.stages.length} stages with the ${executor} executor\n`);
    },
    onJobStart({ job, attempt }) {
      if (attempt > 1) stream.write(`${prefix(job.name)} retrying (attempt ${attempt})\n`);
    },
    onJobOutput({ job, chunk }) {
      writeLines(job, lines.push(job, chunk));
    },
    onJobEnd({ result }) {
      writeLines(result.name, lines.flush(result.name));
      if (result.attempts === 0) notStarted(result);
    },
    onPipelineEnd({ result }) {
      stream.write(`\n${renderSummary(result, palette(color)).join('\n')}\n`);
    },
  };
}
