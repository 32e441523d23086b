import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { printWarnings } from '../../cli/diagnostics.js';
import { showSettings, type EffectiveSetting } from '../../app/effective-settings.js';
import type { ConfigDiagnostic } from '../../model/config.js';
import type { RunnerConfig, RunnerConfigWarning } from '../../model/runner.js';

function asDiagnostic(w: RunnerConfigWarning): ConfigDiagnostic {
  const location = w.file && w.line !== null ? { file: w.file, line: w.line, column: w.column ?? 1 } : null;
  return { severity: 'warning', message: w.message, location };
}

export default class ConfigShow extends BaseCommand {
  static override description = 'Show the effective settings of `glci run` (GLCI_*, .glci.yml and its presets, the user\'s glci.yml) and the runner settings (GitLab Runner config.toml), and where each value comes from';
  static override examples = [
    '<%= config.bin %> config show',
    '<%= config.bin %> config show --preset quick',
    '<%= config.bin %> config show --config ./config.toml',
    '<%= config.bin %> config show --json',
  ];
  static override flags = {
    config: Flags.string({
      description: 'GitLab Runner config.toml (default: runner-config of .glci.yml, else $XDG_CONFIG_HOME/glci/config.toml or ~/.config/glci/config.toml)',
      env: 'GLCI_CONFIG',
    }),
    preset: Flags.string({ description: 'Show the settings with this preset of .glci.yml applied', env: 'GLCI_PRESET' }),
  };

  async run(): Promise<RunnerConfig & { settings: EffectiveSetting[] }> {
    const { flags } = await this.parse(ConfigShow);
    // A value oclif took from GLCI_CONFIG is left to the loader, so its messages name the variable.
    const path = flags.config && flags.config !== process.env.GLCI_CONFIG ? flags.config : undefined;
    const report = await showSettings({
      projectDir: resolve(flags.cwd ?? process.cwd()),
      ...(path ? { configPath: path } : {}),
      ...(flags.preset ? { preset: flags.preset } : {}),
      env: process.env,
    });
    printWarnings([...report.warnings, ...report.config.warnings.map(asDiagnostic)]);
    if (!this.jsonEnabled()) this.log(report.text);
    return { ...report.config, settings: report.settings };
  }
}
