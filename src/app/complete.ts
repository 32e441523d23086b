// Use case behind the hidden `glci __complete`: the candidates for the word being completed, one per
// line, for the completion scripts of `glci completion`. It runs on every Tab press, so it must be
// quiet and never fail: a broken .gitlab-ci.yml (or no project at all) just means no job names.
import { analyseCompletion, type CompletionCommand } from './completion-candidates.js';
import { bashReplacement, lexBashLine } from './completion-line.js';
import { listJobs } from './list-jobs.js';
import { loadProjectSettings } from './project-settings.js';
import type { ContextOptions } from './pipeline-context.js';

export type { CompletionCommand, CompletionFlag } from './completion-candidates.js';

type Env = Readonly<Record<string, string | undefined>>;
type FlagValues = Readonly<Record<string, readonly string[]>>;

export interface CompleteOptions {
  commands: readonly CompletionCommand[];
  env: Env;
  /** The pipeline's job names for the flags on the line (`all`: excluded ones too); default: plan it as `glci list` does. */
  jobNames?: (flags: FlagValues, env: Env, all?: boolean) => Promise<string[]>;
  /** The presets of .glci.yml; default: read it from the project directory. */
  presetNames?: (flags: FlagValues, env: Env) => Promise<string[]>;
}

/** The last value of a flag on the line, else its GLCI_* variable (as oclif would read it). */
function flagValue(flags: FlagValues, env: Env, name: string): string | undefined {
  return flags[name]?.at(-1) ?? env[`GLCI_${name.toUpperCase().replace(/-/g, '_')}`];
}

function contextFrom(flags: FlagValues, env: Env): ContextOptions & { file: string } {
  const value = (name: string) => flagValue(flags, env, name);
  // The flags that decide which pipeline (and so which jobs) there is; the rest keep their defaults.
  const entries: [keyof ContextOptions, string | undefined][] = [
    ['cwd', value('cwd')],
    ['source', value('source')],
    ['pipelineSource', value('pipeline-source')],
    ['branch', value('branch')],
    ['tag', value('tag')],
    ['mrSourceBranch', value('mr-source') ?? value('mr-source-branch')],
    ['mrTargetBranch', value('mr-target') ?? value('mr-target-branch')],
    ['defaultBranch', value('default-branch')],
    ['changedFiles', value('changed-files')],
  ];
  return {
    ...Object.fromEntries(entries.filter(([, v]) => v)),
    ...(flags['merge-request'] || env.GLCI_MERGE_REQUEST === 'true' ? { mergeRequest: true } : {}),
    file: value('file') || '.gitlab-ci.yml',
    variables: [...(flags.variable ?? [])],
  };
}

/** The jobs `glci list` would show for the same flags (`all`: and those it leaves out); any problem means no names, never an error. */
export async function pipelineJobNames(flags: FlagValues, env: Env, all = false): Promise<string[]> {
  try {
    const result = await listJobs(contextFrom(flags, env));
    return [...result.jobs.map((j) => j.name), ...(all ? result.excluded.map((j) => j.name) : [])];
  } catch {
    return [];
  }
}

/** The presets of the project's .glci.yml and the user's glci.yml; a broken file means none. */
export async function projectPresetNames(flags: FlagValues, env: Env): Promise<string[]> {
  try {
    const { project, user } = await loadProjectSettings(flagValue(flags, env, 'cwd') ?? process.cwd(), env);
    return [...Object.keys(project?.presets ?? {}), ...Object.keys(user?.presets ?? {})];
  } catch {
    return [];
  }
}

/** Candidates for the last of `words` (the words after `glci`, quoting removed; the last may be ''). */
export async function completeWords(words: readonly string[], options: CompleteOptions): Promise<string[]> {
  const need = analyseCompletion(options.commands, words);
  if (need.kind === 'candidates') return need.candidates;
  if (need.kind === 'presets') {
    const names = await (options.presetNames ?? projectPresetNames)(need.flags, options.env);
    return [...new Set(names)].filter((n) => n.startsWith(need.prefix)).sort().map((n) => `${need.head}${n}`);
  }
  const names = await (options.jobNames ?? pipelineJobNames)(need.flags, options.env, need.all === true);
  const given = new Set(need.exclude);
  return [...new Set(names)].filter((n) => n.startsWith(need.prefix) && !given.has(n));
}

/** Bash: lexes the line up to the cursor and returns COMPREPLY entries, quoted as the user is typing. */
export async function completeBashLine(line: string, options: CompleteOptions): Promise<string[]> {
  const lexed = lexBashLine(line);
  // The first word is the program name (glci, or a path to it).
  const candidates = await completeWords(lexed.words.slice(1), options);
  return candidates.map((c) => bashReplacement(c, lexed));
}
