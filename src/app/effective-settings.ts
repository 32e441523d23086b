// `glci config show`, glci's part: every setting `glci run` takes from somewhere other than the command
// line, with its effective value and where it came from (GLCI_*, preset, .glci.yml, the user's
// glci.yml, the runner config.toml, the built-in default). The command line itself is not shown:
// `config show` has no run flags, so whatever it prints is what a bare `glci run` would use.
import { join } from 'node:path';
import { PROJECT_FLAG_NAMES, type ProjectFlagName } from '../config/project-file.js';
import type { RunnerConfig } from '../model/runner.js';
import type { ConfigDiagnostic } from '../model/config.js';
import { applySettings, loadProjectSettings, type AppliedSettings, type ProjectSettings } from './project-settings.js';
import { showRunnerConfig, type Env } from './load-runner-config.js';

export interface EffectiveSetting {
  /** The flag name (`--timeout`), which is also the key in .glci.yml. */
  name: ProjectFlagName | 'config';
  value: string | number | boolean | null;
  /** `GLCI_TIMEOUT`, `preset quick (/p/.glci.yml)`, `/p/.glci.yml:3`, `user /home/u/.config/glci/glci.yml:1`, `config.toml`, `default`. */
  origin: string;
}

const envName = (flag: string) => `GLCI_${flag.toUpperCase().replace(/-/g, '_')}`;

/** What run-pipeline uses when nothing sets a flag: the runner config's value, else glci's default. */
function fallback(name: EffectiveSetting['name'], runner: RunnerConfig, projectDir: string): Omit<EffectiveSetting, 'name'> {
  switch (name) {
    case 'concurrency':
      return runner.file !== null ? { value: runner.concurrent, origin: 'config.toml (concurrent)' } : { value: null, origin: 'default (the number of CPUs)' };
    case 'executor':
      return { value: null, origin: runner.file !== null ? 'config.toml (each runner\'s executor)' : 'default (docker for jobs with an image when the engine answers, else shell)' };
    case 'timeout':
      return { value: 3600, origin: 'default' };
    case 'state-dir':
      return { value: join(projectDir, '.glci'), origin: 'default' };
    case 'pipeline-source':
      return { value: 'push', origin: 'default' };
    case 'config':
      return { value: runner.file, origin: runner.file !== null ? 'default search' : 'default (none: the built-in docker runner)' };
    case 'privileged-fallback':
      return { value: false, origin: 'default (or privileged_fallback in [runners.docker])' };
    default:
      return { value: false, origin: 'default' };
  }
}

function fromFiles(setting: NonNullable<AppliedSettings['values'][ProjectFlagName]>): string {
  if (setting.source === 'preset') return `preset ${setting.from}`;
  return setting.source === 'user' ? `user ${setting.from}` : setting.from;
}

export async function effectiveSettings(options: {
  settings: ProjectSettings;
  preset?: string;
  env: Env;
  runner: RunnerConfig;
  projectDir: string;
}): Promise<EffectiveSetting[]> {
  const { env } = options;
  const applied = await applySettings(options.settings, {
    ...(options.preset ? { preset: options.preset } : {}),
    isOpen: (name) => !env[envName(name)],
  });
  return [...PROJECT_FLAG_NAMES, 'config' as const].map((name): EffectiveSetting => {
    const variable = env[envName(name)];
    if (variable) return { name, value: variable, origin: envName(name) };
    const setting = applied.values[name];
    if (setting) return { name, value: setting.value, origin: fromFiles(setting) };
    return { name, ...fallback(name, options.runner, options.projectDir) };
  });
}

/** The plain-text block `glci config show` prints above the runner settings. */
export function describeEffectiveSettings(settings: readonly EffectiveSetting[], files: ProjectSettings, preset?: string): string {
  const head = [
    `project file: ${files.project?.file ?? 'none (.glci.yml in the project directory)'}`,
    `user defaults: ${files.user?.file ?? 'none'}`,
    ...(preset ? [`preset: ${preset}`] : []),
  ];
  const rows = settings.map((s) => `${s.name} = ${s.value === null ? 'unset' : JSON.stringify(s.value)}`);
  const width = Math.max(...rows.map((r) => r.length));
  const body = rows.map((r, i) => `${r.padEnd(width)}  (${settings[i]!.origin})`);
  return [...head, '', 'glci run settings (flag > GLCI_* > preset > .glci.yml > user glci.yml > config.toml > default):', ...body].join('\n');
}

export interface SettingsReport {
  /** The runner configuration, tokens shortened (what `--json` printed before glci's settings joined it). */
  config: RunnerConfig;
  settings: EffectiveSetting[];
  warnings: ConfigDiagnostic[];
  text: string;
}

/** `glci config show`: glci's settings, then the runner config.toml (the one .glci.yml names, if any). */
export async function showSettings(options: { projectDir: string; configPath?: string; preset?: string; env: Env }): Promise<SettingsReport> {
  const { env } = options;
  const files = await loadProjectSettings(options.projectDir, env);
  const named = options.configPath !== undefined || Boolean(env.GLCI_CONFIG);
  const fromFiles = named ? undefined : (await applySettings(files, { isOpen: (n) => n === 'config' })).values.config;
  const path = options.configPath ?? (fromFiles ? String(fromFiles.value) : undefined);
  const runner = await showRunnerConfig({ ...(path ? { path } : {}), env });
  const settings = (await effectiveSettings({ settings: files, env, runner: runner.config, projectDir: options.projectDir, ...(options.preset ? { preset: options.preset } : {}) }))
    .map((s) => (s.name === 'config' && options.configPath !== undefined ? { ...s, value: runner.config.file, origin: '--config' } : s));
  const warnings = [...(files.user?.warnings ?? []), ...(files.project?.warnings ?? [])];
  return { config: runner.config, settings, warnings, text: `${describeEffectiveSettings(settings, files, options.preset)}\n\n${runner.text}` };
}
