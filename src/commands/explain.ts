import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { contextFlags, contextOptionsFrom } from '../cli/context-flags.js';
import { includeFlags, includeOptionsFrom } from '../cli/include-flags.js';
import { printWarnings } from '../cli/diagnostics.js';
import { withProjectFile } from '../cli/project-flags.js';
import { explainJobs } from '../app/explain.js';
import type { Explanation } from '../model/explanation.js';

export default class Explain extends BaseCommand {
  static override description =
    'Explain why a job is (or is not) in the pipeline: workflow:rules, its rules or only/except with the values they read, needs, dependencies, final when/allow_failure, and every variable with the layer it came from';
  static override examples = [
    '<%= config.bin %> explain deploy',
    '<%= config.bin %> explain "test: [node, 22]" --variable RELEASE=yes',
    '<%= config.bin %> explain test --pipeline-source schedule --json',
  ];
  static override args = {
    job: Args.string({
      description: 'Job name as GitLab names it ("test 1/3", "deploy: [aws, app1]"); a parallel/matrix job\'s own name explains every instance',
      required: true,
    }),
  };
  static override flags = {
    ...contextFlags,
    ...includeFlags,
    preset: Flags.string({ description: 'Explain with the variables and flags of a preset of .glci.yml', env: 'GLCI_PRESET' }),
    config: Flags.string({
      description: 'GitLab Runner config.toml whose [[runners]] environment the job receives (default: $XDG_CONFIG_HOME/glci/config.toml or ~/.config/glci/config.toml)',
      env: 'GLCI_CONFIG',
    }),
    'state-dir': Flags.string({ description: 'State directory of earlier runs, for the keys of their dotenv reports (default: <project>/.glci)', env: 'GLCI_STATE_DIR' }),
  };

  async run(): Promise<Explanation> {
    const parsed = await this.parse(Explain);
    const { flags, settings } = await withProjectFile(parsed, Explain.flags);
    const result = await explainJobs({
      ...contextOptionsFrom(flags),
      ...includeOptionsFrom(flags),
      file: flags.file,
      job: parsed.args.job,
      projectVariableOrigins: settings.variableLayerOrigins,
      // GLCI_CONFIG alone is left to the loader, so its messages name the variable rather than --config.
      ...(flags.config && flags.config !== process.env.GLCI_CONFIG ? { configPath: flags.config } : {}),
      ...(flags['state-dir'] ? { stateDir: flags['state-dir'] } : {}),
    });
    printWarnings(result.warnings, { limit: 3 });
    if (!this.jsonEnabled()) process.stdout.write(result.text);
    return result.explanation;
  }
}
