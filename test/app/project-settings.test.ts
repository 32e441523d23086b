// Precedence of settings: command line > GLCI_* > preset > .glci.yml > user glci.yml (> runner config >
// built-in default, which stay with the code that had them); variables layers between the user's home
// file and .glci-variables.yml.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySettings, loadProjectSettings, userSettingsPath } from '../../src/app/project-settings.js';
import { loadUserVariableLayers, loadUserVariables } from '../../src/app/user-variables.js';
import { explicitSource, withProjectFile } from '../../src/cli/project-flags.js';

let root: string;
let project: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'glci-settings-'));
  project = join(root, 'project');
  env = { XDG_CONFIG_HOME: join(root, 'xdg'), HOME: join(root, 'home') };
  await mkdir(join(project, 'ci'), { recursive: true });
  await mkdir(join(root, 'xdg', 'glci'), { recursive: true });
  await writeFile(join(project, '.glci.yml'), [
    'executor: shell',
    'concurrency: 2',
    'state-dir: .cache/glci',
    'runner-config: ci/config.toml',
    'variables-files: [ci/vars.yml]',
    'variables: {A: project, B: project}',
    'presets:',
    '  quick:',
    '    jobs: [lint]',
    '    concurrency: 1',
    '    variables: {B: preset}',
  ].join('\n'));
  await writeFile(join(project, 'ci', 'vars.yml'), 'A: from-file\nF: from-file\nT: {value: s3cr3t-value, masked: true}\n');
  await writeFile(userSettingsPath(env), 'timeout: 60\nexecutor: docker\nvariables: {U: user, A: user}\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('applySettings', () => {
  it('preset > .glci.yml > user glci.yml, paths relative to their file', async () => {
    const settings = await applySettings(await loadProjectSettings(project, env), { preset: 'quick', isOpen: () => true });
    expect(settings.values).toMatchObject({
      concurrency: { value: 1, source: 'preset' },
      executor: { value: 'shell', source: 'project', from: `${join(project, '.glci.yml')}:1` },
      timeout: { value: 60, source: 'user' },
      'state-dir': { value: join(project, '.cache/glci'), source: 'project' },
      config: { value: join(project, 'ci/config.toml'), source: 'project' },
    });
    expect(settings.jobs).toEqual(['lint']);
  });

  it('leaves alone what the command line or GLCI_* set', async () => {
    const settings = await applySettings(await loadProjectSettings(project, env), { preset: 'quick', isOpen: (f) => f !== 'concurrency' && f !== 'config' });
    expect(settings.values.concurrency).toBeUndefined();
    expect(settings.values.config).toBeUndefined();
  });

  it('an unknown preset is a usage error with a guess', async () => {
    await expect(applySettings(await loadProjectSettings(project, env), { preset: 'quik', isOpen: () => true })).rejects.toThrow(/unknown preset "quik"/);
  });

  it('variables: user file < .glci.yml files < .glci.yml variables < preset < .glci-variables.yml < --variable', async () => {
    const settings = await applySettings(await loadProjectSettings(project, env), { preset: 'quick', isOpen: () => true });
    await writeFile(join(project, '.glci-variables.yml'), 'P: personal\nB: personal-overridden-by-flag\n');
    const vars = await loadUserVariables(project, ['B=flag'], join(root, 'home'), settings.variableLayers);
    expect(Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.value]))).toEqual({
      U: 'user', A: 'project', F: 'from-file', T: 's3cr3t-value', B: 'flag', P: 'personal',
    });
    expect(vars.T?.masked).toBe(true);
    await rm(join(project, '.glci-variables.yml'));
  });

  it('names where each variables layer came from (glci explain shows it), and loads them one by one', async () => {
    const settings = await applySettings(await loadProjectSettings(project, env), { preset: 'quick', isOpen: () => true });
    expect(settings.variableLayerOrigins).toEqual([
      `${userSettingsPath(env)} variables`,
      join(project, 'ci', 'vars.yml'),
      `${join(project, '.glci.yml')} variables`,
      `preset quick of ${join(project, '.glci.yml')}`,
    ]);
    const layers = await loadUserVariableLayers(project, ['B=flag'], join(root, 'home'), settings.variableLayers, settings.variableLayerOrigins);
    expect(layers.map((l) => l.origin)).toEqual([
      join(root, 'home', '.glci', 'variables.yml'),
      ...settings.variableLayerOrigins,
      join(project, '.glci-variables.yml'),
      '--variable',
    ]);
    expect(layers.at(-1)?.variables).toEqual({ B: { value: 'flag' } });
  });
});

describe('withProjectFile (oclif parse output)', () => {
  const definitions = { concurrency: { env: 'GLCI_CONCURRENCY' }, executor: { env: 'GLCI_EXECUTOR' }, timeout: { env: 'GLCI_TIMEOUT' }, preset: { env: 'GLCI_PRESET' } };

  it('explicitSource: a raw flag token, else a non-empty GLCI_* variable', () => {
    const raw = [{ type: 'flag', flag: 'executor', input: 'docker' }];
    expect(explicitSource('executor', raw, definitions, {})).toBe('flag');
    expect(explicitSource('concurrency', raw, definitions, { GLCI_CONCURRENCY: '3' })).toBe('env');
    expect(explicitSource('concurrency', raw, definitions, { GLCI_CONCURRENCY: '' })).toBeNull();
  });

  it('command line > GLCI_* > preset > .glci.yml > user > the flag default oclif filled in', async () => {
    const parsed = {
      flags: { cwd: project, preset: 'quick', executor: 'docker', concurrency: 7, timeout: 3600 },
      argv: [],
      raw: [{ type: 'flag', flag: 'executor' }],
    };
    const { flags, argv } = await withProjectFile(parsed, definitions, { ...env, GLCI_CONCURRENCY: '7' });
    expect(flags).toMatchObject({ executor: 'docker', concurrency: 7, timeout: 60 });
    expect(argv).toEqual(['lint']);
    const named = await withProjectFile({ ...parsed, argv: ['build'], raw: [] }, definitions, env);
    expect(named.flags).toMatchObject({ executor: 'shell', concurrency: 1 });
    expect(named.argv).toEqual(['build']);
  });
});
