// The questions `glci runner register` asks on a terminal for what the flags left open, in GitLab
// Runner's words (commands/register.go). Without a terminal, or with --non-interactive, nothing is asked:
// a missing value is a usage error naming its flag, because a script would otherwise hang on stdin.
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from '../errors.js';

/** GitLab Runner's prompts. */
export const PROMPTS = {
  url: 'Enter the GitLab instance URL (for example, https://gitlab.com/):',
  token: 'Enter the registration token:',
  legacyName: 'Enter a description for the runner:',
  name: 'Enter a name for the runner. This is stored only in the local config.toml file:',
  tagList: 'Enter tags for the runner (comma-separated):',
  maintenanceNote: 'Enter optional maintenance note for the runner:',
  executor: (names: readonly string[]) => `Enter an executor: ${names.join(', ')}:`,
  dockerImage: 'Enter the default Docker image (for example, ruby:3.3):',
} as const;

export interface Prompter {
  /** One answer (trimmed); empty when the user just pressed Enter. */
  ask(question: string, defaultValue?: string): Promise<string>;
  close(): void;
}

/** Questions on `output`, answers from `input` (a terminal). GitLab Runner shows a default as `[value]: `. */
export function createTerminalPrompter(input: Readable, output: Writable): Prompter {
  const rl = createInterface({ input, output, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(question, defaultValue) {
      output.write(`${question}\n${defaultValue ? `[${defaultValue}]: ` : ''}`);
      const next = await lines.next();
      if (next.done) throw new UsageError('Unexpected EOF. Did you mean to use --non-interactive?');
      return String(next.value).trim();
    },
    close: () => rl.close(),
  };
}

export interface AskOptions {
  /** The flag that gives the value, for the usage error. */
  flag: string;
  question: string;
  /** Shown as `[value]` and taken on an empty answer. */
  defaultValue?: string;
  /** An empty answer is a valid value. */
  optional?: boolean;
}

/**
 * The value of `given` (a flag), else the prompter's answer, asked again until it is not empty (as
 * GitLab Runner does). No prompter: the default, or a usage error naming the flag.
 */
export async function valueOrAsk(given: string | undefined, prompter: Prompter | undefined, options: AskOptions): Promise<string> {
  if (given !== undefined && given.trim() !== '') return given.trim();
  if (!prompter) {
    if (options.defaultValue !== undefined || options.optional) return options.defaultValue ?? '';
    throw new UsageError(`${options.flag} is required with --non-interactive or without a terminal`, `pass ${options.flag}, or run the command on a terminal to be asked`);
  }
  for (;;) {
    const answer = await prompter.ask(options.question, options.defaultValue);
    if (answer !== '') return answer;
    if (options.defaultValue !== undefined || options.optional) return options.defaultValue ?? '';
  }
}
