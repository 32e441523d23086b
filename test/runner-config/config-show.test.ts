// `glci config show` end to end, through the built CLI (npm run build first, like test/cli/).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/commands/config/show.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'glci-config-show-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILE = join(dir, 'config.toml');
const TOKEN = 'glrt-t1_SECRETSECRETSECRET';

beforeAll(() => {
  expect(existsSync(built), 'run `npm run build` first').toBe(true);
  writeFileSync(FILE, [
    'concurrent = 2',
    '[session_server]',
    '  session_timeout = 1800',
    '[[runners]]',
    '  name = "dind"',
    '  url = "https://gitlab.example.com/"',
    `  token = "${TOKEN}"`,
    '  executor = "docker"',
    '  [runners.cache]',
    '    MaxUploadedArchiveSize = 0',
    '  [runners.docker]',
    '    privileged = true',
    '    privilegd = true',
    '    volumes = ["/certs/client", "/cache"]',
    '',
  ].join('\n'));
});

/** Runs glci with a HOME of its own, so the user's real config never leaks into the test. */
function glci(args: string[], env: Record<string, string> = {}) {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  return execa(process.execPath, [bin, 'config', 'show', ...args], {
    reject: false,
    env: { HOME: home, XDG_CONFIG_HOME: '', GLCI_CONFIG: '', GLCI_JSON: '', GLCI_DEBUG: '', ...env },
  });
}

describe('glci config show', () => {
  it('lists the file\'s settings with origins; warnings go to stderr with FILE:LINE:COLUMN', async () => {
    const res = await glci(['--config', FILE]);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain(`config file: ${FILE}`);
    expect(res.stdout).toMatch(/^ {4}privileged = true +\(from config\.toml\)$/m);
    expect(res.stdout).toMatch(/^ {4}pull_policy = \["always"\] +\(default\)$/m);
    expect(res.stdout).toMatch(/^concurrent = 2 +\(from config\.toml\)$/m);
    expect(res.stdout).toContain('accepted but not used by glci: session_server');
    expect(res.stdout).not.toContain('runners[0].cache');
    expect(res.stdout).not.toContain('SECRET');
    expect(res.stderr).toContain(`${FILE}:13:5: warning: unknown setting runners[0].docker.privilegd, ignored (did you mean privileged?)`);
  });

  it('--json prints the RunnerConfig (tokens shortened); stdout stays JSON', async () => {
    const res = await glci(['--config', FILE, '--json']);
    expect(res.exitCode, res.stderr).toBe(0);
    const config = JSON.parse(res.stdout) as { file: string; concurrent: number; runners: { token: string; docker: { privileged: boolean; pullPolicy: string[] } }[]; origins: Record<string, string> };
    expect(config).toMatchObject({ file: FILE, concurrent: 2 });
    expect(config.runners[0]).toMatchObject({ token: 'glrt-t1_…', docker: { privileged: true, pullPolicy: ['always'] } });
    expect(config.origins['runners[0].docker.privileged']).toBe('file');
    expect(res.stderr).toContain('privilegd');
  });

  it('GLCI_CONFIG names the file too', async () => {
    const res = await glci([], { GLCI_CONFIG: FILE });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain(`config file: ${FILE}`);
  });

  it('without a file: the built-in docker runner and glci\'s defaults', async () => {
    const res = await glci([]);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^no config file \(.*\/home\/\.config\/glci\/config\.toml does not exist\): one docker runner with defaults$/m);
    expect(res.stdout).toMatch(/pull_policy = \["if-not-present"\] +\(glci default\)/);
    expect(res.stderr).toBe('');
  });

  it('a named file that does not exist: exit 2 with a hint', async () => {
    const res = await glci([], { GLCI_CONFIG: join(dir, 'nope.toml') });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain(`error: runner config ${join(dir, 'nope.toml')} (from GLCI_CONFIG) does not exist`);
    expect(res.stderr).toMatch(/^hint: /m);
  });

  it('an invalid file: exit 2, every error at FILE:LINE:COLUMN; with --json also as JSON on stdout', async () => {
    const bad = join(dir, 'bad.toml');
    writeFileSync(bad, 'concurrent = "x"\n[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = "yes"\n');
    const res = await glci(['--config', bad]);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain(`${bad}:1:1: concurrent must be an integer, not "x"`);
    expect(res.stderr).toContain(`${bad}:5:5: runners[0].docker.privileged must be a boolean`);
    expect(res.stderr).not.toMatch(/^\s+at /m);
    const json = await glci(['--config', bad, '--json']);
    expect(json.exitCode).toBe(2);
    expect((JSON.parse(json.stdout) as { error: { code: string; diagnostics: unknown[] } }).error).toMatchObject({ code: 'CONFIG_INVALID', diagnostics: [{}, {}] });
  });
});
