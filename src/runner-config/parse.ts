// config.toml text → RunnerConfig. Syntax errors and wrong values are ConfigErrors at FILE:LINE:COLUMN
// (all wrong values at once); unknown keys are warnings, because GitLab Runner itself loads such a
// file and only logs a schema message.
import { parse } from '@iarna/toml';
import type { RunnerConfig } from '../model/runner.js';
import { ConfigError } from '../errors.js';
import { defaultRunnerConfig } from './defaults.js';
import { readRunner } from './runner-section.js';
import { GLOBAL_SCHEMA } from './schema.js';
import { Section, type ParseContext, type TomlTable } from './section.js';
import { TomlPositions } from './toml-positions.js';

const DOCS = 'see https://docs.gitlab.com/runner/configuration/advanced-configuration/';

/** @iarna/toml's errors carry 0-based `line` and `col`, and a message with a code excerpt appended. */
interface TomlSyntaxError extends Error {
  line: number;
  col: number;
}

function isTomlSyntaxError(err: unknown): err is TomlSyntaxError {
  return err instanceof Error && typeof (err as Partial<TomlSyntaxError>).line === 'number' && typeof (err as Partial<TomlSyntaxError>).col === 'number';
}

function parseToml(text: string, file: string): TomlTable {
  try {
    return parse(text) as TomlTable;
  } catch (err) {
    if (!isTomlSyntaxError(err)) throw err;
    const message = err.message.split(/ at row \d+, col \d+/)[0]!.trim();
    throw ConfigError.at({ file, line: err.line + 1, column: err.col + 1 }, `invalid TOML: ${message}`, 'config.toml is TOML (https://toml.io); fix the syntax at that place');
  }
}

/** `text` is the content of `file`; `file` is only used in messages. */
export function parseRunnerConfig(text: string, file: string): RunnerConfig {
  // A byte-order mark (Windows editors) is not TOML; GitLab Runner's reader tolerates it.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const table = parseToml(source, file);
  const ctx: ParseContext = {
    file, positions: TomlPositions.scan(source), errors: [], warnings: [], origins: {}, ignored: [], noted: [],
  };
  const root = new Section(ctx, table, '', '');
  root.checkKeys(GLOBAL_SCHEMA);
  const concurrent = root.integer('concurrent', 1);
  // GitLab Runner processes no job at all with concurrent < 1; a local run would just hang.
  if (concurrent < 1) root.error('concurrent', `concurrent must be 1 or more, not ${concurrent}`);
  const interval = root.integer('check_interval', 0);
  // 0 (what `gitlab-runner register` writes) and below mean the default, 3 seconds.
  if (interval <= 0) root.setOrigin('check_interval', 'default');
  const global = readGlobalRunnerMode(root);
  const runners = root.tables('runners', 'write each runner as [[runners]]').map((s, i) => readRunner(s, i + 1));
  if (ctx.errors.length > 0) throw new ConfigError(ctx.errors.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0)), DOCS);
  noteIgnored(ctx, root);
  // In file order, whichever table produced them; warnings without a line last.
  ctx.warnings.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  const config: RunnerConfig = {
    file, concurrent, checkInterval: interval > 0 ? interval : 3, ...global, runners, warnings: ctx.warnings, origins: ctx.origins, ignored: ctx.ignored,
  };
  return runners.length > 0 ? config : withDefaultRunner(config, root);
}

const LOG_FORMATS = ['runner', 'text', 'json'];
const LOG_LEVELS = ['panic', 'fatal', 'error', 'warning', 'info', 'debug', 'trace'];

/** The global keys of `glci runner run`: metrics address, shutdown grace (0 = 30 s as in GitLab Runner), log settings. */
function readGlobalRunnerMode(root: Section): Pick<RunnerConfig, 'listenAddress' | 'shutdownTimeout' | 'logFormat' | 'logLevel'> {
  const timeout = root.integer('shutdown_timeout', 0);
  const settings: Pick<RunnerConfig, 'listenAddress' | 'shutdownTimeout' | 'logFormat' | 'logLevel'> = { shutdownTimeout: timeout > 0 ? timeout : 30 };
  const address = root.string('listen_address');
  if (address) settings.listenAddress = address;
  const format = root.string('log_format');
  if (format !== undefined && !LOG_FORMATS.includes(format)) root.error('log_format', `log_format "${format}" is not one of ${LOG_FORMATS.join(', ')}`);
  else if (format) settings.logFormat = format;
  const level = root.string('log_level');
  if (level !== undefined && !LOG_LEVELS.includes(level)) root.error('log_level', `log_level "${level}" is not one of ${LOG_LEVELS.join(', ')}`);
  else if (level) settings.logLevel = level;
  return settings;
}

/** One warning for all ignored settings that would change a job, so a big file stays readable. */
function noteIgnored(ctx: ParseContext, root: Section): void {
  if (ctx.noted.length === 0) return;
  root.warn(ctx.noted[0]!, `ignored by glci (GitLab Runner settings glci does not apply): ${ctx.noted.join(', ')}`);
}

/** A file with global settings only: the built-in runner runs the jobs. */
function withDefaultRunner(config: RunnerConfig, root: Section): RunnerConfig {
  root.warn('', `${config.file} has no [[runners]]: glci uses one docker runner with its defaults`);
  const builtIn = defaultRunnerConfig();
  const origins = { ...config.origins };
  for (const [path, origin] of Object.entries(builtIn.origins)) if (path.startsWith('runners')) origins[path] = origin;
  return { ...config, runners: builtIn.runners, origins };
}
