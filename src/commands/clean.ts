import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { withProjectFile } from '../cli/project-flags.js';
import { ExitCode } from '../cli/exit-codes.js';
import { cleanFailureLines, cleanLeftovers, cleanReportLines, DEFAULT_KEEP_PIPELINES, type CleanReport, unreachableNotice } from '../app/clean.js';

export default class Clean extends BaseCommand {
  static override description = 'Remove what crashed runs left behind (engine resources of dead glci processes, builds copies), expired artifacts and old pipelines; caches stay (glci cache clear)';
  static override examples = [
    '<%= config.bin %> clean --dry-run',
    '<%= config.bin %> clean --keep 1',
    '<%= config.bin %> clean --json',
    '<%= config.bin %> clean --label org.glci.pipeline.id=1712345678',
  ];
  static override flags = {
    'dry-run': Flags.boolean({ description: 'Only show what would be removed', env: 'GLCI_DRY_RUN' }),
    keep: Flags.integer({ description: 'Newest pipelines under <state-dir>/pipelines to keep (older ones go)', default: DEFAULT_KEEP_PIPELINES, min: 0, env: 'GLCI_KEEP' }),
    label: Flags.string({ description: 'Engine resources: only those with this label (KEY or KEY=VALUE); repeatable', multiple: true, env: 'GLCI_LABEL' }),
    'state-dir': Flags.string({ description: 'Where builds, caches and artifacts are kept (default: <project>/.glci)', env: 'GLCI_STATE_DIR' }),
  };

  async run(): Promise<CleanReport> {
    // The state directory .glci.yml names, like `glci run`.
    const { flags } = await withProjectFile(await this.parse(Clean), Clean.flags);
    const report = await cleanLeftovers({
      ...(flags.cwd ? { cwd: flags.cwd } : {}),
      ...(flags['state-dir'] ? { stateDir: flags['state-dir'] } : {}),
      keep: flags.keep,
      dryRun: flags['dry-run'],
      labelFilters: flags.label ?? [],
      env: process.env,
    });
    const notice = unreachableNotice(report.engine);
    if (notice) process.stderr.write(`${notice}\n`);
    for (const line of cleanFailureLines(report)) process.stderr.write(`${line}\n`);
    if (!this.jsonEnabled()) for (const line of cleanReportLines(report)) this.log(line);
    if (report.failed.length > 0) process.exitCode = ExitCode.executorOrSystem;
    return report;
  }
}
