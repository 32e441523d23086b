import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { withProjectFile } from '../../cli/project-flags.js';
import { formatTable } from '../../cli/table.js';
import { listCaches, type CacheListing, unreachableNotice } from '../../app/cache-admin.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

function listingLines(listing: CacheListing, allProjects: boolean): string[] {
  const lines: string[] = [];
  if (listing.local.length === 0) lines.push(`No local caches in ${listing.stateDir}`);
  else {
    lines.push(`Local caches in ${listing.stateDir}:`);
    const rows = listing.local.map((c) => [c.key, humanSize(c.sizeBytes), c.modifiedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), c.path]);
    lines.push(formatTable(['KEY', 'SIZE', 'MODIFIED', 'PATH'], rows));
  }
  if (!listing.engine.reachable) return lines;
  const whose = allProjects ? 'of every project' : 'of this project';
  if (listing.volumes.length === 0) return [...lines, `No cache volumes ${whose} on ${listing.engine.address}`];
  lines.push(`Cache volumes ${whose} on ${listing.engine.address}:`);
  const rows = listing.volumes.map((v) => [v.name, v.destination ?? '', v.projectDir ?? '']);
  lines.push(formatTable(['NAME', 'DESTINATION', 'PROJECT DIR'], rows));
  return lines;
}

export default class CacheLs extends BaseCommand {
  static override description = 'List persisted caches: the state directory\'s cache archives and the Docker engine\'s cache volumes';
  static override examples = ['<%= config.bin %> cache ls', '<%= config.bin %> cache ls --all-projects', '<%= config.bin %> cache ls --json'];
  static override flags = {
    'all-projects': Flags.boolean({ description: 'Show the cache volumes of every project, not only of this one', env: 'GLCI_ALL_PROJECTS' }),
    'state-dir': Flags.string({ description: 'Where builds, caches and artifacts are kept (default: <project>/.glci)', env: 'GLCI_STATE_DIR' }),
  };

  async run(): Promise<CacheListing> {
    // The state directory .glci.yml names, like `glci run`.
    const { flags } = await withProjectFile(await this.parse(CacheLs), CacheLs.flags);
    const listing = await listCaches({
      ...(flags.cwd ? { cwd: flags.cwd } : {}),
      ...(flags['state-dir'] ? { stateDir: flags['state-dir'] } : {}),
      allProjects: flags['all-projects'],
      env: process.env,
    });
    const notice = unreachableNotice(listing.engine);
    if (notice) process.stderr.write(`${notice}\n`);
    if (!this.jsonEnabled()) for (const line of listingLines(listing, flags['all-projects'])) this.log(line);
    return listing;
  }
}
