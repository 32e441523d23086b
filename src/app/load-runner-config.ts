// Finds and reads the runner config.toml. Path order: --config, GLCI_CONFIG, then
// $XDG_CONFIG_HOME/glci/config.toml, then ~/.config/glci/config.toml. Not ~/.glci/config.toml:
// GitLab's own Go tool named glci keeps a config of another schema there.
// A path the user names must exist; a missing default file means the built-in runner.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { RunnerConfig } from '../model/runner.js';
import { ConfigError, UsageError } from '../errors.js';
import { defaultRunnerConfig } from '../runner-config/defaults.js';
import { describeRunnerConfig, redactRunnerConfig } from '../runner-config/describe.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadRunnerConfigOptions {
  /** `--config PATH`; relative to `cwd`. */
  path?: string;
  env: Env;
  /** Base of a relative path (default: the process's working directory). */
  cwd?: string;
}

/** The default location, after GLCI_CONFIG: `$XDG_CONFIG_HOME/glci/config.toml` or `~/.config/glci/config.toml`. */
export function defaultRunnerConfigPath(env: Env): string {
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'glci', 'config.toml');
  return join(env.HOME || homedir(), '.config', 'glci', 'config.toml');
}

/** The file glci reads when no --config is given, for messages: GLCI_CONFIG or the default location. */
export function runnerConfigPath(env: Env): string {
  return env.GLCI_CONFIG || defaultRunnerConfigPath(env);
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'EISDIR') throw new UsageError(`runner config ${file} is a directory`, 'name the config.toml file itself');
    throw ConfigError.at(null, `cannot read runner config ${file}: ${(err as Error).message}`);
  }
}

export async function loadRunnerConfig(options: LoadRunnerConfigOptions): Promise<RunnerConfig> {
  const named = options.path ? '--config' : options.env.GLCI_CONFIG ? 'GLCI_CONFIG' : null;
  const given = options.path || options.env.GLCI_CONFIG;
  const file = given ? resolve(options.cwd ?? process.cwd(), given) : defaultRunnerConfigPath(options.env);
  const text = await readIfExists(file);
  if (text !== null) {
    // Imported only when there is a file: the TOML parser cost start-up to every run without one.
    const { parseRunnerConfig } = await import('../runner-config/parse.js');
    return parseRunnerConfig(text, file);
  }
  if (named) {
    throw new UsageError(
      `runner config ${file} (from ${named}) does not exist`,
      `create it, or drop ${named} to use ${defaultRunnerConfigPath(options.env)} (or, without that file, one docker runner with defaults)`,
    );
  }
  return defaultRunnerConfig();
}

export interface RunnerConfigReport {
  /** The configuration with tokens shortened: what `--json` prints. */
  config: RunnerConfig;
  /** The plain-text listing. */
  text: string;
}

/** `glci config show`: the effective settings, tokens shortened, each with where it came from. */
export async function showRunnerConfig(options: LoadRunnerConfigOptions): Promise<RunnerConfigReport> {
  const config = redactRunnerConfig(await loadRunnerConfig(options));
  return { config, text: describeRunnerConfig(config, config.file === null ? runnerConfigPath(options.env) : undefined) };
}
