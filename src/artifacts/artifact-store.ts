// The local artifact store (runner-behavior.md §7, gitlab-ci-yaml.md §5.17, §9): what a job uploads is
// kept under <stateDir>/pipelines/<pipelineId>/artifacts/<job dir>/ as
//   artifacts.tar         the `artifacts:paths`/`untracked` archive (entries relative to the project dir)
//   reports/<type>.tar    one archive per `artifacts:reports` type (stored, not handed to other jobs)
//   metadata.json         name, expire_in, when, counts, report paths, dotenv variables and errors
// Later jobs get artifacts.tar extracted into their project dir, in `artifactSources` order.
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecutorError } from '../errors.js';
import type { JobEnvironment, JobIO } from '../executors/executor.js';
import type { ArtifactsDefinition } from '../model/config.js';
import type { JobVariable, PlannedJob } from '../model/plan.js';
import { extractArchive, listArchive, readArchiveFiles } from '../platform/archive.js';
import { DEFAULT_DOTENV_LIMITS, dotenvSizeError, parseDotenv, type DotenvLimits, type DotenvResult, type DotenvVariable } from './dotenv.js';
import { archiveSelection } from './env-archive.js';
import { FileSelection } from './file-selection.js';
import { runnerVariables, type RunnerVariables } from './runner-variables.js';
import { jobArtifactsDir } from './state-paths.js';
import { toStageLogger, type StageLogger } from './stage-log.js';

/** Where a pipeline's artifacts live. */
export interface ArtifactStore {
  stateDir: string;
  pipelineId: number;
}

/** What metadata.json holds for one job. */
export interface ArtifactsMetadata {
  job: string;
  jobId: number | null;
  /** `artifacts:name`, runner-expanded (GitLab's default `artifacts`). */
  name: string;
  /** `artifacts:expire_in` as written; null when unset (GitLab's instance default applies). */
  expireIn: string | null;
  createdAt: string;
  /** Number of archived entries, or null when no `artifacts:paths` archive was made. */
  archiveEntries: number | null;
  /** Report type → archived paths. */
  reports: Record<string, string[]>;
  dotenv: { variables: DotenvVariable[]; errors: string[] };
}

export interface SaveArtifactsOptions {
  /** The job's id in this run (shown as `Downloading artifacts for <name> (<id>)`). */
  jobId?: number;
  /** Files git tracks in the project (relative paths), for `untracked: true`; default: none. */
  trackedFiles?: Iterable<string>;
  dotenvLimits?: DotenvLimits;
}

export interface SavedArtifacts {
  /** Variables of the job's dotenv report; empty when it has none or it is invalid. */
  dotenv: DotenvVariable[];
  /** GitLab's dotenv errors (the job keeps its status; no variable is passed on). */
  dotenvErrors: string[];
  metadata: ArtifactsMetadata | null;
}

const ARCHIVE = 'artifacts.tar';
const METADATA = 'metadata.json';

function whenMatches(when: string, jobSucceeded: boolean): boolean {
  return when === 'always' || (when === 'on_failure' ? !jobSucceeded : jobSucceeded);
}

/** Archives one selection into `file`; logs like the runner's uploader; returns entries kept. */
async function storeSelection(env: JobEnvironment, selection: FileSelection, file: string, log: StageLogger): Promise<number> {
  const temp = `${file}.tmp`;
  try {
    const { entries } = await archiveSelection(env, selection, temp);
    const report = selection.report(env.projectDir);
    report.info.forEach((line) => log.print(line));
    report.warnings.forEach((line) => log.warn(line));
    if (entries === 0) {
      log.error('No files to upload');
      return 0;
    }
    await rename(temp, file);
    return entries;
  } finally {
    await rm(temp, { force: true });
  }
}

interface StoreContext {
  env: JobEnvironment;
  dir: string;
  vars: RunnerVariables;
  tracked: ReadonlySet<string>;
  log: StageLogger;
}

