import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { contextFlags, contextOptionsFrom } from '../cli/context-flags.js';
import { includeFlags, includeOptionsFrom } from '../cli/include-flags.js';
import { printWarnings } from '../cli/diagnostics.js';
import { withProjectFile } from '../cli/project-flags.js';
import { formatTable } from '../cli/table.js';
import { listJobs, type ListedJob } from '../app/list-jobs.js';

function allowFailureText(value: ListedJob['allowFailure']): string {
  return typeof value === 'boolean' ? String(value) : `exit_codes ${value.exitCodes.join(',')}`;
}

export default class List extends BaseCommand {
  static override description = 'List the jobs a pipeline for the current checkout would run, in stage order';
  static override examples = [
    '<%= config.bin %> list',
    '<%= config.bin %> list --json',
    '<%= config.bin %> list --source schedule',
    '<%= config.bin %> list --merge-request --mr-event merged_result',
    '<%= config.bin %> list --tag v1.2.0 --show-variables',
  ];
  static override flags = {
    ...contextFlags,
    ...includeFlags,
    'show-variables': Flags.boolean({ description: 'Also show each job\'s variables as planned (masked values hidden)', env: 'GLCI_SHOW_VARIABLES' }),
  };

  async run(): Promise<ListedJob[]> {
    const { flags } = await withProjectFile(await this.parse(List), List.flags);
    const result = await listJobs({ ...contextOptionsFrom(flags), ...includeOptionsFrom(flags), file: flags.file, showVariables: flags['show-variables'] });
    printWarnings(result.warnings, { limit: 3 });
    if (result.notCreatedReason) process.stderr.write(`No pipeline: ${result.notCreatedReason}\n`);
    if (!this.jsonEnabled() && result.jobs.length > 0) {
      const rows = result.jobs.map((j) => [
        j.name, j.stage, j.when, allowFailureText(j.allowFailure), j.needs === null ? '' : `[${j.needs.join(', ')}]`, j.tags.join(','), j.image ?? '',
      ]);
      this.log(formatTable(['NAME', 'STAGE', 'WHEN', 'ALLOW_FAILURE', 'NEEDS', 'TAGS', 'IMAGE'], rows));
      for (const job of result.jobs) {
        if (job.variables) this.log(`\n${job.name}:\n${Object.entries(job.variables).map(([k, v]) => `  ${k}=${v}`).join('\n')}`);
      }
    }
    return result.jobs;
  }
}
