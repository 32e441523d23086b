// Loads the project file `<project>/.glci.yml` and the user-level `$XDG_CONFIG_HOME/glci/glci.yml`
// (next to the runner config.toml), and merges them with a preset into what a command uses when the
// command line and GLCI_* leave a setting open. Precedence, highest first: command-line flag,
// GLCI_* variable, preset, .glci.yml, user glci.yml, runner config.toml, built-in default.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseProjectFile, PROJECT_FLAG_NAMES, type Preset, type ProjectFile, type ProjectFlagName } from '../config/project-file.js';
import { parseVariablesFile, type UserVariables } from '../config/variables-file.js';
import type { ConfigDiagnostic } from '../model/config.js';
import { closestKey } from '../config/compose/keys.js';
import { ConfigError, UsageError } from '../errors.js';
import { defaultRunnerConfigPath, type Env } from './load-runner-config.js';

export const PROJECT_FILE = '.glci.yml';

export type SettingSource = 'flag' | 'env' | 'preset' | 'project' | 'user';

export interface SettingValue {
  value: string | number | boolean;
  source: SettingSource;
  /** The file (and line) or variable it came from, for `glci config show`. */
  from: string;
}

export interface ProjectSettings {
  /** The project file, or null without one. */
  project: ProjectFile | null;
  /** The user-level defaults file, or null without one. */
  user: ProjectFile | null;
}

export interface AppliedSettings {
  /** Flag values the files and the preset decide (only those the command line and GLCI_* left open). */
  values: Partial<Record<ProjectFlagName | 'config', SettingValue>>;
  /** The preset's jobs, when it has any. */
  jobs: string[];
  /** Variables layers, lowest first, between ~/.glci/variables.yml and .glci-variables.yml. */
  variableLayers: UserVariables[];
  /** Where each of `variableLayers` came from (a variables file, `<file> variables:`, a preset), for glci explain. */
  variableLayerOrigins: string[];
  warnings: ConfigDiagnostic[];
}

/** `$XDG_CONFIG_HOME/glci/glci.yml` (or `~/.config/glci/glci.yml`): beside the runner config.toml. */
export function userSettingsPath(env: Env): string {
  return join(dirname(defaultRunnerConfigPath(env)), 'glci.yml');
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw ConfigError.at(null, `cannot read ${path}: ${(err as Error).message}`);
  }
}

async function loadFile(path: string): Promise<ProjectFile | null> {
  const text = await readOptional(path);
  return text === null ? null : parseProjectFile(text, path);
}

export async function loadProjectSettings(projectDir: string, env: Env): Promise<ProjectSettings> {
  const [project, user] = await Promise.all([loadFile(join(projectDir, PROJECT_FILE)), loadFile(userSettingsPath(env))]);
  return { project, user };
}

interface FoundPreset {
  name: string;
  preset: Preset;
  file: ProjectFile;
}

/** The named preset: the project's, else the user's; an unknown name is a usage error. */
export function findPreset(settings: ProjectSettings, name: string): FoundPreset {
  for (const file of [settings.project, settings.user]) {
    const preset = file?.presets[name];
    if (file && preset) return { name, preset, file };
  }
  const names = [...Object.keys(settings.project?.presets ?? {}), ...Object.keys(settings.user?.presets ?? {})];
  const guess = closestKey(name, names);
  const where = settings.project ? settings.project.file : `${PROJECT_FILE} (there is none)`;
  throw new UsageError(
    `unknown preset "${name}"`,
    guess ? `did you mean "${guess}"?` : names.length > 0 ? `the presets are: ${names.join(', ')}` : `define it under presets: in ${where}`,
  );
}

function where(file: ProjectFile, key: string): string {
  const at = file.locations[key];
  return at ? `${file.file}:${at.line}` : file.file;
}

/** Each open flag's value from the first layer that sets it: preset, project file, user file. */
function flagValues(settings: ProjectSettings, preset: FoundPreset | null, isOpen: (name: string) => boolean) {
  const values: AppliedSettings['values'] = {};
  for (const name of PROJECT_FLAG_NAMES.filter(isOpen)) {
    const fromPreset = preset?.preset.flags[name];
    const project = settings.project?.flags[name];
    const user = settings.user?.flags[name];
    if (fromPreset !== undefined) values[name] = { value: fromPreset, source: 'preset', from: `${preset!.name} at ${where(preset!.file, `presets.${preset!.name}.${name}`)}` };
    else if (project !== undefined) values[name] = { value: project, source: 'project', from: where(settings.project!, name) };
    else if (user !== undefined) values[name] = { value: user, source: 'user', from: where(settings.user!, name) };
  }
  // Paths in a file are relative to that file's directory, so a committed file works from any cwd.
  const state = values['state-dir'];
  const stateFile = state?.source === 'user' ? settings.user : state?.source === 'preset' ? preset!.file : settings.project;
  const base = stateFile ? dirname(stateFile.file) : '.';
  if (state) state.value = resolve(base, String(state.value));
  if (isOpen('config')) {
    for (const [file, source] of [[settings.project, 'project'], [settings.user, 'user']] as const) {
      if (!file?.runnerConfig) continue;
      values.config = { value: resolve(dirname(file.file), file.runnerConfig), source, from: where(file, 'runner-config') };
      break;
    }
  }
  return values;
}

async function variablesLayers(file: ProjectFile | null): Promise<{ origin: string; variables: UserVariables }[]> {
  if (!file) return [];
  const layers = await Promise.all(file.variablesFiles.map(async (path) => {
    const full = resolve(dirname(file.file), path);
    const text = await readOptional(full);
    if (text === null) throw new UsageError(`${where(file, 'variables-files')}: variables file ${full} does not exist`, 'create it, or remove it from variables-files');
    return { origin: full, variables: parseVariablesFile(text, full) };
  }));
  return [...layers, { origin: `${file.file} variables`, variables: asUserVariables(file.variables) }];
}

function asUserVariables(values: Record<string, string>): UserVariables {
  return Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value }]));
}

/**
 * What the files and the preset contribute to one command. `isOpen(flag)`: the command has the flag and
 * neither the command line nor its GLCI_* variable set it.
 */
export async function applySettings(settings: ProjectSettings, options: { preset?: string; isOpen: (flag: string) => boolean }): Promise<AppliedSettings> {
  const preset = options.preset ? findPreset(settings, options.preset) : null;
  const layers = [...(await variablesLayers(settings.user)), ...(await variablesLayers(settings.project))];
  if (preset) layers.push({ origin: `preset ${preset.name} of ${preset.file.file}`, variables: asUserVariables(preset.preset.variables) });
  return {
    values: flagValues(settings, preset, options.isOpen),
    jobs: preset?.preset.jobs ?? [],
    variableLayers: layers.map((l) => l.variables),
    variableLayerOrigins: layers.map((l) => l.origin),
    warnings: [...(settings.user?.warnings ?? []), ...(settings.project?.warnings ?? [])],
  };
}
