import { execa } from 'execa';

/**
 * Runs one of the bash setup scripts next to this file: stdin closed (they never wait for input),
 * stdout and stderr kept apart and interleaved (`all`), and every outcome (failure, timeout) a result.
 */
export function runSetupScript(script: string, args: readonly string[], timeoutMs: number) {
  return execa('bash', [script, ...args], { stdin: 'ignore', all: true, reject: false, timeout: timeoutMs });
}

export type SetupResult = Awaited<ReturnType<typeof runSetupScript>>;

/** `WHAT (SCRIPT) failed: <timeout or exit code>`, then `output` (by default all the script printed). */
export function setupError(what: string, script: string, timeoutMs: number, result: SetupResult, output: string = result.all): Error {
  const reason = result.timedOut ? `timed out after ${timeoutMs} ms` : `exit code ${String(result.exitCode)}`;
  return new Error(`${what} (${script}) failed: ${reason}\n${output}`);
}

const runs = new Map<string, Promise<unknown>>();

/**
 * Runs `script` (no arguments) at most once per process and resolves to what `accept` makes of its
 * result. Concurrent callers share that run, and a failed run (`accept` throws) is forgotten so a
 * later call can try again. The `accept` of the call that starts a run is the one applied: each
 * script has one caller, the module that wraps it.
 */
export function runSetupOnce<T>(script: string, timeoutMs: number, accept: (result: SetupResult) => T): Promise<T> {
  let run = runs.get(script) as Promise<T> | undefined;
  if (run === undefined) {
    run = runSetupScript(script, [], timeoutMs)
      .then(accept)
      .catch((error: unknown) => {
        runs.delete(script);
        throw error;
      });
    runs.set(script, run);
  }
  return run;
}
