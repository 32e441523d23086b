// The sources of a job GitLab handed out. The runner keeps a checkout of the project on its host,
// fetched with git from the payload's repo_url (CI_JOB_TOKEN in it, never printed), and every executor
// then delivers that checkout exactly as it delivers the user's project in local runs: the container
// executors build their shallow repository at the job's commit inside get_sources, the shell executor
// copies it. The fetch runs before the executor prepares, because the shell executor copies then; its
// lines are kept and written in the get_sources section, where GitLab Runner writes them.
import { stageAttempts, withAttemptsThrowing } from '../engine/stage-attempts.js';
import type { Executor, JobEnvironment, JobIO, PrepareOptions } from '../executors/executor.js';
import { runnerLine, type RunnerLineKind } from '../log/runner-lines.js';
import type { PlannedJob } from '../model/plan.js';

/** Fetches the job's sources into the runner's checkout, reporting GitLab Runner's lines. */
export type FetchSources = (print: (kind: RunnerLineKind, message: string) => void, signal: AbortSignal) => Promise<void>;

export interface RunnerSourcesOptions {
  fetch: FetchSources;
  /** GitLab's job id: the executors name containers and pods by it, so two jobs of one pipeline never collide. */
  jobId: number;
}

/** `inner` with GitLab's job id and the runner's fetch before prepare. */
export function withRunnerSources(inner: Executor, options: RunnerSourcesOptions): Executor {
  return {
    name: inner.name,
    async prepare(job: PlannedJob, prepare: PrepareOptions, io: JobIO, signal: AbortSignal): Promise<JobEnvironment> {
      const lines: Array<[RunnerLineKind, string]> = [];
      const flush = () => {
        for (const [kind, message] of lines.splice(0)) io.output(Buffer.from(runnerLine(kind, message)));
      };
      try {
        // GET_SOURCES_ATTEMPTS counts these tries, as it counts get_sources in GitLab Runner.
        const { attempts } = stageAttempts(job.variables);
        const print = (kind: RunnerLineKind, message: string) => lines.push([kind, message]);
        await withAttemptsThrowing(attempts.getSources, () => options.fetch(print, signal), () => !signal.aborted, (error) => {
          print('warn', error instanceof Error ? error.message : String(error));
          print('warn', 'Retrying...');
        });
      } catch (error) {
        flush(); // a failed fetch shows what git did before the error
        throw error;
      }
      const env = await inner.prepare(job, { ...prepare, jobId: options.jobId }, io, signal);
      // The container executors print their own get_sources lines from the checkout.
      if (env.getSources) return env;
      return withGetSources(env, async () => flush());
    },
  };
}

/** `env` with a get_sources stage; every other member delegates (the environment may be a class instance). */
function withGetSources(env: JobEnvironment, getSources: () => Promise<void>): JobEnvironment {
  const wrapped: JobEnvironment = {
    get projectDir() {
      return env.projectDir;
    },
    get buildsDir() {
      return env.buildsDir;
    },
    get tmpDir() {
      return env.tmpDir;
    },
    getSources,
    run: (step, signal) => env.run(step, signal),
    copyIn: (tar, to) => env.copyIn(tar, to),
    copyOut: (paths) => env.copyOut(paths),
    cleanup: () => env.cleanup(),
  };
  if (env.openShell) wrapped.openShell = (shellOptions) => (env.openShell as NonNullable<JobEnvironment['openShell']>)(shellOptions);
  return wrapped;
}
