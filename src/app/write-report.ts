// Use case behind `glci report`: the recorded events of the latest (or a given) run of this project's
// state directory rendered as one self-contained HTML page, written next to them or to `--output`.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipelineEventsFile } from '../artifacts/state-paths.js';
import { GlciError, UsageError } from '../errors.js';
import { openWithDefaultApp } from '../platform/open-file.js';
import { buildTimeline, parseRunRecords, renderReport } from '../reporters/report/index.js';
import { resolveStateDir } from './state-dir.js';

export interface ReportOptions {
  cwd?: string;
  stateDir?: string;
  /** Pipeline id of the run; default: the newest run with recorded events. */
  run?: string;
  /** Where to write the page; default `<stateDir>/pipelines/<id>/report.html`. */
  output?: string;
  open?: boolean;
}

export interface ReportResult {
  path: string;
  pipelineId: string;
  attempts: number;
  status: string | null;
  /** Set when `--open` could not start a viewer (the page is written all the same). */
  openError?: string;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Local pipeline ids are the run's start time in seconds, so the largest id with a record is the newest run. */
async function latestRun(stateDir: string): Promise<string | null> {
  const ids = await readdir(join(stateDir, 'pipelines')).catch(() => [] as string[]);
  const numeric = ids.filter((id) => /^\d+$/.test(id)).sort((a, b) => Number(b) - Number(a));
  for (const id of numeric) if (await exists(pipelineEventsFile(stateDir, id))) return id;
  return null;
}

async function findRun(stateDir: string, run: string | undefined): Promise<string> {
  if (run !== undefined) {
    if (!/^\d+$/.test(run)) throw new UsageError(`run must be a pipeline id (digits), not ${JSON.stringify(run)}`);
    if (!(await exists(pipelineEventsFile(stateDir, run)))) {
      throw new UsageError(`no recorded events for pipeline ${run} in ${stateDir}`, 'list the runs with `ls <state dir>/pipelines`; runs before this glci version recorded none');
    }
    return run;
  }
  const latest = await latestRun(stateDir);
  if (latest === null) throw new UsageError(`no recorded run in ${stateDir}`, 'run the pipeline with `glci run` first (use the same --state-dir)');
  return latest;
}

export async function writeReport(options: ReportOptions): Promise<ReportResult> {
  const { stateDir } = resolveStateDir(options);
  const pipelineId = await findRun(stateDir, options.run);
  const records = parseRunRecords(await readFile(pipelineEventsFile(stateDir, pipelineId), 'utf8'));
  const path = resolve(options.output ?? join(dirname(pipelineEventsFile(stateDir, pipelineId)), 'report.html'));
  const timeline = buildTimeline(records);
  await writeFile(path, renderReport({ timeline, pipelineId })).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GlciError('system', 'REPORT_WRITE', `cannot write the report to ${path}: ${reason}`, '--output must name a file in an existing, writable folder');
  });
  const result: ReportResult = { path, pipelineId, attempts: timeline.attempts.length, status: timeline.pipeline?.status ?? null };
  if (options.open) {
    try {
      await openWithDefaultApp(path);
    } catch (error) {
      result.openError = error instanceof Error ? error.message : String(error);
    }
  }
  return result;
}
