// Helpers of the executor contract suite: a sample project, a job factory, an output collector and
// process checks. Nothing here knows which executor runs the job.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { Executor, JobEnvironment, JobIO, ScriptStep, StepOutcome } from '../../src/executors/executor.js';
import type { JobVariable, PlannedJob } from '../../src/model/plan.js';
import { generateStepScript, type ScriptJobStatus } from '../../src/script/step-script.js';
import { plannedJob, variable } from '../support/planned-job.js';

export const README = 'sample project for the executor contract\n';
export const UNICODE_NAME = 'dir with space/ünï cødé.txt';
export const UNICODE_CONTENT = "ünïcødé ✓ it's \"quoted\" $HOME\n";

/** A throwaway project (not a git repository) and state directory. */
export function createWorkspace(): { root: string; sourceDir: string; stateDir: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'glci-contract-'));
  const sourceDir = join(root, 'sample-project');
  mkdirSync(join(sourceDir, 'dir with space'), { recursive: true });
  writeFileSync(join(sourceDir, 'README.md'), README);
  writeFileSync(join(sourceDir, UNICODE_NAME), UNICODE_CONTENT);
  return { root, sourceDir, stateDir: join(root, 'state'), dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export { variable };

export function testJob(name: string, overrides: Partial<PlannedJob> = {}): PlannedJob {
  return plannedJob(name, { variables: [variable('CI_JOB_NAME', name), variable('CI_COMMIT_REF_NAME', 'main')], ...overrides });
}

/** Collects a job's output bytes. */
export class OutputCollector implements JobIO {
  private readonly chunks: Buffer[] = [];
  output(chunk: Uint8Array): void {
    this.chunks.push(Buffer.from(chunk));
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface PreparedJob {
  env: JobEnvironment;
  io: OutputCollector;
  job: PlannedJob;
  /** Generates the step's script (bash shape, POSIX body) and runs it. */
  run(
    commands: string[],
    options?: { step?: 'step_script' | 'after_script'; variables?: JobVariable[]; jobStatus?: ScriptJobStatus; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<StepOutcome>;
}

export async function prepareJob(executor: Executor, job: PlannedJob, workspace: { sourceDir: string; stateDir: string }, jobId: number, pipelineId = 7): Promise<PreparedJob> {
  const io = new OutputCollector();
  const signal = new AbortController().signal;
  const env = await executor.prepare(job, { sourceDir: workspace.sourceDir, stateDir: workspace.stateDir, pipelineId, jobId }, io, signal);
  // As the engine does in get_sources, for executors that deliver the project themselves.
  try {
    await env.getSources?.(signal);
  } catch (error) {
    await env.cleanup();
    throw error;
  }
  return {
    env,
    io,
    job,
    run: (commands, options = {}) => {
      const step = options.step ?? 'step_script';
      const script = generateStepScript({
        step,
        commands,
        variables: [...job.variables, ...(options.variables ?? [])],
        projectDir: env.projectDir,
        tmpDir: env.tmpDir,
        shell: 'bash',
        ...(options.jobStatus ? { jobStatus: options.jobStatus } : {}),
      });
      const scriptStep: ScriptStep = { name: step, script, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) };
      return env.run(scriptStep, options.signal ?? new AbortController().signal);
    },
  };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** A `sleep` argument no other process on this machine is likely to use. */
export function uniqueSleepSeconds(): number {
  return 31000 + Math.floor(Math.random() * 60000);
}

function processList(): string {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
}

/** True once no process runs `sleep <seconds>`; polls for up to `withinMs`. */
export async function sleepIsGone(seconds: number, withinMs = 3000): Promise<boolean> {
  const needle = new RegExp(`(^|/)sleep ${seconds}\\b`, 'm');
  for (let waited = 0; ; waited += 100) {
    if (!needle.test(processList())) return true;
    if (waited >= withinMs) return false;
    await delay(100);
  }
}

/** True once a process runs `sleep <seconds>`; polls for up to `withinMs`. */
export async function sleepIsRunning(seconds: number, withinMs = 10000): Promise<boolean> {
  const needle = new RegExp(`(^|/)sleep ${seconds}\\b`, 'm');
  for (let waited = 0; ; waited += 100) {
    if (needle.test(processList())) return true;
    if (waited >= withinMs) return false;
    await delay(100);
  }
}
