import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { runnerConfigFlag } from '../../cli/runner-flags.js';
import { runnerConfigFile, stderrRunnerLog, unregisterRunners, type UnregisteredRunner } from '../../app/runner-manage.js';

export default class RunnerUnregister extends BaseCommand {
  static override description = 'Remove a runner in GitLab (for a glrt- runner: this machine\'s manager only) and from config.toml';
  static override examples = [
    '<%= config.bin %> runner unregister --name laptop',
    '<%= config.bin %> runner unregister --url https://gitlab.com/ --token glrt-XXXX',
    '<%= config.bin %> runner unregister --all-runners',
  ];
  static override flags = {
    ...runnerConfigFlag,
    name: Flags.string({ env: 'GLCI_NAME', char: 'n', description: 'The runner of this name', exclusive: ['token', 'all-runners'] }),
    url: Flags.string({ env: 'GLCI_URL', char: 'u', description: 'GitLab instance URL (with --token)', dependsOn: ['token'] }),
    token: Flags.string({ env: 'GLCI_TOKEN', char: 't', description: 'The runner\'s token (with --url)', dependsOn: ['url'], exclusive: ['all-runners'] }),
    'all-runners': Flags.boolean({ env: 'GLCI_ALL_RUNNERS', description: 'Every runner of config.toml' }),
  };

  async run(): Promise<{ runners: UnregisteredRunner[] }> {
    const { flags } = await this.parse(RunnerUnregister);
    const runners = await unregisterRunners({
      configFile: runnerConfigFile({ path: flags.config, env: process.env }),
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      ...(flags.url !== undefined ? { url: flags.url } : {}),
      ...(flags.token !== undefined ? { token: flags.token } : {}),
      allRunners: flags['all-runners'],
      version: this.config.version,
      log: stderrRunnerLog(),
    });
    return { runners };
  }
}
