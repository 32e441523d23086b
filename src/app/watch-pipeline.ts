// Use case behind `glci run --watch`: run once, then again on every change set of the project's files.
// A change during a run cancels it gracefully (after_script runs, containers go, through the same
// signals as Ctrl-C) and, once it has finished, starts the next. Each run is planned afresh, so an
// edited .gitlab-ci.yml (or included file) is re-read, and with `changedFiles` = the changed paths, so
// `rules:changes` decides what runs exactly as on a GitLab push of those changes: jobs without
// `changes` run every time, jobs with it only when a changed path matches. A broken configuration is
// shown (as `glci lint` shows it) and the loop waits for the next change instead of exiting.
import { join, resolve } from 'node:path';
import { GlciError, UsageError } from '../errors.js';
import type { ConfigDiagnostic } from '../model/config.js';
import type { PipelineContext } from '../model/plan.js';
import { onInterrupt } from '../platform/signals.js';
import { watchProject, type ProjectWatch, type ProjectWatchOptions } from '../watch/watch-project.js';
import { runPipelineCommand, type RunOptions, type RunOutcome } from './run-pipeline.js';
import { describeChanges, describeCycle, selectForCycle } from './watch-selection.js';

export interface WatchOptions extends RunOptions {
  /** Shows one cycle's error the way the CLI renders errors (FILE:LINE:COLUMN for configuration errors). */
  reportError(error: GlciError): void;
  /** Shows one cycle's configuration warnings. */
  reportWarnings(warnings: readonly ConfigDiagnostic[]): void;
  /** Quiet time that ends a change set (default: the watcher's). */
  debounceMs?: number;
  /** Seams for tests of the loop: one pipeline run, the file watcher, the process receiving signals. */
  runOnce?: (options: RunOptions) => Promise<RunOutcome>;
  watchFiles?: (options: ProjectWatchOptions) => Promise<ProjectWatch>;
  proc?: NodeJS.Process;
}

const EXIT_INTERRUPTED = 130;

export async function watchPipelineCommand(options: WatchOptions): Promise<RunOutcome> {
  if (options.shellOnFailure) {
    throw new UsageError('--watch cannot be combined with --shell-on-failure', 'a debug shell waits for you while files change; run without --watch to debug a job');
  }
  const projectDir = resolve(options.cwd ?? process.cwd());
  const stateDir = options.stateDir ? resolve(options.stateDir) : join(projectDir, '.glci');
  const loop = new WatchLoop(options);
  const watcher = await (options.watchFiles ?? watchProject)({
    projectDir,
    excludeDirs: [stateDir],
    ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
    onChanges: (paths) => loop.changed(paths),
    onError: (error) => options.stderr.write(`watch: ${error.message}\n`),
  });
  const stopListening = onInterrupt({ graceful: () => loop.interrupt(), force: () => loop.force() }, options.proc);
  try {
    await loop.run();
  } finally {
    stopListening();
    await watcher.close();
  }
  return { exitCode: EXIT_INTERRUPTED, result: null, warnings: [] };
}

interface CurrentRun {
  graceful: AbortController;
  force: AbortController;
}

class WatchLoop {
  /** Changes seen since the current (or last) run started. */
  private readonly pending = new Set<string>();
  /**
   * Changes no run has completed for yet: a canceled or broken run owes its changes to the next one.
   * Undefined while the first run (the whole pipeline, as without --watch) is still owed.
   */
  private owed: string[] | undefined = undefined;
  private current: CurrentRun | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private lastPipelineId = 0;

  constructor(private readonly options: WatchOptions) {}

  /** A change set from the watcher. */
  changed(paths: readonly string[]): void {
    for (const path of paths) this.pending.add(path);
    if (this.current && !this.current.graceful.signal.aborted && !this.stopped) {
      this.say(`${describeChanges(paths)}; canceling the running pipeline`);
      this.current.graceful.abort();
    }
    this.wake?.();
  }

  /** First Ctrl-C: the running pipeline stops gracefully, then the loop ends. */
  interrupt(): void {
    this.stopped = true;
    if (this.current) {
      this.options.stderr.write('\nStopping jobs gracefully (after_script runs); press Ctrl-C again to force\n');
      this.current.graceful.abort();
    }
    this.wake?.();
  }

  /** Second Ctrl-C. */
  force(): void {
    this.current?.force.abort();
  }

  async run(): Promise<void> {
    let changed: string[] | undefined = undefined;
    while (!this.stopped) {
      const completed = await this.cycle(changed);
      if (this.stopped) break;
      if (this.pending.size === 0) this.say(completed ? 'watch: waiting for changes (Ctrl-C to stop)' : 'watch: waiting for a change that fixes it (Ctrl-C to stop)');
      await this.nextChange();
      if (this.stopped) break;
      changed = this.owed === undefined ? undefined : [...new Set([...this.owed, ...this.pending])].sort();
      this.pending.clear();
    }
  }

  /** One run; true when it completed (passed or failed), false when canceled or broken. */
  private async cycle(changed: string[] | undefined): Promise<boolean> {
    const current = { graceful: new AbortController(), force: new AbortController() };
    this.current = current;
    let described = false;
    try {
      const outcome = await (this.options.runOnce ?? runPipelineCommand)({
        ...this.options,
        cycle: {
          context: (ctx) => this.contextFor(ctx, changed),
          select: (planned) => {
            const selected = selectForCycle(planned, this.options.jobs, this.options.withNeeds);
            this.say(describeCycle(changed, selected?.plan.jobs.map((j) => j.name) ?? []));
            described = true;
            return selected;
          },
          signal: current.graceful.signal,
          forceSignal: current.force.signal,
        },
      });
      // No pipeline at all (every job's rules left it out): run-pipeline said why, the cycle line says what changed.
      if (!described) this.say(describeCycle(changed, []));
      this.options.reportWarnings(outcome.warnings);
      // The outcome, not the signal: a change arriving just after the engine finished aborts nothing.
      const completed = outcome.exitCode !== EXIT_INTERRUPTED;
      this.owed = completed ? [] : changed;
      return completed;
    } catch (error) {
      // Bugs still end the loop; what the user can fix (config, usage, system) is shown and waited out.
      if (!(error instanceof GlciError)) throw error;
      this.options.reportError(error);
      this.owed = changed;
      return false;
    } finally {
      this.current = null;
    }
  }

  /** Fresh pipeline ids even for two runs within one second: builds and artifacts are stored per id. */
  private contextFor(ctx: PipelineContext, changed: string[] | undefined): PipelineContext {
    const pipelineId = Math.max(ctx.pipelineId, this.lastPipelineId + 1);
    this.lastPipelineId = pipelineId;
    return { ...ctx, pipelineId, ...(changed !== undefined ? { changedFiles: changed } : {}) };
  }

  private nextChange(): Promise<void> {
    if (this.pending.size > 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
    });
  }

  private say(line: string): void {
    this.options.stderr.write(`${line}\n`);
  }
}
