import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { writeReport, type ReportResult } from '../app/write-report.js';

export default class Report extends BaseCommand {
  static override description = 'Write a self-contained HTML page of a run: timeline of the jobs (critical path, image pulls, service start-up), each job log with folded sections, and the summary';
  static override examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report --open',
    '<%= config.bin %> report 1764633600 --output report.html',
  ];
  static override args = { run: Args.string({ description: 'Pipeline id of the run (default: the latest run of the state directory)' }) };
  static override flags = {
    output: Flags.string({ char: 'o', description: 'File to write (default: <state dir>/pipelines/<id>/report.html)', env: 'GLCI_OUTPUT' }),
    open: Flags.boolean({ description: 'Open the page with the default application (xdg-open, or open on macOS)', env: 'GLCI_OPEN' }),
    'state-dir': Flags.string({ description: 'State directory the run used (default: <project>/.glci)', env: 'GLCI_STATE_DIR' }),
  };

  async run(): Promise<ReportResult> {
    const { args, flags } = await this.parse(Report);
    const result = await writeReport({
      ...(flags.cwd ? { cwd: flags.cwd } : {}),
      ...(flags['state-dir'] ? { stateDir: flags['state-dir'] } : {}),
      ...(args.run ? { run: args.run } : {}),
      ...(flags.output ? { output: flags.output } : {}),
      open: flags.open,
    });
    if (result.openError) process.stderr.write(`warning: ${result.openError}; open ${result.path} yourself\n`);
    if (!this.jsonEnabled()) this.log(result.path);
    return result;
  }
}
