import { BaseCommand } from '../../cli/base-command.js';
import { hookFlag, hookName } from '../../cli/hook-flags.js';
import { uninstallHook, type UninstallResult } from '../../app/git-hook.js';

export default class HookUninstall extends BaseCommand {
  static override description = 'Remove the git hook glci installed (a hook glci did not write is left alone)';
  static override examples = ['<%= config.bin %> hook uninstall', '<%= config.bin %> hook uninstall --hook pre-push'];
  static override flags = { hook: hookFlag };

  async run(): Promise<UninstallResult> {
    const { flags } = await this.parse(HookUninstall);
    const result = await uninstallHook({ ...(flags.cwd ? { cwd: flags.cwd } : {}), hook: hookName(flags.hook) });
    if (result.action === 'absent') this.log(`No ${result.hook} hook at ${result.path}`);
    else this.log(`Removed ${result.path}${result.restored ? ' and put back the hook it had replaced' : ''}`);
    return result;
  }
}
