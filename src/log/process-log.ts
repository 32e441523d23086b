// The runner process's own log (not a job log): GitLab Runner's lines, `Checking for jobs... received`,
// `Job succeeded`, with logrus-style fields, in the three `--log-format`s GitLab Runner has:
//   runner  `Checking for jobs... received               job=1 repo_url=… runner=abcd1234` (message padded)
//   text    `time="…" level=info msg="Checking for jobs... received" job=1 …`
//   json    `{"job":1,"level":"info","msg":"Checking for jobs... received","time":"…"}` (keys sorted)
// Fields are sorted by key as logrus does; values with spaces or quotes are quoted.
export type ProcessLogFormat = 'runner' | 'text' | 'json';
export type ProcessLogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface ProcessLog {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Width the runner format pads messages to, so the fields line up. */
const MESSAGE_WIDTH = 44;
const LEVEL_RANK: Record<ProcessLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const LOGRUS_LEVEL: Record<ProcessLogLevel, string> = { debug: 'debug', info: 'info', warn: 'warning', error: 'error' };

function quoted(value: string): string {
  return /^[\w./:@+-]*$/.test(value) && value !== '' ? value : JSON.stringify(value);
}

function fieldText(fields: LogFields): string {
  return Object.keys(fields)
    .sort()
    .filter((key) => fields[key] !== undefined)
    .map((key) => `${key}=${quoted(String(fields[key]))}`)
    .join(' ');
}

/** One formatted line (with its newline). */
export function formatProcessLine(format: ProcessLogFormat, level: ProcessLogLevel, message: string, fields: LogFields, time: Date): string {
  if (format === 'json') {
    const record: Record<string, string | number | boolean> = { level: LOGRUS_LEVEL[level], msg: message, time: time.toISOString() };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) record[key] = value;
    const sorted = Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]]));
    return `${JSON.stringify(sorted)}\n`;
  }
  const rest = fieldText(fields);
  if (format === 'text') return `time=${JSON.stringify(time.toISOString())} level=${LOGRUS_LEVEL[level]} msg=${JSON.stringify(message)}${rest ? ` ${rest}` : ''}\n`;
  const prefix = level === 'warn' ? 'WARNING: ' : level === 'error' ? 'ERROR: ' : '';
  const text = `${prefix}${message}`;
  return rest ? `${text.padEnd(MESSAGE_WIDTH)}  ${rest}\n` : `${text}\n`;
}

export function createProcessLog(write: (line: string) => void, options: { format: ProcessLogFormat; level?: ProcessLogLevel; now?: () => Date }): ProcessLog {
  const minimum = LEVEL_RANK[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  const log = (level: ProcessLogLevel) => (message: string, fields: LogFields = {}) => {
    if (LEVEL_RANK[level] >= minimum) write(formatProcessLine(options.format, level, message, fields, now()));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
