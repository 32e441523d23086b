// The real gitlab-runner binary, built from the upstream Go module by ./gitlab-runner/build.sh,
// for the round-trip test that holds the coordinator double to what GitLab Runner itself sends.
// When the Go module proxy refuses a module the build needs, ensureGitLabRunner() throws
// GitLabRunnerUnavailable with the refusals, so that test can skip and say why.
import { fileURLToPath } from 'node:url';
import { runSetupOnce, setupError, type SetupResult } from './setup-script.js';

/** The idempotent, lock-protected build script this module runs (see its header). */
export const gitLabRunnerBuildScript = fileURLToPath(new URL('./gitlab-runner/build.sh', import.meta.url));

/**
 * A cold build compiles GitLab Runner and its dependencies (cloud SDKs, client-go): minutes on the
 * 2-core test machines, plus the module downloads. A beforeAll that calls ensureGitLabRunner
 * needs a timeout at least this long.
 */
export const gitLabRunnerSetupTimeoutMs = 30 * 60_000;

/** The script's exit status for "the module proxy refuses a module the build needs". */
const UNAVAILABLE_EXIT_CODE = 3;

/** gitlab-runner cannot be built here; `refusals` are the registry's answers (`MODULE@VERSION: STATUS`). */
export class GitLabRunnerUnavailable extends Error {
  readonly refusals: readonly string[];

  constructor(refusals: readonly string[]) {
    super(`gitlab-runner cannot be built here: the Go module proxy refuses ${refusals.join('; ')}`);
    this.name = 'GitLabRunnerUnavailable';
    this.refusals = refusals;
  }
}

/**
 * The path of the built gitlab-runner binary, building it first when the cache has none. Runs the
 * script at most once per process; concurrent callers share that run, and a failed run is
 * forgotten so a later call can try again. Throws GitLabRunnerUnavailable when the proxy refuses
 * a dependency, and a plain Error (with the script's output) for any other failure.
 */
export function ensureGitLabRunner(): Promise<string> {
  return runSetupOnce(gitLabRunnerBuildScript, gitLabRunnerSetupTimeoutMs, binaryOf);
}

/** `MODULE@VERSION: STATUS` for each `UNAVAILABLE:` line the script printed on stderr. */
export function refusalsOf(stderr: string): string[] {
  const refusals: string[] = [];
  for (const line of stderr.split('\n')) {
    const match = /UNAVAILABLE: (.+)$/.exec(line);
    if (match?.[1]) refusals.push(match[1].trim());
  }
  return refusals;
}

function binaryOf(result: SetupResult): string {
  if (result.exitCode === UNAVAILABLE_EXIT_CODE && !result.timedOut) {
    const refusals = refusalsOf(result.stderr);
    throw new GitLabRunnerUnavailable(refusals.length > 0 ? refusals : [result.stderr.trim() || 'no reason given']);
  }
  const binary = result.stdout.trim().split('\n').pop() ?? '';
  if (result.failed || !binary.endsWith('/gitlab-runner')) {
    throw setupError('building gitlab-runner', gitLabRunnerBuildScript, gitLabRunnerSetupTimeoutMs, result);
  }
  return binary;
}
