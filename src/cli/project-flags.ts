// Applies .glci.yml (and the user's glci.yml, and `--preset`) to a command's parsed flags: a setting the
// command line and its GLCI_* variable left open takes the preset's, else the project file's, else the
// user file's value; the flag's own default comes last. One call after `this.parse`, so commands keep
// reading `flags` as before. oclif fills in defaults, so "left open" is read off the raw tokens and the
// environment rather than off the values.
import { applySettings, loadProjectSettings, type AppliedSettings } from '../app/project-settings.js';
import type { UserVariables } from '../app/user-variables.js';
import { printWarnings } from './diagnostics.js';

interface ParsedInput<F> {
  flags: F;
  argv: unknown[];
  raw: readonly { type: string; flag?: string }[];
}

export interface ProjectFlagsResult<F> {
  flags: F & { projectVariables: readonly UserVariables[] };
  argv: string[];
  settings: AppliedSettings;
}

type Definitions = Readonly<Record<string, { env?: string | undefined }>>;

/** Whether a flag was set on the command line or by its GLCI_* variable (oclif ignores an empty one). */
export function explicitSource(name: string, raw: ParsedInput<unknown>['raw'], definitions: Definitions, env: NodeJS.ProcessEnv): 'flag' | 'env' | null {
  if (raw.some((t) => t.type === 'flag' && t.flag === name)) return 'flag';
  const variable = definitions[name]?.env;
  return variable && env[variable] ? 'env' : null;
}

export async function withProjectFile<F extends { cwd?: string | undefined; preset?: string | undefined }>(
  parsed: ParsedInput<F>,
  definitions: Definitions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProjectFlagsResult<F>> {
  const projectDir = parsed.flags.cwd ?? process.cwd();
  const loaded = await loadProjectSettings(projectDir, env);
  const settings = await applySettings(loaded, {
    ...(parsed.flags.preset ? { preset: parsed.flags.preset } : {}),
    isOpen: (name) => name in definitions && explicitSource(name, parsed.raw, definitions, env) === null,
  });
  printWarnings(settings.warnings, { limit: 3 });
  const flags: Record<string, unknown> = { ...parsed.flags, projectVariables: settings.variableLayers };
  for (const [name, setting] of Object.entries(settings.values)) flags[name] = setting.value;
  // Job names on the command line replace the preset's.
  const argv = parsed.argv.length > 0 ? (parsed.argv as string[]) : settings.jobs;
  return { flags: flags as ProjectFlagsResult<F>['flags'], argv, settings };
}
