// PlannedJob step → the bash/sh script GitLab Runner pipes to the shell's stdin (runner-behavior.md §1.3,
// gitlab-runner shells/bash.go and shells/abstract.go). Pure: the executor only runs the text.
//
// Shape (one stage):
//   prelude: TERM trap, errexit + pipefail, noclobber off, then the body eval'ed in a subshell whose
//            stdin is /dev/null (stdin of the shell is the script itself);
//   body:    export every variable (file variables written under tmpDir), GITLAB_ENV, cd to the project
//            dir, then each command echoed in bold green (`$ cmd`) before it runs.
// before_script + script are one step (one shell): pass them concatenated as `commands`.
import type { JobVariable } from '../model/plan.js';
import { expandRunnerVariables, isGoTrue } from '../variables/index.js';
import { shellQuote, shellWord } from './shell-quote.js';

export type ScriptStepName = 'step_script' | 'after_script' | 'pre_get_sources' | 'post_get_sources';

/** `CI_JOB_STATUS` values the runner sets (runner-behavior.md §1.1). */
export type ScriptJobStatus = 'running' | 'success' | 'failed' | 'canceled' | 'timedout';

export interface StepScriptOptions {
  step: ScriptStepName;
  /** The step's commands as written (multi-line commands are single entries). */
  commands: readonly string[];
  /** The job's variables after GitLab-side expansion; the runner expansion happens here. */
  variables: readonly JobVariable[];
  /** CI_PROJECT_DIR as the job sees it; every step starts there. */
  projectDir: string;
  /** Where file-type variables and GITLAB_ENV are written (the runner's `<project dir>.tmp`). */
  tmpDir: string;
  shell: 'bash' | 'sh';
  /** CI_JOB_STATUS for this step; defaults to `running` (after_script: `success`). */
  jobStatus?: ScriptJobStatus;
}

const NOTICE = "printf '\\033[32;1m%s\\033[0;m\\n'";
const GITLAB_ENV_FILE = 'gitlab_runner_env';

/** The complete script for one step, ready to be written to the shell's stdin. */
export function generateStepScript(options: StepScriptOptions): string {
  const variables = withJobStatus(expandRunnerVariables(options.variables), options);
  const body = [
    ...exportLines(variables, options.tmpDir),
    // Before the sources arrive, the project dir may not exist yet.
    ...(options.step === 'pre_get_sources' ? [ensureDir(options.projectDir)] : []),
    `cd ${shellQuote(options.projectDir)}`,
    ...(options.step === 'after_script' ? [`${NOTICE} ${shellQuote('Running after script...')}`] : []),
    ...commandLines(options.commands),
  ];
  const trace = variables.some((v) => v.key === 'CI_DEBUG_TRACE' && isGoTrue(v.value));
  return [
    `#!/usr/bin/env ${options.shell}`,
    '',
    "trap 'exit 1' TERM",
    '',
    ...(trace ? ['set -o xtrace'] : []),
    'case "$(set -o)" in *"pipefail"*) set -o pipefail;; esac; set -o errexit',
    'set +o noclobber',
    `(trap 'exit 1' TERM; eval ${shellQuote(body.join('\n') + '\n')}) < /dev/null`,
    'exit 0',
    '',
  ].join('\n');
}

/**
 * The runner exports `CI_JOB_STATUS=running` before the job's own variables and overwrites it in place
 * for after_script (gitlab-runner common/build.go GetDefaultVariables, `OverwriteKey`).
 */
function withJobStatus(variables: JobVariable[], options: StepScriptOptions): JobVariable[] {
  const explicit = options.jobStatus ?? (options.step === 'after_script' ? 'success' : undefined);
  const status: JobVariable = { key: 'CI_JOB_STATUS', value: explicit ?? 'running', public: true, masked: false, file: false, raw: true };
  if (explicit === undefined) return [status, ...variables];
  const replaced = variables.map((v) => (v.key === 'CI_JOB_STATUS' ? { ...v, value: explicit, file: false } : v));
  return replaced.some((v) => v.key === 'CI_JOB_STATUS') ? replaced : [status, ...replaced];
}

/**
 * The runner's `mkdir -p DIR` without a process when DIR is there already (the shell executor makes the
 * tmp dir before the first step): `[` is a builtin of bash and sh, mkdir is not, and each process
 * started costs the step milliseconds.
 */
function ensureDir(dir: string): string {
  return `[ -d ${shellQuote(dir)} ] || mkdir -p ${shellQuote(dir)}`;
}

/** `BashWriter.Variable` for each variable, then GITLAB_ENV set up and sourced (`writeExports`). */
function exportLines(variables: readonly JobVariable[], tmpDir: string): string[] {
  const lines: string[] = [];
  for (const v of variables) {
    if (v.file) {
      const path = `${tmpDir}/${v.key}`;
      lines.push(ensureDir(tmpDir));
      lines.push(`printf '%s' ${shellQuote(v.value)} > ${shellQuote(path)}`);
      lines.push(`export ${shellWord(v.key)}=${shellQuote(path)}`);
    } else {
      lines.push(`export ${shellWord(v.key)}=${shellQuote(v.value)}`);
    }
  }
  const envFile = `${tmpDir}/${GITLAB_ENV_FILE}`;
  lines.push(`export GITLAB_ENV=${shellQuote(envFile)}`);
  lines.push(ensureDir(tmpDir));
  // The runner's `touch FILE` as a builtin: creates the file when missing, leaves its contents alone.
  lines.push(`: >> ${shellQuote(envFile)}`);
  lines.push(`while read -r line; do export "$line"; done < ${shellQuote(envFile)}`);
  return lines;
}

/** `writeCommands`: trimmed, echoed as `$ cmd` (multi-line: first line + `# collapsed multi-line command`). */
function commandLines(commands: readonly string[]): string[] {
  const lines: string[] = [];
  for (const raw of commands) {
    const command = raw.trim();
    if (command === '') {
      lines.push('echo', '');
      continue;
    }
    const newline = command.indexOf('\n');
    const shown = newline === -1 ? command : `${command.slice(0, newline)} # collapsed multi-line command`;
    lines.push(`${NOTICE} ${shellQuote(`$ ${shown}`)}`);
    lines.push(command);
  }
  return lines;
}
