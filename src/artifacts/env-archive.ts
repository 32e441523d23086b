// Moving a file selection out of a job environment: the environment packs the selection's base
// directories (env.copyOut works the same in every executor) and the host keeps only the entries the
// selection accepts, streaming them into an archive file.
import { createWriteStream } from 'node:fs';
import type { JobEnvironment } from '../executors/executor.js';
import { emptyArchive, filterArchive } from '../platform/archive.js';
import type { FileSelection } from './file-selection.js';

export interface ArchiveSummary {
  /** Files, directories and links written. */
  entries: number;
  /** Newest modification time among them, in ms since the epoch (0 when unknown). */
  newest: number;
}

/** Writes the entries of `selection` found in `env` to the tar file `file`. */
export async function archiveSelection(env: JobEnvironment, selection: FileSelection, file: string): Promise<ArchiveSummary> {
  const input = selection.bases.length > 0 ? await env.copyOut(selection.bases) : emptyArchive();
  const summary: ArchiveSummary = { entries: 0, newest: 0 };
  await filterArchive(
    input,
    (entry) => {
      if (!selection.accept(entry)) return false;
      summary.entries++;
      summary.newest = Math.max(summary.newest, entry.mtime?.getTime() ?? 0);
      return true;
    },
    createWriteStream(file),
  );
  return summary;
}