async function storeArchive(ctx: StoreContext, artifacts: ArtifactsDefinition, name: string): Promise<number | null> {
  if (artifacts.paths.length === 0 && !artifacts.untracked) return null;
  ctx.log.info('Uploading artifacts...');
  const selection = new FileSelection(
    {
      paths: artifacts.paths.map((p) => ctx.vars.expand(p)),
      exclude: artifacts.exclude.map((p) => ctx.vars.expand(p)),
      untracked: artifacts.untracked,
      tracked: ctx.tracked,
    },
    ctx.env.projectDir,
  );
  const entries = await storeSelection(ctx.env, selection, join(ctx.dir, ARCHIVE), ctx.log);
  if (entries > 0) ctx.log.print(`Saving artifacts "${name}" (archive) in the local artifact store... ${entries} entries`);
  return entries > 0 ? entries : null;
}

/** Stores each report type (always, whatever the job's result) and returns type → stored paths. */
async function storeReports(ctx: StoreContext, reports: Record<string, string[]>): Promise<Record<string, string[]>> {
  const stored: Record<string, string[]> = {};
  await mkdir(join(ctx.dir, 'reports'), { recursive: true });
  for (const [type, patterns] of Object.entries(reports)) {
    ctx.log.info('Uploading artifacts...');
    const paths = patterns.map((p) => ctx.vars.expand(p));
    const selection = new FileSelection({ paths, exclude: [], untracked: false, tracked: ctx.tracked }, ctx.env.projectDir);
    const file = join(ctx.dir, 'reports', `${type}.tar`);
    if ((await storeSelection(ctx.env, selection, file, ctx.log)) === 0) continue;
    stored[type] = (await listArchive(createReadStream(file))).filter((e) => e.type === 'file').map((e) => e.path);
    ctx.log.print(`Saving artifacts as "${type}" in the local artifact store... ok`);
  }
  return stored;
}

/** Parses the stored dotenv report, in the order its files were archived (sizes checked before reading). */
async function dotenvOf(dir: string, paths: readonly string[] | undefined, limits = DEFAULT_DOTENV_LIMITS): Promise<DotenvResult> {
  if (paths === undefined || paths.length === 0) return { variables: [], errors: [] };
  const file = join(dir, 'reports', 'dotenv.tar');
  const size = (await listArchive(createReadStream(file))).reduce((sum, e) => sum + (e.type === 'file' ? e.size : 0), 0);
  const sizeError = dotenvSizeError(size, limits);
  if (sizeError !== null) return { variables: [], errors: [sizeError] };
  const files = await readArchiveFiles(createReadStream(file), () => true);
  return parseDotenv(
    paths.map((p) => files.get(p) ?? Buffer.alloc(0)),
    limits,
  );
}

/**
 * `upload_artifacts_on_success|failure`: stores the job's `artifacts:paths` archive when `when` matches
 * the job's result, and its reports in any case (gitlab-ci-yaml.md §5.17). Store failures throw
 * (an artifact upload failure fails the job, runner-behavior.md §7.1).
 */
