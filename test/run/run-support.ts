// End-to-end support for `glci run`: a fixture of test/run-fixtures copied into a temporary git
// repository (the same checkout builder as the list/lint acceptance tests), the built CLI spawned on
// it with a state directory OUTSIDE the project, and readers for its NDJSON events and job logs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { createCheckout, isolatedEnv } from '../acceptance/fixture-checkout.js';
import type { FixtureContext } from '../acceptance/fixture-context.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixturesRoot = join(repoRoot, 'test', 'run-fixtures');
const cliEntry = join(repoRoot, 'bin', 'run.js');

/** Ceiling for one glci process; every fixture pipeline finishes in a few seconds. */
const RUN_TIMEOUT_MS = 25_000;

export interface RunProject {
  /** The user's checkout (a git repository holding the fixture). */
  dir: string;
  /** `--state-dir`, outside the checkout so the checkout can be compared before and after. */
  stateDir: string;
  /** A scratch folder outside both, for jobs to leave evidence in (counters, after_script files). */
  scratchDir: string;
  /** HOME for glci, so no `~/.glci/variables.yml` of the machine leaks into a run. */
  homeDir: string;
  remove(): void;
}

/** Copies `test/run-fixtures/<name>` into a fresh git repository (one commit on `main`). */
export async function createRunProject(name: string, context: FixtureContext = {}): Promise<RunProject> {
  const checkout = await createCheckout(join(fixturesRoot, name), context);
  const outside = mkdtempSync(join(tmpdir(), 'glci-run-'));
  return {
    dir: checkout.dir,
    stateDir: join(outside, 'state'),
    scratchDir: outside,
    homeDir: outside,
    remove: () => {
      checkout.remove();
      rmSync(outside, { recursive: true, force: true });
    },
  };
}

export interface RunEvent {
  type: 'pipeline_start' | 'job_queued' | 'job_start' | 'job_output' | 'job_end' | 'pipeline_end';
  time: number;
  job?: string;
  attempt?: number;
  text?: string;
  result?: JobResultRecord & PipelineResultRecord;
}

export interface JobResultRecord {
  name: string;
  stage: string;
  status: string;
  allowedToFail: boolean;
  exitCode: number | null;
  failureReason?: string;
  skipReason?: string;
  attempts: number;
  /** The job's `interruptible` (gitlab-ci-yaml.md §5.21). */
  interruptible?: boolean;
}

export interface PipelineResultRecord {
  status: string;
  jobs: JobResultRecord[];
}

export interface GlciRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** NDJSON events (only with `--json`). */
  events: RunEvent[];
  /** When the glci process had exited (ms since the epoch, this machine's clock). */
  exitedAt: number;
  /** With `--json`, a run that fails before the pipeline starts prints one `{error}` document instead. */
  error?: { code: string; message: string };
}

export interface RunOptions {
  /** Leave out `--state-dir`, so glci uses its default (`.glci` in the project). */
  defaultStateDir?: boolean;
}

export function glciArgs(project: RunProject, args: readonly string[], options: RunOptions): string[] {
  const state = options.defaultStateDir ? [] : ['--state-dir', project.stateDir];
  return [cliEntry, 'run', ...args, '--cwd', project.dir, ...state];
}

export function glciEnv(project: RunProject): Record<string, string> {
  return { ...isolatedEnv(), HOME: project.homeDir };
}

/** Starts `glci run ARGS` on the project without waiting (for Ctrl-C tests). */
export function startGlci(project: RunProject, args: readonly string[], options: RunOptions = {}): ResultPromise<{ reject: false; timeout: number }> {
  return execa(process.execPath, glciArgs(project, args, options), {
    cwd: project.dir,
    env: glciEnv(project),
    extendEnv: false,
    reject: false,
    timeout: RUN_TIMEOUT_MS,
  });
}

/** Runs `glci run ARGS --cwd <project> --state-dir <state>` and parses its NDJSON when `--json` is given. */
export async function runGlci(project: RunProject, args: readonly string[], options: RunOptions = {}): Promise<GlciRun> {
  const result = await startGlci(project, args, options);
  const exitedAt = Date.now();
  const stdout = String(result.stdout);
  const run: GlciRun = { exitCode: result.exitCode, stdout, stderr: String(result.stderr), events: [], exitedAt };
  if (!args.includes('--json')) return run;
  const error = errorDocument(stdout);
  if (error) run.error = error;
  else run.events = parseEvents(stdout, run);
  return run;
}

