// Helpers for config.toml tests: parse under the name `config.toml`, and the rendered error lines.
import { expect } from 'vitest';
import { ConfigError, formatDiagnostic } from '../../src/errors.js';
import { parseRunnerConfig } from '../../src/runner-config/index.js';
import type { RunnerConfig } from '../../src/model/runner.js';

export const FILE = 'config.toml';

export function load(text: string): RunnerConfig {
  return parseRunnerConfig(text, FILE);
}

/** The `FILE:LINE:COLUMN: message` lines of the ConfigError `text` raises. */
export function errorsOf(text: string): string[] {
  try {
    load(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).diagnostics.map(formatDiagnostic);
  }
  throw new Error('expected a ConfigError');
}

/** `LINE: message` of each warning. */
export function warningsOf(config: RunnerConfig): string[] {
  return config.warnings.map((w) => `${w.line ?? '?'}: ${w.message}`);
}

/** Lines joined, so a file reads like one in the test. */
export function toml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
