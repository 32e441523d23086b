import { BaseCommand } from '../../cli/base-command.js';
import { runnerConfigFlag } from '../../cli/runner-flags.js';
import { listRunners, runnerConfigFile, type ListedRunner } from '../../app/runner-manage.js';

export default class RunnerList extends BaseCommand {
  static override description = 'List the runners of config.toml (tokens shortened)';
  static override examples = ['<%= config.bin %> runner list', '<%= config.bin %> runner list --json'];
  static override flags = { ...runnerConfigFlag };

  async run(): Promise<{ configFile: string; runners: ListedRunner[] }> {
    const { flags } = await this.parse(RunnerList);
    const configFile = runnerConfigFile({ path: flags.config, env: process.env });
    const { runners, text } = await listRunners(configFile);
    if (!this.jsonEnabled()) process.stdout.write(text);
    return { configFile, runners };
  }
}
