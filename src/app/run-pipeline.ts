// Use case behind `glci run`: plan the pipeline for the checkout, narrow it to the named jobs, run it
// on the chosen executor with the chosen reporter, and map the result to an exit status.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GlciError } from '../errors.js';
import type { ConfigDiagnostic } from '../model/config.js';
import type { PipelineResult } from '../model/events.js';
import type { PipelineContext } from '../model/plan.js';
import { exitCodeFor, hasSystemFailure, runPipeline } from '../engine/index.js';
import { planPipeline } from '../planner/index.js';
import { createJsonReporter, createPlainReporter, fanOut, type OutputStream } from '../reporters/index.js';
import { onInterrupt } from '../platform/signals.js';
import { chooseExecutor, defaultConcurrency } from './executors.js';
import { createJobServices } from './job-services.js';
import { loadProjectConfig } from './load-config.js';
import { maskingErrors } from './mask-errors.js';
import { buildPipelineContext, type ContextOptions } from './pipeline-context.js';
import { selectJobs } from './select-jobs.js';

export interface RunOptions extends ContextOptions {
  file: string;
  /** Job names to run; empty = the whole pipeline. */
  jobs: readonly string[];
  /** Also run what the named jobs need, transitively. */
  withNeeds: boolean;
  executor?: string;
  concurrency?: number;
  timeoutSeconds?: number;
  shellInPlace?: boolean;
  /** Copy each job's artifacts into the user's project (GitLab never does; gitlab-ci-local users expect it). */
  artifactsToSource?: boolean;
  /** Where builds, caches and artifacts live; default `<project>/.glci`. */
  stateDir?: string;
  format: 'plain' | 'json';
  stdout: OutputStream;
  /** Diagnostics and notices for humans. */
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
}

export interface RunOutcome {
  exitCode: number;
  result: PipelineResult | null;
  warnings: ConfigDiagnostic[];
}

const EXIT_SYSTEM_FAILURE = 3;

/**
 * The state directory holds a `.gitignore` of `*` so it never shows in `git status` nor in a job's
 * copy of the project, without glci editing the user's own .gitignore.
 */
async function prepareStateDir(stateDir: string): Promise<void> {
  try {
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, '.gitignore'), '# created by glci: builds, caches and artifacts of local runs\n*\n', { flag: 'w' });
  } catch (error) {
    // A system problem, not a glci bug: exit status 3 with the cause, before any job starts.
    const reason = error instanceof Error ? error.message : String(error);
    throw new GlciError('system', 'STATE_DIR', `cannot prepare the state directory ${stateDir}: ${reason}`, '--state-dir must name a folder glci can create and write to');
  }
}

export async function runPipelineCommand(options: RunOptions): Promise<RunOutcome> {
  const ctx = await buildPipelineContext(options);
  return maskingErrors(ctx, () => runInContext(ctx, options));
}

async function runInContext(ctx: PipelineContext, options: RunOptions): Promise<RunOutcome> {
  const config = await loadProjectConfig(ctx, options.file);
  const planned = planPipeline(config, ctx);
  if (planned.notCreatedReason) {
    options.stderr.write(`No pipeline: ${planned.notCreatedReason}\n`);
    return { exitCode: 0, result: null, warnings: config.warnings };
  }
  const { plan, played } = selectJobs(planned, { names: options.jobs, withNeeds: options.withNeeds });
  const choice = chooseExecutor({ name: options.executor, shellInPlace: options.shellInPlace ?? false }, plan);
  if (options.executor === undefined) options.stderr.write(`Using the ${choice.reason}\n`);
  const stateDir = options.stateDir ?? join(ctx.projectDir, '.glci');
  await prepareStateDir(stateDir);
  const reporter = options.format === 'json'
    ? createJsonReporter({ stream: options.stdout })
    : createPlainReporter({ stream: options.stdout, env: options.env });
  const graceful = new AbortController();
  const force = new AbortController();
  const stopListening = onInterrupt({
    graceful: () => {
      options.stderr.write('\nStopping jobs gracefully (after_script runs); press Ctrl-C again to force\n');
      graceful.abort();
    },
    force: () => force.abort(),
  });
  try {
    const result = await runPipeline(plan, {
      executor: choice.executor,
      services: createJobServices({
        stateDir,
        pipelineId: ctx.pipelineId,
        trackedFiles: ctx.files,
        ...(options.artifactsToSource ? { artifactsToSource: ctx.projectDir } : {}),
      }),
      concurrency: options.concurrency ?? defaultConcurrency(),
      defaultTimeoutSeconds: options.timeoutSeconds ?? 3600,
      stateDir,
      sourceDir: ctx.projectDir,
      pipelineId: ctx.pipelineId,
      signal: graceful.signal,
      forceSignal: force.signal,
      observer: fanOut([reporter]),
      playJobs: [...played, ...ctx.playedManualJobs],
      userVariableKeys: Object.keys(ctx.userVariables),
    });
    const exitCode = graceful.signal.aborted ? 130 : hasSystemFailure(result) ? EXIT_SYSTEM_FAILURE : exitCodeFor(result);
    return { exitCode, result, warnings: config.warnings };
  } finally {
    stopListening();
  }
}