export function describeRun(run: Pick<GlciRun, 'exitCode' | 'stdout' | 'stderr'>): string {
  return `glci run exited ${String(run.exitCode)}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

function errorDocument(stdout: string): GlciRun['error'] {
  if (!stdout.trimStart().startsWith('{\n')) return undefined;
  try {
    const parsed = JSON.parse(stdout) as { error?: GlciRun['error'] };
    return parsed.error;
  } catch {
    return undefined;
  }
}

export function parseEvents(stdout: string, run: Pick<GlciRun, 'exitCode' | 'stdout' | 'stderr'>): RunEvent[] {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  return lines.map((line) => {
    try {
      return JSON.parse(line) as RunEvent;
    } catch {
      throw new Error(`stdout line is not JSON: ${line}\n${describeRun(run)}`);
    }
  });
}

const SECTION_MARKER = /section_(?:start|end):\d+:[^\r\n]*\r\x1b\[0K/g;
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** A job's log as text without section markers and colours (all attempts, in order). */
export function jobLog(events: readonly RunEvent[], job: string): string {
  const raw = events.filter((e) => e.type === 'job_output' && e.job === job).map((e) => e.text ?? '').join('');
  return raw.replace(SECTION_MARKER, '').replace(ANSI, '');
}

export function jobLines(events: readonly RunEvent[], job: string): string[] {
  return jobLog(events, job).split('\n').map((line) => line.replace(/\r$/, ''));
}

/** The final result of a job (its last `job_end`). */
export function jobResult(events: readonly RunEvent[], job: string): JobResultRecord {
  const end = events.findLast((e) => e.type === 'job_end' && e.job === job);
  if (!end?.result) throw new Error(`no job_end event for ${job}`);
  return end.result;
}

export function pipelineResult(events: readonly RunEvent[]): PipelineResultRecord {
  const end = events.find((e) => e.type === 'pipeline_end');
  if (!end?.result) throw new Error('no pipeline_end event');
  return end.result;
}

/** Index in the event stream of the first event of `type` for `job` (-1 when there is none). */
export function eventIndex(events: readonly RunEvent[], type: RunEvent['type'], job: string): number {
  return events.findIndex((e) => e.type === type && e.job === job);
}

export function startedJobs(events: readonly RunEvent[]): string[] {
  return [...new Set(events.filter((e) => e.type === 'job_start').map((e) => e.job ?? ''))];
}

/** A number no other test (or earlier run) uses, to recognise the processes a run started. */
export function uniqueMarker(): string {
  return `${process.pid}${Math.floor(Math.random() * 1e6)}`;
}

/** Live (non-zombie) processes whose command line contains `marker`. */
function processesWith(marker: string): string[] {
  const list = execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' });
  return list.split('\n').filter((line) => line.includes(marker) && !line.trimStart().startsWith('Z'));
}

/** Processes still running `marker` after a short grace (the kernel needs a moment to reap). */
export async function survivingProcesses(marker: string, withinMs = 1500): Promise<string[]> {
  for (let waited = 0; ; waited += 100) {
    const found = processesWith(marker);
    if (found.length === 0 || waited >= withinMs) return found;
    await delay(100);
  }
}

/** Waits until a live process has `marker` in its command line; false after `withinMs`. */
export async function processAppears(marker: string, withinMs = 5000): Promise<boolean> {
  for (let waited = 0; waited <= withinMs; waited += 100) {
    if (processesWith(marker).length > 0) return true;
    await delay(100);
  }
  return false;
}

/** Job build folders (`<state>/builds/<pipeline>/<job>`) still on disk. */
export function leftoverBuildDirs(stateDir: string): string[] {
  const builds = join(stateDir, 'builds');
  if (!existsSync(builds)) return [];
  return readdirSync(builds, { recursive: true, encoding: 'utf8' }).filter((p) => p.split(sep).length >= 2);
}

/** What a job's `metadata.json` in the artifact store holds (documented in src/artifacts/artifact-store.ts). */
export interface StoredArtifacts {
  /** The job's folder in the store (holding `artifacts.tar`, `reports/<type>.tar`, `metadata.json`). */
  dir: string;
  job: string;
  jobId: number | null;
  name: string;
  expireIn: string | null;
  archiveEntries: number | null;
  reports: Record<string, string[]>;
  dotenv: { variables: { key: string; value: string }[]; errors: string[] };
}

/** The stored artifacts of every job of every pipeline run with `stateDir`, by job name (later pipelines win). */
export function storedArtifacts(stateDir: string): Map<string, StoredArtifacts> {
  const stored = new Map<string, StoredArtifacts>();
  const pipelines = join(stateDir, 'pipelines');
  if (!existsSync(pipelines)) return stored;
  for (const pipeline of readdirSync(pipelines).sort()) {
    const artifacts = join(pipelines, pipeline, 'artifacts');
    if (!existsSync(artifacts)) continue;
    for (const jobDir of readdirSync(artifacts)) {
      const dir = join(artifacts, jobDir);
      const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as Omit<StoredArtifacts, 'dir'>;
      stored.set(metadata.job, { ...metadata, dir });
    }
  }
  return stored;
}

/** The file paths in a tar archive of the store, without a leading `./`, sorted. */
export function archivePaths(file: string): string[] {
  const listing = execFileSync('tar', ['-tf', file], { encoding: 'utf8' });
  return listing.split('\n').filter((p) => p !== '' && !p.endsWith('/')).map((p) => p.replace(/^\.\//, '')).sort();
}

/** The content of the files of a tar archive of the store, concatenated in archive order. */
export function archiveText(file: string): string {
  return execFileSync('tar', ['-xOf', file], { encoding: 'utf8' });
}

/** Every file and folder of a tree (except `.git`) with a hash of its content, to compare before/after. */
export function snapshotTree(dir: string): Record<string, string> {
  const snapshot: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const rel = relative(dir, path).split(sep).join('/');
    if (rel === '.git' || rel.startsWith('.git/')) continue;
    snapshot[rel] = entry.isFile() ? createHash('sha1').update(readFileSync(path)).digest('hex') : entry.isDirectory() ? 'dir' : 'other';
  }
  return snapshot;
}
