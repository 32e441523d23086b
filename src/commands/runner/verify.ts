import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { runnerConfigFlag } from '../../cli/runner-flags.js';
import { runnerConfigFile, stderrRunnerLog, verifyRunners, type VerifiedRunner } from '../../app/runner-manage.js';

export default class RunnerVerify extends BaseCommand {
  static override description = 'Check with GitLab that the runners of config.toml are still valid; --delete removes the ones GitLab no longer knows';
  static override examples = ['<%= config.bin %> runner verify', '<%= config.bin %> runner verify --delete --name laptop'];
  static override flags = {
    ...runnerConfigFlag,
    delete: Flags.boolean({ description: 'Remove the runners GitLab does not know any more from config.toml', env: 'GLCI_DELETE' }),
    name: Flags.string({ char: 'n', description: 'Only the runner of this name', env: 'GLCI_NAME' }),
  };

  async run(): Promise<{ runners: VerifiedRunner[] }> {
    const { flags } = await this.parse(RunnerVerify);
    const runners = await verifyRunners({
      configFile: runnerConfigFile({ path: flags.config, env: process.env }),
      delete: flags.delete,
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      version: this.config.version,
      log: stderrRunnerLog(),
    });
    return { runners };
  }
}
