// How many times GitLab Runner tries the stages that reach the network (runner-behavior.md §1.1):
// GET_SOURCES_ATTEMPTS, RESTORE_CACHE_ATTEMPTS and ARTIFACT_DOWNLOAD_ATTEMPTS, 1 by default. As in
// GitLab Runner's build settings, a value that is not an integer is the default and one outside 1–10
// is clamped, each with a warning worded as GitLab Runner words it. Pure.

export interface StageAttempts {
  getSources: number;
  restoreCache: number;
  downloadArtifacts: number;
}

const MIN_ATTEMPTS = 1;
const MAX_ATTEMPTS = 10;

function attemptsOf(values: ReadonlyMap<string, string>, name: string, warnings: string[]): number {
  const raw = values.get(name) ?? '';
  if (raw === '') return MIN_ATTEMPTS;
  if (!/^[+-]?\d+$/.test(raw.trim())) {
    warnings.push(`${name}: expected int got ${JSON.stringify(raw)}, using default value: ${MIN_ATTEMPTS}`);
    return MIN_ATTEMPTS;
  }
  const parsed = Number(raw.trim());
  const clamped = Math.max(MIN_ATTEMPTS, Math.min(MAX_ATTEMPTS, parsed));
  if (clamped !== parsed) warnings.push(`${name}: number of attempts out of the range [${MIN_ATTEMPTS}, ${MAX_ATTEMPTS}], clamping to: ${clamped}`);
  return clamped;
}

/** The attempts of each stage from the job's variables (later entries win), and what was wrong with them. */
export function stageAttempts(variables: readonly { key: string; value: string }[]): { attempts: StageAttempts; warnings: string[] } {
  const values = new Map(variables.map((v) => [v.key, v.value]));
  const warnings: string[] = [];
  const attempts = {
    getSources: attemptsOf(values, 'GET_SOURCES_ATTEMPTS', warnings),
    downloadArtifacts: attemptsOf(values, 'ARTIFACT_DOWNLOAD_ATTEMPTS', warnings),
    restoreCache: attemptsOf(values, 'RESTORE_CACHE_ATTEMPTS', warnings),
  };
  return { attempts, warnings };
}

/**
 * Runs `attempt` up to `times` times until it succeeds, saying `Retrying...` (GitLab Runner's build log
 * line) before each new try; `again()` says whether a failed try may be repeated (not after a cancel).
 */
export async function withAttempts(times: number, attempt: () => Promise<boolean>, again: () => boolean, retrying: () => void): Promise<boolean> {
  for (let n = 1; ; n++) {
    if (await attempt()) return true;
    if (n >= times || !again()) return false;
    retrying();
  }
}

/** `body` run up to `times` times while it throws and `again()` allows; the last error is thrown. */
export async function withAttemptsThrowing(times: number, body: () => Promise<void>, again: () => boolean, retrying: (error: unknown) => void): Promise<void> {
  for (let n = 1; ; n++) {
    try {
      return await body();
    } catch (error) {
      if (n >= times || !again()) throw error;
      retrying(error);
    }
  }
}
