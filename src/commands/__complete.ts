import { Command } from '@oclif/core';
import { completionCommands } from '../cli/completion-commands.js';
import { completeBashLine, completeWords } from '../app/complete.js';

/**
 * The completion scripts' callback: `__complete -- WORDS...` (zsh, fish: the words after glci, quoting
 * removed, the last one being typed) or `__complete --bash -- LINE` (the line up to the cursor). Prints
 * one candidate per line. Hidden, and deliberately not a BaseCommand: no global flags to parse, and it
 * never prints an error (a Tab press must not scribble on the user's prompt).
 */
export default class Complete extends Command {
  static override hidden = true;
  static override strict = false;
  static override description = 'Completion candidates for the shell scripts of `glci completion` (internal)';

  async run(): Promise<void> {
    const argv = [...this.argv];
    // The words are the shell's, not flags: parse nothing (oclif warns about commands that never parse).
    await this.parse(Complete, []);
    const bash = argv[0] === '--bash';
    if (bash) argv.shift();
    if (argv[0] === '--') argv.shift();
    const options = { commands: completionCommands(this.config.commands), env: process.env };
    const candidates = bash ? await completeBashLine(argv[0] ?? '', options) : await completeWords(argv, options);
    if (candidates.length > 0) process.stdout.write(`${candidates.join('\n')}\n`);
  }

  protected override async catch(): Promise<void> {
    // Quiet by design: no candidates rather than an error on the user's prompt.
  }
}
