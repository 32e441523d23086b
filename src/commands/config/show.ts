import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { printWarnings } from '../../cli/diagnostics.js';
import { showRunnerConfig } from '../../app/load-runner-config.js';
import type { ConfigDiagnostic } from '../../model/config.js';
import type { RunnerConfig, RunnerConfigWarning } from '../../model/runner.js';

function asDiagnostic(w: RunnerConfigWarning): ConfigDiagnostic {
  const location = w.file && w.line !== null ? { file: w.file, line: w.line, column: w.column ?? 1 } : null;
  return { severity: 'warning', message: w.message, location };
}

export default class ConfigShow extends BaseCommand {
  static override description = 'Show the effective runner settings (GitLab Runner config.toml) and where each value comes from';
  static override examples = [
    '<%= config.bin %> config show',
    '<%= config.bin %> config show --config ./config.toml',
    '<%= config.bin %> config show --json',
  ];
  static override flags = {
    config: Flags.string({
      description: 'GitLab Runner config.toml (default: $XDG_CONFIG_HOME/glci/config.toml or ~/.config/glci/config.toml)',
      env: 'GLCI_CONFIG',
    }),
  };

  async run(): Promise<RunnerConfig> {
    const { flags } = await this.parse(ConfigShow);
    // A value oclif took from GLCI_CONFIG is left to the loader, so its messages name the variable.
    const path = flags.config && flags.config !== process.env.GLCI_CONFIG ? flags.config : undefined;
    const report = await showRunnerConfig({ ...(path ? { path } : {}), env: process.env });
    printWarnings(report.config.warnings.map(asDiagnostic));
    if (!this.jsonEnabled()) this.log(report.text);
    return report.config;
  }
}
