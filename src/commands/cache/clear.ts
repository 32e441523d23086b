import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { withProjectFile } from '../../cli/project-flags.js';
import { ExitCode } from '../../cli/exit-codes.js';
import { clearCaches, type CacheClearReport, type CacheScope, type ClearedCache, unreachableNotice } from '../../app/cache-admin.js';

function describe(cache: ClearedCache): string {
  const what = cache.kind === 'local' ? `local cache ${cache.name}` : cache.kind === 'includes' ? 'the cache of fetched include files' : `cache volume ${cache.name}`;
  return cache.location ? `${what} (${cache.location})` : what;
}

export default class CacheClear extends BaseCommand {
  static override description = 'Remove the named (or all) caches of this project: local cache archives and Docker cache volumes';
  static override examples = [
    '<%= config.bin %> cache clear',
    '<%= config.bin %> cache clear default node-modules',
    '<%= config.bin %> cache clear --volumes-only --all-projects',
    '<%= config.bin %> cache clear --includes',
  ];
  static override strict = false;
  static override args = { keys: Args.string({ description: 'Cache keys (local caches), or volume names / container paths (cache volumes); default: all' }) };
  static override flags = {
    'volumes-only': Flags.boolean({ description: 'Only the Docker engine\'s cache volumes', exclusive: ['local-only', 'includes'], env: 'GLCI_VOLUMES_ONLY' }),
    'local-only': Flags.boolean({ description: 'Only the cache archives of the state directory', exclusive: ['volumes-only', 'includes'], env: 'GLCI_LOCAL_ONLY' }),
    includes: Flags.boolean({ description: 'Only the cache of fetched include files (include:project, template, component, remote), which --offline reads', exclusive: ['volumes-only', 'local-only'], env: 'GLCI_INCLUDES' }),
    'all-projects': Flags.boolean({ description: 'Cache volumes of every project, not only of this one', env: 'GLCI_ALL_PROJECTS' }),
    'state-dir': Flags.string({ description: 'Where builds, caches and artifacts are kept (default: <project>/.glci)', env: 'GLCI_STATE_DIR' }),
  };

  async run(): Promise<CacheClearReport> {
    // The state directory .glci.yml names, like `glci run`.
    const { flags, argv } = await withProjectFile(await this.parse(CacheClear), CacheClear.flags);
    const scope: CacheScope = flags.includes ? 'includes' : flags['volumes-only'] ? 'volumes' : flags['local-only'] ? 'local' : 'all';
    const report = await clearCaches({
      ...(flags.cwd ? { cwd: flags.cwd } : {}),
      ...(flags['state-dir'] ? { stateDir: flags['state-dir'] } : {}),
      keys: argv as string[],
      scope,
      allProjects: flags['all-projects'],
      env: process.env,
    });
    const notice = report.engine ? unreachableNotice(report.engine) : null;
    if (notice) process.stderr.write(`${notice}\n`);
    for (const key of report.unmatched) process.stderr.write(`no cache matches ${key}\n`);
    for (const f of report.failed) process.stderr.write(`cannot remove ${describe(f)}: ${f.error}\n`);
    if (!this.jsonEnabled()) {
      for (const cache of report.removed) this.log(`removed ${describe(cache)}`);
      this.log(`Removed ${report.removed.length} cache${report.removed.length === 1 ? '' : 's'}${report.failed.length > 0 ? ` (${report.failed.length} could not be removed)` : ''}`);
    }
    if (report.failed.length > 0) process.exitCode = ExitCode.executorOrSystem;
    return report;
  }
}