export async function saveArtifacts(
  env: JobEnvironment,
  job: PlannedJob,
  vars: readonly JobVariable[],
  store: ArtifactStore,
  jobSucceeded: boolean,
  io: JobIO | StageLogger,
  options: SaveArtifactsOptions = {},
): Promise<SavedArtifacts> {
  const artifacts = job.artifacts;
  if (artifacts === null) return { dotenv: [], dotenvErrors: [], metadata: null };
  const dir = jobArtifactsDir(store.stateDir, store.pipelineId, job.name);
  const runner = runnerVariables(vars);
  const log = toStageLogger(io);
  const name = runner.expand(artifacts.name ?? '') || 'artifacts';
  try {
    await rm(dir, { recursive: true, force: true }); // a retried job replaces its artifacts
    await mkdir(dir, { recursive: true });
    const ctx: StoreContext = { env, dir, vars: runner, tracked: new Set(options.trackedFiles ?? []), log };
    const archiveEntries = whenMatches(artifacts.when, jobSucceeded) ? await storeArchive(ctx, artifacts, name) : null;
    const reports = await storeReports(ctx, artifacts.reports);
    const dotenv = await dotenvOf(dir, reports.dotenv, options.dotenvLimits);
    dotenv.errors.forEach((error) => log.warn(`dotenv report: ${error}`));
    const metadata: ArtifactsMetadata = {
      job: job.name,
      jobId: options.jobId ?? null,
      name,
      expireIn: artifacts.expireIn ?? null,
      createdAt: new Date().toISOString(),
      archiveEntries,
      reports,
      dotenv,
    };
    await writeFile(join(dir, METADATA), `${JSON.stringify(metadata, null, 2)}\n`);
    return { dotenv: dotenv.variables, dotenvErrors: dotenv.errors, metadata };
  } catch (error) {
    if (error instanceof ExecutorError) throw error;
    throw new ExecutorError('ARTIFACTS_UPLOAD', `cannot store the artifacts of ${job.name}: ${String(error)}`, undefined, { cause: error });
  }
}

/** The stored metadata of a job's artifacts, or null when the job stored none. */
export async function readArtifactsMetadata(store: ArtifactStore, jobName: string): Promise<ArtifactsMetadata | null> {
  try {
    const text = await readFile(join(jobArtifactsDir(store.stateDir, store.pipelineId, jobName), METADATA), 'utf8');
    return JSON.parse(text) as ArtifactsMetadata;
  } catch {
    return null;
  }
}

/** The dotenv variables a job produced (what jobs that fetch its artifacts receive). */
export async function readDotenv(store: ArtifactStore, jobName: string): Promise<DotenvVariable[]> {
  return (await readArtifactsMetadata(store, jobName))?.dotenv.variables ?? [];
}

/** The stored files of one report type (e.g. `junit`), path → content. */
export async function readReportFiles(store: ArtifactStore, jobName: string, type: string): Promise<Map<string, Buffer>> {
  const metadata = await readArtifactsMetadata(store, jobName);
  if (metadata?.reports[type] === undefined) return new Map();
  const file = join(jobArtifactsDir(store.stateDir, store.pipelineId, jobName), 'reports', `${type}.tar`);
  return readArchiveFiles(createReadStream(file), () => true);
}

/**
 * `download_artifacts`: extracts the stored archive of each source job into the project dir, in order
 * (later ones overwrite earlier ones). Jobs that stored nothing are skipped; a failing extraction throws.
 */
export async function restoreArtifacts(env: JobEnvironment, sources: readonly string[], store: ArtifactStore, io: JobIO | StageLogger): Promise<void> {
  const log = toStageLogger(io);
  // Every source's metadata at once (most jobs a job depends on stored nothing); extracted in order.
  const found = await Promise.all(sources.map((source) => readArtifactsMetadata(store, source)));
  for (const [i, source] of sources.entries()) {
    const metadata = found[i];
    if (!metadata || metadata.archiveEntries === null) continue;
    log.info(`Downloading artifacts for ${source} (${metadata.jobId ?? '-'})...`);
    const file = join(jobArtifactsDir(store.stateDir, store.pipelineId, source), ARCHIVE);
    await env.copyIn(createReadStream(file), '.');
    log.print(`Extracting artifacts of ${source} from the local artifact store... ok`);
  }
}

/**
 * `--artifacts-to-source`: extracts a job's stored `artifacts:paths` archive into `targetDir` (the
 * user's project). Returns false when the job stored no archive.
 */
export async function exportArtifacts(store: ArtifactStore, jobName: string, targetDir: string): Promise<boolean> {
  const metadata = await readArtifactsMetadata(store, jobName);
  if (metadata === null || metadata.archiveEntries === null) return false;
  await extractArchive(createReadStream(join(jobArtifactsDir(store.stateDir, store.pipelineId, jobName), ARCHIVE)), targetDir);
  return true;
}
