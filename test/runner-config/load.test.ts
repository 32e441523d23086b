// Where glci looks for config.toml, and what a missing file means.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultRunnerConfigPath, loadRunnerConfig, runnerConfigPath, showRunnerConfig } from '../../src/app/load-runner-config.js';
import { UsageError } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'glci-runner-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
/** A fresh HOME (and XDG dir), optionally with files `{ relative path: content }`. */
function home(files: Record<string, string> = {}): string {
  const dir = join(root, `home-${count++}`);
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const RUNNER = '[[runners]]\nname = "from-file"\nexecutor = "shell"\n';

describe('default path', () => {
  it('is $XDG_CONFIG_HOME/glci/config.toml when XDG_CONFIG_HOME is set', async () => {
    const h = home({ 'xdg/glci/config.toml': RUNNER });
    const env = { HOME: h, XDG_CONFIG_HOME: join(h, 'xdg') };
    expect(defaultRunnerConfigPath(env)).toBe(join(h, 'xdg', 'glci', 'config.toml'));
    const config = await loadRunnerConfig({ env });
    expect(config.file).toBe(join(h, 'xdg', 'glci', 'config.toml'));
    expect(config.runners[0]!.name).toBe('from-file');
  });

  it('is ~/.config/glci/config.toml otherwise (a relative XDG_CONFIG_HOME is ignored, as the XDG spec says)', async () => {
    const h = home({ '.config/glci/config.toml': RUNNER });
    expect(defaultRunnerConfigPath({ HOME: h })).toBe(join(h, '.config', 'glci', 'config.toml'));
    expect(defaultRunnerConfigPath({ HOME: h, XDG_CONFIG_HOME: 'relative/dir' })).toBe(join(h, '.config', 'glci', 'config.toml'));
    expect((await loadRunnerConfig({ env: { HOME: h } })).runners[0]!.name).toBe('from-file');
  });

  it('is never ~/.glci/config.toml (GitLab\'s Go glci keeps another schema there)', async () => {
    const h = home({ '.glci/config.toml': 'this is = [not ours' });
    const config = await loadRunnerConfig({ env: { HOME: h } });
    expect(config.file).toBeNull();
  });

  it('a missing default file means the built-in runner', async () => {
    const config = await loadRunnerConfig({ env: { HOME: home() } });
    expect(config).toMatchObject({ file: null, runners: [{ name: 'glci-local', executor: 'docker' }] });
  });

  it('runnerConfigPath: GLCI_CONFIG first, for messages', () => {
    expect(runnerConfigPath({ HOME: '/h', GLCI_CONFIG: '/etc/glci.toml' })).toBe('/etc/glci.toml');
    expect(runnerConfigPath({ HOME: '/h' })).toBe(join('/h', '.config', 'glci', 'config.toml'));
  });
});

describe('a path the user names', () => {
  it('--config wins over GLCI_CONFIG and the default, relative to cwd', async () => {
    const h = home({ 'project/runner.toml': RUNNER, '.config/glci/config.toml': 'concurrent = 9\n' });
    const config = await loadRunnerConfig({ path: 'runner.toml', cwd: join(h, 'project'), env: { HOME: h, GLCI_CONFIG: join(h, 'nope.toml') } });
    expect(config.file).toBe(join(h, 'project', 'runner.toml'));
  });

  it('GLCI_CONFIG wins over the default', async () => {
    const h = home({ 'other.toml': 'concurrent = 7\n[[runners]]\nexecutor = "shell"\n', '.config/glci/config.toml': RUNNER });
    expect((await loadRunnerConfig({ env: { HOME: h, GLCI_CONFIG: join(h, 'other.toml') } })).concurrent).toBe(7);
  });

  it('must exist: a usage error that names the file, where it came from, and a way out', async () => {
    const h = home();
    const missing = join(h, 'missing.toml');
    const fromFlag = loadRunnerConfig({ path: missing, env: { HOME: h } });
    await expect(fromFlag).rejects.toBeInstanceOf(UsageError);
    await expect(fromFlag).rejects.toThrow(`runner config ${missing} (from --config) does not exist`);
    await expect(loadRunnerConfig({ path: missing, env: { HOME: h } })).rejects.toMatchObject({ hint: expect.stringMatching(/drop --config/) });
    await expect(loadRunnerConfig({ env: { HOME: h, GLCI_CONFIG: missing } })).rejects.toThrow('(from GLCI_CONFIG)');
  });

  it('a directory is a usage error too', async () => {
    const h = home();
    await expect(loadRunnerConfig({ path: h, env: { HOME: h } })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('showRunnerConfig', () => {
  it('shortens tokens in both outputs', async () => {
    const h = home({ 'c.toml': '[[runners]]\nexecutor = "shell"\ntoken = "glrt-t1_0123456789abcdef"\n' });
    const report = await showRunnerConfig({ path: join(h, 'c.toml'), env: { HOME: h } });
    expect(report.config.runners[0]!.token).toBe('glrt-t1_…');
    expect(report.text).toContain('token = "glrt-t1_…"');
    expect(report.text).not.toContain('0123456789abcdef');
  });
});
