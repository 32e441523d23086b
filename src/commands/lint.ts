import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { contextFlags, contextOptionsFrom } from '../cli/context-flags.js';
import { includeFlags, includeOptionsFrom } from '../cli/include-flags.js';
import { printWarnings } from '../cli/diagnostics.js';
import { withProjectFile } from '../cli/project-flags.js';
import { formatMergedYaml, lintPipeline } from '../app/lint.js';
import type { MergedConfig } from '../model/config.js';

export default class Lint extends BaseCommand {
  static override description = 'Validate the pipeline configuration; exit 2 with FILE:LINE:COLUMN messages when invalid';
  static override examples = ['<%= config.bin %> lint', '<%= config.bin %> lint --merged', '<%= config.bin %> lint --merged --json'];
  static override flags = {
    ...contextFlags,
    ...includeFlags,
    merged: Flags.boolean({ description: 'Print the fully resolved configuration (includes, extends, !reference, default: applied)', env: 'GLCI_MERGED' }),
  };

  async run(): Promise<MergedConfig | { valid: true; warnings: unknown[] }> {
    const { flags } = await withProjectFile(await this.parse(Lint), Lint.flags);
    const result = await lintPipeline({ ...contextOptionsFrom(flags), ...includeOptionsFrom(flags), file: flags.file });
    printWarnings(result.warnings);
    if (flags.merged) {
      if (!this.jsonEnabled()) process.stdout.write(formatMergedYaml(result.merged));
      return result.merged;
    }
    if (!this.jsonEnabled()) this.log(`${flags.file} is valid (${result.files.length} file${result.files.length === 1 ? '' : 's'} read)`);
    return { valid: true, warnings: result.warnings };
  }
}
