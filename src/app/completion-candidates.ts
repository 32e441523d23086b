// What can come next on a glci command line: command and topic names, flags, flag values and
// positional values, from a plain description of the commands (the commands layer builds it from
// oclif's manifest, so completion never lags behind the flags). Job names need the pipeline, so this
// only says "job names go here" and app/complete.ts fetches them. Pure: tested with word lists.

export interface CompletionFlag {
  name: string;
  char?: string;
  /** An option flag (`--file X`), as opposed to a boolean. */
  takesValue: boolean;
  options?: readonly string[];
  /** A boolean with a `--no-` form. */
  allowNo?: boolean;
  multiple?: boolean;
}

export interface CompletionCommand {
  /** The command's words: `['config', 'show']`. */
  id: readonly string[];
  flags: readonly CompletionFlag[];
  /** Positional arguments in order; a command whose first argument is named `jobs` takes job names. */
  args: readonly { name: string; options?: readonly string[] }[];
}

export type CompletionNeed =
  | { kind: 'candidates'; candidates: string[] }
  /**
   * Job names of the pipeline, minus those already named, that start with `prefix`; `all`: the jobs the
   * pipeline leaves out as well (`glci explain` is mostly asked about those).
   */
  | { kind: 'jobs'; prefix: string; exclude: string[]; flags: Readonly<Record<string, readonly string[]>>; all?: boolean }
  /** The value of `--preset`: the preset names of .glci.yml (`head` is `--preset=` when written so). */
  | { kind: 'presets'; prefix: string; head: string; flags: Readonly<Record<string, readonly string[]>> };

const ROOT_FLAGS = ['--help', '--version'];

function startsWithPath(id: readonly string[], path: readonly string[]): boolean {
  return path.length <= id.length && path.every((word, i) => id[i] === word);
}

function matching(candidates: Iterable<string>, prefix: string): string[] {
  return [...new Set(candidates)].filter((c) => c.startsWith(prefix)).sort();
}

interface ScannedLine {
  positional: string[];
  flags: Record<string, string[]>;
  /** The flag whose value the current word is. */
  awaitingValue: CompletionFlag | null;
  afterDoubleDash: boolean;
}

function findFlag(command: CompletionCommand, word: string): CompletionFlag | undefined {
  if (word.startsWith('--')) {
    const name = word.slice(2).split('=')[0]!;
    return command.flags.find((f) => f.name === name || (f.allowNo && `no-${f.name}` === name));
  }
  return command.flags.find((f) => f.char !== undefined && word === `-${f.char}`);
}

/** Walks the words after the command: which flags were given (with their values) and which positionals. */
function scanArguments(command: CompletionCommand, words: readonly string[]): ScannedLine {
  const scanned: ScannedLine = { positional: [], flags: {}, awaitingValue: null, afterDoubleDash: false };
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    if (scanned.afterDoubleDash || !word.startsWith('-') || word === '-') {
      scanned.positional.push(word);
      continue;
    }
    if (word === '--') {
      scanned.afterDoubleDash = true;
      continue;
    }
    const flag = findFlag(command, word);
    if (!flag) continue;
    const eq = word.indexOf('=');
    let value = eq >= 0 ? word.slice(eq + 1) : '';
    if (flag.takesValue && eq < 0) {
      if (i + 1 >= words.length) {
        scanned.awaitingValue = flag;
        break;
      }
      value = words[(i += 1)]!;
    }
    (scanned.flags[flag.name] ??= []).push(value);
  }
  return scanned;
}

function flagCandidates(command: CompletionCommand, scanned: ScannedLine, current: string): string[] {
  const eq = current.indexOf('=');
  if (current.startsWith('--') && eq > 0) {
    const flag = findFlag(command, current);
    const head = current.slice(0, eq + 1);
    return matching((flag?.options ?? []).map((o) => `${head}${o}`), current);
  }
  const names = command.flags.flatMap((f) => {
    if (scanned.flags[f.name] && !f.multiple) return [];
    return f.allowNo ? [`--${f.name}`, `--no-${f.name}`] : [`--${f.name}`];
  });
  return matching([...names, '--help'], current);
}

/** What to offer for the last word of `words` (the words after `glci`; the last one may be ''). */
export function analyseCompletion(commands: readonly CompletionCommand[], words: readonly string[]): CompletionNeed {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const path: string[] = [];
  let i = 0;
  while (i < before.length && !before[i]!.startsWith('-') && commands.some((c) => startsWithPath(c.id, [...path, before[i]!]))) {
    path.push(before[i]!);
    i += 1;
  }
  const command = commands.find((c) => c.id.length === path.length && startsWithPath(c.id, path));
  if (!command) {
    if (i < before.length) return { kind: 'candidates', candidates: [] };
    if (current.startsWith('-')) return { kind: 'candidates', candidates: path.length === 0 ? matching(ROOT_FLAGS, current) : [] };
    const next = commands.filter((c) => c.id.length > path.length && startsWithPath(c.id, path)).map((c) => c.id[path.length]!);
    return { kind: 'candidates', candidates: matching(next, current) };
  }
  const scanned = scanArguments(command, before.slice(i));
  if (scanned.awaitingValue?.name === 'preset') return { kind: 'presets', prefix: current, head: '', flags: scanned.flags };
  if (current.startsWith('--preset=') && command.flags.some((f) => f.name === 'preset')) {
    return { kind: 'presets', prefix: current.slice('--preset='.length), head: '--preset=', flags: scanned.flags };
  }
  if (scanned.awaitingValue) return { kind: 'candidates', candidates: matching(scanned.awaitingValue.options ?? [], current) };
  if (current.startsWith('-') && !scanned.afterDoubleDash) return { kind: 'candidates', candidates: flagCandidates(command, scanned, current) };
  if (command.args[0]?.name === 'jobs') return { kind: 'jobs', prefix: current, exclude: scanned.positional, flags: scanned.flags };
  // A single `job` argument (glci explain): any job of the configuration, in the pipeline or not.
  if (command.args[0]?.name === 'job' && scanned.positional.length === 0) {
    return { kind: 'jobs', prefix: current, exclude: [], flags: scanned.flags, all: true };
  }
  return { kind: 'candidates', candidates: matching(command.args[scanned.positional.length]?.options ?? [], current) };
}
