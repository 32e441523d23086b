// Variables the user supplies for a run: GitLab's "project variables" slot (above YAML variables).
// Sources, later wins: ~/.glci/variables.yml, the layers of .glci.yml (app/project-settings.ts: its
// variables-files, variables, the preset's), <project>/.glci-variables.yml, then --variable KEY=VALUE:
// committed values below the user's own file, the command line above all.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { VARIABLE_NAME, parseVariablesFile } from '../config/variables-file.js';
import { UsageError } from '../errors.js';

import type { UserVariables } from '../config/variables-file.js';
export type { UserVariable, UserVariables } from '../config/variables-file.js';


/** Parses `KEY=VALUE` flags; the value may contain `=`. */
export function parseVariableFlags(flags: readonly string[]): UserVariables {
  const out: UserVariables = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const key = eq < 0 ? flag : flag.slice(0, eq);
    if (eq < 0 || !VARIABLE_NAME.test(key)) {
      throw new UsageError(`invalid --variable "${flag}"`, 'write --variable KEY=VALUE, KEY made of letters, digits and _');
    }
    out[key] = { value: flag.slice(eq + 1) };
  }
  return out;
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export const PROJECT_VARIABLES_FILE = '.glci-variables.yml';

export async function loadUserVariables(
  projectDir: string,
  flags: readonly string[],
  home = homedir(),
  projectLayers: readonly UserVariables[] = [],
): Promise<UserVariables> {
  const layers = await loadUserVariableLayers(projectDir, flags, home, projectLayers);
  return Object.assign({}, ...layers.map((l) => l.variables)) as UserVariables;
}

/** One source of user variables and where it came from (`glci explain` shows each). */
export interface UserVariableLayer {
  /** The file's path, `--variable`, or the origin given for a .glci.yml layer. */
  origin: string;
  variables: UserVariables;
}

/** The sources loadUserVariables merges, lowest first; `projectOrigins` names the .glci.yml layers. */
export async function loadUserVariableLayers(
  projectDir: string,
  flags: readonly string[],
  home = homedir(),
  projectLayers: readonly UserVariables[] = [],
  projectOrigins: readonly string[] = [],
): Promise<UserVariableLayer[]> {
  const files = [join(home, '.glci', 'variables.yml'), join(projectDir, PROJECT_VARIABLES_FILE)];
  const [homeLayer, projectFile] = await Promise.all(files.map(async (f) => {
    const text = await readOptional(f);
    return { origin: f, variables: text === null ? {} : parseVariablesFile(text, f) };
  }));
  return [
    homeLayer!,
    ...projectLayers.map((variables, i) => ({ origin: projectOrigins[i] ?? '.glci.yml', variables })),
    projectFile!,
    { origin: '--variable', variables: parseVariableFlags(flags) },
  ];
}
