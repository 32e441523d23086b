import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { hookFlag, hookSelection, jobSelectionFlags } from '../../cli/hook-flags.js';
import { installHook, type InstallResult } from '../../app/git-hook.js';

export default class HookInstall extends BaseCommand {
  static override description = 'Install a git hook (core.hooksPath honoured) that runs jobs on what is being committed or pushed';
  static override examples = [
    '<%= config.bin %> hook install',
    '<%= config.bin %> hook install --jobs lint,unit',
    '<%= config.bin %> hook install --hook pre-push --stage test',
  ];
  static override flags = {
    hook: hookFlag,
    ...jobSelectionFlags,
    force: Flags.boolean({ description: 'Replace a hook glci did not write (it is kept as <hook>.glci-saved)', env: 'GLCI_FORCE' }),
  };

  async run(): Promise<InstallResult> {
    const { flags } = await this.parse(HookInstall);
    const result = await installHook({
      ...hookSelection(flags),
      force: flags.force,
      // Absolute paths of this node and this glci: see app/git-hook-script.ts for why.
      node: process.execPath,
      entry: join(this.config.root, 'bin', 'run.js'),
    });
    if (result.savedAs) this.log(`Kept the previous hook as ${result.savedAs}`);
    this.log(`${result.action === 'installed' ? 'Installed' : result.action === 'updated' ? 'Updated' : 'Replaced'} ${result.path}: runs ${result.command}`);
    return result;
  }
}
