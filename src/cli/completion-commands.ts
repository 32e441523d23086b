// oclif's command table (read from oclif.manifest.json when the CLI starts) as the plain data the
// completion use case works on, so no oclif type reaches app/.
import type { Command } from '@oclif/core';
import type { CompletionCommand, CompletionFlag } from '../app/complete.js';

function completionFlag(flag: Command.Flag.Cached): CompletionFlag {
  const options = flag.type === 'option' ? flag.options : undefined;
  return {
    name: flag.name,
    ...(flag.char ? { char: flag.char } : {}),
    takesValue: flag.type === 'option',
    ...(options && options.length > 0 ? { options } : {}),
    ...(flag.type === 'boolean' && flag.allowNo ? { allowNo: true } : {}),
    ...(flag.type === 'option' && flag.multiple ? { multiple: true } : {}),
  };
}

/** The visible commands with their flags (hidden ones left out) and positional arguments in order. */
export function completionCommands(commands: readonly Command.Loadable[]): CompletionCommand[] {
  return commands
    .filter((c) => !c.hidden)
    .map((c) => ({
      id: c.id.split(':'),
      flags: Object.values(c.flags).filter((f) => !f.hidden).map(completionFlag),
      args: Object.values(c.args).map((a) => ({ name: a.name, ...(a.options && a.options.length > 0 ? { options: a.options } : {}) })),
    }));
}
