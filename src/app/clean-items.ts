// What `glci clean` found and did, as plain data (the `--json` output) and as the lines a human reads.
import type { EngineStatus } from './engine-connection.js';

export type CleanItemKind = 'container' | 'network' | 'volume' | 'builds' | 'artifacts' | 'pipeline';

/** One thing clean removed, would remove (dry run) or kept. */
export interface CleanItem {
  kind: CleanItemKind;
  /** Engine resources: their name; state directory entries: their path relative to the state directory. */
  name: string;
  /** Engine resources: their id; state directory entries: their absolute path. */
  target: string;
  /** The pipeline the item belongs to, when known. */
  pipelineId: string | null;
  /** Why it goes (or, for kept items, why it stays). */
  reason: string;
}

export interface CleanFailure extends CleanItem {
  /** The engine's or the file system's own message. */
  error: string;
}

export interface CleanReport {
  dryRun: boolean;
  stateDir: string;
  engine: EngineStatus;
  /** What was removed; with `dryRun`, what would be removed. */
  items: CleanItem[];
  /** What could not be removed (the command then exits with status 3). */
  failed: CleanFailure[];
  /** Leftover-looking things that stay because their run is still alive. */
  kept: CleanItem[];
}

function describe(item: CleanItem): string {
  const label = item.kind === 'builds' ? 'builds folder' : item.kind;
  return `${label} ${item.name} (${item.reason})`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** stdout lines: one per item, then the count. */
export function cleanReportLines(report: CleanReport): string[] {
  const verb = report.dryRun ? 'would remove' : 'removed';
  const lines = report.items.map((item) => `${verb} ${describe(item)}`);
  const summary = report.dryRun ? `Would remove ${plural(report.items.length, 'item')}` : `Removed ${plural(report.items.length, 'item')}`;
  const extras = [
    report.failed.length > 0 ? `${report.failed.length} could not be removed` : '',
    report.kept.length > 0 ? `${report.kept.length} kept for live runs` : '',
  ].filter(Boolean);
  lines.push(extras.length > 0 ? `${summary} (${extras.join(', ')})` : summary);
  return lines;
}

/** stderr lines: one per failure. */
export function cleanFailureLines(report: CleanReport): string[] {
  return report.failed.map((f) => `cannot remove ${describe(f)}: ${f.error}`);
}
