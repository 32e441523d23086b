// `glci config show` lists glci's own settings with their origins: GLCI_*, a preset, .glci.yml, the
// user's glci.yml, config.toml and defaults; and it reads the config.toml that .glci.yml names.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EffectiveSetting } from '../../src/app/effective-settings.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
let root: string;
let project: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'glci-show-settings-'));
  project = join(root, 'project');
  await mkdir(join(project, 'ci'), { recursive: true });
  await mkdir(join(root, 'xdg', 'glci'), { recursive: true });
  await writeFile(join(project, '.glci.yml'), 'executor: shell\nrunner-config: ci/config.toml\nexcutor: x\npresets:\n  quick:\n    timeout: 60\n');
  await writeFile(join(project, 'ci', 'config.toml'), 'concurrent = 5\n[[runners]]\n  name = "r"\n  executor = "shell"\n');
  await writeFile(join(root, 'xdg', 'glci', 'glci.yml'), 'needs: true\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function show(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [bin, 'config', 'show', '--cwd', project, ...args], {
    reject: false,
    env: { HOME: join(root, 'home'), XDG_CONFIG_HOME: join(root, 'xdg'), GLCI_CONFIG: '', GLCI_JSON: '', GLCI_TIMEOUT: '', GLCI_EXECUTOR: '', ...env },
  });
}

describe('glci config show: glci settings', { timeout: 60_000 }, () => {
  it('each setting with where it came from; .glci.yml\'s runner config is the one shown', async () => {
    const res = await show(['--preset', 'quick'], { GLCI_PIPELINE_SOURCE: 'web' });
    expect(res.exitCode, res.stderr).toBe(0);
    const file = join(project, '.glci.yml');
    expect(res.stdout).toMatch(new RegExp(`^executor = "shell" +\\(${file}:1\\)$`, 'm'));
    expect(res.stdout).toMatch(new RegExp(`^timeout = 60 +\\(preset quick at ${file}:6\\)$`, 'm'));
    expect(res.stdout).toMatch(/^pipeline-source = "web" +\(GLCI_PIPELINE_SOURCE\)$/m);
    expect(res.stdout).toMatch(/^needs = true +\(user .*glci\.yml:1\)$/m);
    expect(res.stdout).toMatch(/^concurrency = 5 +\(config\.toml \(concurrent\)\)$/m);
    expect(res.stdout).toMatch(/^shell-in-place = false +\(default\)$/m);
    expect(res.stdout).toContain(`config file: ${join(project, 'ci', 'config.toml')}`);
    expect(res.stderr).toContain(`${file}:3:1: warning: unknown key \`excutor\`, ignored (did you mean \`executor\`?)`);
  });

  it('--json: the runner config with the settings beside it; --config wins over .glci.yml', async () => {
    const other = join(root, 'other.toml');
    await writeFile(other, 'concurrent = 7\n');
    const res = await show(['--json', '--config', other]);
    expect(res.exitCode, res.stderr).toBe(0);
    const data = JSON.parse(res.stdout) as { file: string; settings: EffectiveSetting[] };
    expect(data.file).toBe(other);
    expect(data.settings.find((s) => s.name === 'config')).toEqual({ name: 'config', value: other, origin: '--config' });
    expect(data.settings.find((s) => s.name === 'concurrency')).toMatchObject({ value: 7 });
  });
});

describe('commands with --state-dir read it from .glci.yml too', { timeout: 60_000 }, () => {
  it('glci cache ls looks in the state directory .glci.yml names (relative to the project)', async () => {
    const dir = join(root, 'state-project');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.glci.yml'), 'state-dir: my-state\n');
    const res = await execa(process.execPath, [bin, 'cache', 'ls', '--cwd', dir], {
      reject: false,
      env: { HOME: join(root, 'home'), XDG_CONFIG_HOME: join(root, 'xdg'), GLCI_STATE_DIR: '', DOCKER_HOST: 'unix:///nonexistent' },
    });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain(`No local caches in ${join(dir, 'my-state')}`);
  });
});
