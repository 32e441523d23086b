// The `glci run --watch` loop with fakes for the pipeline run, the watcher and the signals: which
// changed files each run gets, that a change cancels the running run and the next starts only once it
// has finished, that a canceled or broken run's changes are owed to the next, and how Ctrl-C ends it.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { watchPipelineCommand, type WatchOptions } from '../../src/app/watch-pipeline.js';
import type { RunOptions, RunOutcome } from '../../src/app/run-pipeline.js';
import { ConfigError, type GlciError } from '../../src/errors.js';
import type { PipelineContext, Plan } from '../../src/model/plan.js';

interface FakeRun {
  changedFiles: readonly string[] | null;
  signal: AbortSignal;
  forceSignal: AbortSignal;
  finish(): void;
  fail(error: unknown): void;
}

function harness() {
  const runs: FakeRun[] = [];
  const errors: GlciError[] = [];
  let stderr = '';
  let emit: (paths: string[]) => void = () => undefined;
  let closed = false;
  const proc = new EventEmitter();
  const plan = { jobs: [{ name: 'job', baseName: 'job' }], excluded: [], stages: ['test'] } as unknown as Plan;
  const runOnce = (options: RunOptions): Promise<RunOutcome> => {
    const cycle = options.cycle!;
    const ctx = cycle.context({ pipelineId: 1, changedFiles: null } as unknown as PipelineContext);
    cycle.select(plan);
    return new Promise((resolve, reject) => {
      runs.push({
        changedFiles: ctx.changedFiles,
        signal: cycle.signal,
        forceSignal: cycle.forceSignal,
        finish: () => resolve({ exitCode: cycle.signal.aborted ? 130 : 0, result: null, warnings: [] }),
        fail: reject,
      });
    });
  };
  const options: WatchOptions = {
    file: '.gitlab-ci.yml',
    jobs: [],
    withNeeds: false,
    format: 'plain',
    stdout: { write: () => true },
    stderr: { write: (text: string) => ((stderr += text), true) },
    env: {},
    cwd: '/project',
    reportError: (error) => errors.push(error),
    reportWarnings: () => undefined,
    runOnce,
    watchFiles: async (watch) => {
      emit = watch.onChanges;
      return { close: async () => void (closed = true) };
    },
    proc: proc as unknown as NodeJS.Process,
  };
  const done = watchPipelineCommand(options);
  return {
    runs,
    errors,
    done,
    change: (...paths: string[]) => emit(paths),
    signal: (name: NodeJS.Signals) => proc.emit(name, name),
    stderr: () => stderr,
    closed: () => closed,
    runCount: (n: number) => vi.waitFor(() => expect(runs).toHaveLength(n), { timeout: 5000 }),
    idleCount: (n: number) => vi.waitFor(() => expect(stderr.split('watch: waiting for changes')).toHaveLength(n + 1), { timeout: 5000 }),
    said: (text: string) => vi.waitFor(() => expect(stderr).toContain(text), { timeout: 5000 }),
  };
}

describe('the watch loop', () => {
  it('cancels a run on a change, waits for it, and owes its changes to the next run', async () => {
    const h = harness();
    await h.runCount(1);
    expect(h.runs[0]!.changedFiles).toBeNull();
    h.runs[0]!.finish();
    await h.said('watch: waiting for changes');

    h.change('a.txt');
    await h.runCount(2);
    expect(h.runs[1]!.changedFiles).toEqual(['a.txt']);
    h.change('b.txt');
    expect(h.runs[1]!.signal.aborted).toBe(true);
    expect(h.runs[1]!.forceSignal.aborted).toBe(false);
    await h.said('watch: changed b.txt; canceling the running pipeline');
    // The next run waits until the canceled one has finished (after_script, cleanup).
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.runs).toHaveLength(2);
    h.runs[1]!.finish();
    await h.runCount(3);
    expect(h.runs[2]!.changedFiles).toEqual(['a.txt', 'b.txt']);
    h.runs[2]!.finish();
    await h.idleCount(2);

    h.change('.gitlab-ci.yml');
    await h.runCount(4);
    h.runs[3]!.fail(ConfigError.at({ file: '.gitlab-ci.yml', line: 3, column: 1 }, 'broken'));
    await h.said('watch: waiting for a change that fixes it');
    expect(h.errors.map((e) => e.message)).toEqual(['.gitlab-ci.yml:3:1: broken']);
    h.change('.gitlab-ci.yml', 'c.txt');
    await h.runCount(5);
    expect(h.runs[4]!.changedFiles).toEqual(['.gitlab-ci.yml', 'c.txt']);
    h.runs[4]!.finish();
    await h.idleCount(3);

    h.signal('SIGINT');
    await expect(h.done).resolves.toMatchObject({ exitCode: 130 });
    expect(h.closed()).toBe(true);
    expect(h.runs).toHaveLength(5);
  });

  it('on Ctrl-C stops the running pipeline gracefully, forces on the second, then ends with 130', async () => {
    const h = harness();
    await h.runCount(1);
    h.signal('SIGINT');
    expect(h.runs[0]!.signal.aborted).toBe(true);
    expect(h.stderr()).toContain('Stopping jobs gracefully');
    h.signal('SIGINT');
    expect(h.runs[0]!.forceSignal.aborted).toBe(true);
    h.change('late.txt');
    h.runs[0]!.finish();
    await expect(h.done).resolves.toMatchObject({ exitCode: 130 });
    expect(h.runs).toHaveLength(1);
  });
});
