// What an interactive shell in a job's environment starts with, the same for every executor: the job's
// variables exported the way its scripts export them (script/step-script.ts `exportLines`, GitLab
// Runner's `writeExports`), so the shell sees what the failed script saw.
import type { JobVariable } from '../model/plan.js';
import { expandRunnerVariables, maskText } from '../variables/index.js';

/** The runner's GITLAB_ENV file in the job's temporary dir (the step script's GITLAB_ENV_FILE). */
const GITLAB_ENV_FILE = 'gitlab_runner_env';

export interface ShellVariables {
  /** Name → value as exported (later definitions win); a file-type variable holds its file's path. */
  env: Record<string, string>;
  /** File-type variables: the files to (re)write before the shell starts, names relative to tmpDir. */
  files: { name: string; content: string }[];
}

/** The job's variables, runner-expanded, as a shell environment (file variables as files under `tmpDir`). */
export function shellVariables(variables: readonly JobVariable[], tmpDir: string): ShellVariables {
  const env: Record<string, string> = {};
  const files = new Map<string, string>();
  for (const v of expandRunnerVariables(variables)) {
    if (v.file) {
      files.set(v.key, v.value);
      env[v.key] = `${tmpDir}/${v.key}`;
    } else {
      env[v.key] = v.value;
    }
  }
  env.GITLAB_ENV = `${tmpDir}/${GITLAB_ENV_FILE}`;
  return { env, files: [...files].map(([name, content]) => ({ name, content })) };
}

/**
 * POSIX sh lines that export what the job wrote to GITLAB_ENV, as every later script of the job does
 * (`while read -r line; do export "$line"; done`); blank lines are skipped so sh prints no error.
 */
export const SOURCE_GITLAB_ENV = [
  'if [ -f "$GITLAB_ENV" ]; then',
  '  while read -r line; do [ -n "$line" ] && export "$line"; done < "$GITLAB_ENV"',
  'fi',
].join('\n');

/** The line printed before the shell takes the terminal; masked values never appear in it. */
export function shellBanner(what: string, projectDir: string, variables: readonly JobVariable[]): string {
  const secrets = variables.filter((v) => v.masked).map((v) => v.value);
  const text = `${what} in ${projectDir}, with the job's variables. Type exit to leave; the job's environment is removed then.`;
  return `\n${maskText(text, secrets)}\n`;
}
