// The shell executor: jobs run on the host, in a copy of the project under glci's state directory
// (or in the project itself with `inPlace`, for `--shell-in-place`). The image: keyword is ignored,
// as GitLab Runner's shell executor ignores it (runner-behavior.md §13).
import { lstat, mkdir, rmdir } from 'node:fs/promises';
import { basename, dirname, join, posix, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { jobBuildRoot } from '../../artifacts/state-paths.js';
import { timeStep } from '../../log/step-timings.js';
import { ExecutorError } from '../../errors.js';
import type { PlannedJob } from '../../model/plan.js';
import { extractArchive, packPaths } from '../../platform/archive.js';
import { type JobRepositoryTemplate, readJobRepositoryTemplate, writeJobRepository } from '../../platform/job-repository.js';
import { listProjectFiles } from '../../platform/project-files.js';
import { relativeInside } from '../../platform/relative-inside.js';
import type { Executor, JobEnvironment, JobIO, PrepareOptions, ScriptStep, ShellOptions, StepOutcome } from '../executor.js';
import { copyCheckout } from './checkout-copy.js';
import { findShell } from './find-shell.js';
import { openInteractiveShell } from './interactive-shell.js';
import { runInProcessGroup } from './process-group.js';
import { removeTree } from './remove-tree.js';

export interface ShellExecutorOptions {
  /** Run jobs in the project directory itself instead of a copy (`--shell-in-place`). */
  inPlace?: boolean;
  /** Force a shell; by default bash, or sh when bash is not installed. */
  shell?: 'bash' | 'sh';
  /** Environment the shell starts with (job variables are exported by the script); default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Time between SIGTERM and SIGKILL when a step times out or is canceled (default 5 s). */
  killGraceMs?: number;
  /** Lists the files of the checkout copy (default: tracked + untracked-not-ignored, platform/project-files). */
  listFiles?: (dir: string) => Promise<string[]>;
  /** What every job of the pipeline copies, found once for the pipeline; without it each job finds it. */
  checkout?: PipelineCheckout;
}

/**
 * The pipeline's checkout as every job copies it (`glci run` makes one per run, app/pipeline-checkout.ts):
 * its files, listed once when the pipeline was created, and the template of the jobs' repositories.
 */
export interface PipelineCheckout {
  sourceDir: string;
  files: readonly string[];
  /** Read once; the caller may have started it before the first job. */
  repository(): Promise<JobRepositoryTemplate | null>;
}

/** What the jobs of one executor (one run) share: the shell found on PATH, each source's repository template. */
interface SharedFacts {
  shell?: Promise<'bash' | 'sh'>;
  templates: Map<string, Promise<JobRepositoryTemplate | null>>;
}

const DEFAULT_KILL_GRACE_MS = 5000;

/** `path` inside `root` (relative to it, `.` for root itself), or null when it points outside. */
function insideRelative(root: string, path: string): string | null {
  const rel = relativeInside(root, path);
  return rel === '' ? '.' : rel;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

interface ShellEnvironmentSpec {
  job: string;
  root: string;
  projectDir: string;
  buildsDir: string;
  tmpDir: string;
  shell: 'bash' | 'sh';
  env: NodeJS.ProcessEnv;
  killGraceMs: number;
  io: JobIO;
}

class ShellEnvironment implements JobEnvironment {
  readonly projectDir: string;
  readonly buildsDir: string;
  readonly tmpDir: string;

  constructor(private readonly spec: ShellEnvironmentSpec) {
    this.projectDir = spec.projectDir;
    this.buildsDir = spec.buildsDir;
    this.tmpDir = spec.tmpDir;
  }

  async run(step: ScriptStep, signal: AbortSignal): Promise<StepOutcome> {
    const cwd = (await exists(this.projectDir)) ? this.projectDir : this.spec.root;
    return runInProcessGroup({
      command: this.spec.shell,
      cwd,
      env: this.spec.env,
      // The shell reads the script from stdin. Its first line gives both streams one pipe, as GitLab
      // Runner's single trace writer: stderr lines stay in the order the script wrote them relative to stdout.
      input: `exec 2>&1\n${step.script}`,
      inputDir: this.tmpDir,
      onOutput: (chunk) => this.spec.io.output(chunk),
      ...(step.timeoutMs !== undefined ? { timeoutMs: step.timeoutMs } : {}),
      signal,
      killGraceMs: this.spec.killGraceMs,
      timing: { job: this.spec.job, step: step.name },
    });
  }

  async openShell(options: ShellOptions): Promise<number> {
    const cwd = (await exists(this.projectDir)) ? this.projectDir : this.spec.root;
    const { tmpDir, env, killGraceMs } = this.spec;
    return openInteractiveShell({ cwd, projectDir: this.projectDir, tmpDir, env, killGraceMs }, options);
  }

  async copyIn(tar: Readable, to: string): Promise<void> {
    const target = resolve(this.projectDir, to);
    try {
      await extractArchive(tar, target);
    } catch (error) {
      throw new ExecutorError('SHELL_COPY_IN', `cannot extract into ${target}: ${String(error)}`, undefined, { cause: error });
    }
  }

  async copyOut(paths: string[]): Promise<Readable> {
    const selected: string[] = [];
    for (const path of paths) {
      const rel = insideRelative(this.projectDir, path);
      if (rel === null) throw new ExecutorError('SHELL_COPY_OUT', `${path} is outside the project directory ${this.projectDir}`);
      const clean = posix.normalize(rel);
      if (!selected.includes(clean) && (await exists(join(this.projectDir, clean)))) selected.push(clean);
    }
    return packPaths(this.projectDir, selected);
  }

  async cleanup(): Promise<void> {
    await removeTree(this.spec.root);
    await rmdir(dirname(this.spec.root)).catch(() => undefined); // the pipeline's builds folder, once empty
  }
}

/** Copies the project's files and writes its repository beside them, at the same time. */
async function fillCopy(job: PlannedJob, prepareOptions: PrepareOptions, projectDir: string, signal: AbortSignal, options: ShellExecutorOptions, shared: SharedFacts): Promise<void> {
  const { sourceDir, stateDir } = prepareOptions;
  const checkout = options.checkout?.sourceDir === sourceDir ? options.checkout : undefined;
  let template = checkout?.repository() ?? shared.templates.get(sourceDir);
  if (!template) {
    template = readJobRepositoryTemplate(sourceDir);
    shared.templates.set(sourceDir, template);
    // A failure fails this job; the next one tries again.
    template.catch(() => shared.templates.delete(sourceDir));
  }
  const step = <T>(name: string, body: () => Promise<T>) => timeStep(job.name, `prepare:${name}`, body);
  const copy = async () => {
    const files = checkout?.files ?? (await step('list', () => (options.listFiles ?? listProjectFiles)(sourceDir)));
    const stateRel = insideRelative(sourceDir, stateDir);
    await step('copy', () => copyCheckout(sourceDir, projectDir, files, stateRel === '.' ? null : stateRel, signal));
  };
  const repository = () => step('git', async () => {
    const shape = await template;
    if (shape) writeJobRepository(projectDir, shape);
  });
  // Both run to their end before a failure is reported, so nothing is still writing when the caller removes the copy.
  const failure = (await Promise.allSettled([copy(), repository()])).find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
}

async function prepare(job: PlannedJob, prepareOptions: PrepareOptions, io: JobIO, signal: AbortSignal, options: ShellExecutorOptions, shared: SharedFacts): Promise<JobEnvironment> {
  const env = options.env ?? process.env;
  shared.shell ??= findShell(options.shell, env.PATH);
  const shell = await shared.shell;
  const inPlace = options.inPlace ?? false;
  const root = jobBuildRoot(prepareOptions.stateDir, prepareOptions.pipelineId, job.name);
  const projectName = basename(prepareOptions.sourceDir);
  const spec: ShellEnvironmentSpec = {
    job: job.name,
    root,
    projectDir: inPlace ? prepareOptions.sourceDir : join(root, projectName),
    buildsDir: inPlace ? dirname(prepareOptions.sourceDir) : root,
    tmpDir: join(root, `${projectName}.tmp`),
    shell,
    env,
    killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    io,
  };
  io.output(Buffer.from(`Using Shell (${shell}) executor...\n`));
  await timeStep(job.name, 'prepare:clean', () => removeTree(root)); // a leftover of an interrupted run
  await mkdir(spec.tmpDir, { recursive: true });
  if (!inPlace) {
    try {
      await fillCopy(job, prepareOptions, spec.projectDir, signal, options, shared);
    } catch (error) {
      await removeTree(root);
      if (signal.aborted) throw new ExecutorError('SHELL_PREPARE_CANCELED', 'preparation of the shell environment was canceled');
      throw new ExecutorError('SHELL_PREPARE', `cannot copy the project into ${spec.projectDir}: ${String(error)}`, undefined, { cause: error });
    }
  }
  return new ShellEnvironment(spec);
}

/** The shell executor (runs job scripts with bash or sh on this machine). */
export function createShellExecutor(options: ShellExecutorOptions = {}): Executor {
  // Facts every job of the executor shares, found once: an executor lives for one run of a pipeline
  // (app/executors.ts makes new ones for each run, a watch loop's too), so they cannot go stale.
  const shared: SharedFacts = { templates: new Map() };
  return {
    name: 'shell',
    prepare: (job, prepareOptions, io, signal) => prepare(job, prepareOptions, io, signal, options, shared),
  };
}
