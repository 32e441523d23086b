import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRunnerConfig } from '../../src/runner-config/parse.js';
import { addRunner, newConfigText, readConfiguredRunners, removeRunners, runnerBlock, updateRunnerToken, type RunnerEntry } from '../../src/runner-config/write-runner.js';
import { tomlString } from '../../src/runner-config/toml-write.js';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glci-write-runner-'));
  file = join(dir, 'etc', 'config.toml');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function entry(overrides: Partial<RunnerEntry> = {}): RunnerEntry {
  return {
    name: 'laptop', url: 'https://gitlab.example/', id: 42, token: 'glrt-t1_AAAAbbbbCCCCdddd', tokenObtainedAt: '2026-03-04T05:06:07.000Z',
    tokenExpiresAt: null, executor: 'docker', dockerImage: 'alpine:3.20', ...overrides,
  };
}

const EXISTING = [
  '# managed by hand: keep this comment',
  'concurrent = 4',
  'check_interval = 0',
  '',
  '[[runners]]',
  '  # the first one',
  '  name = "first"',
  '  url = "https://gitlab.example/"',
  '  token = "glrt-first"',
  '  executor = "shell"   # trailing comment',
  '',
  '# comment about the second',
  '[[runners]]',
  '  name = "second"',
  '  url = "https://gitlab.example/"',
  '  token = "glrt-second"',
  '  executor = "docker"',
  '  [runners.docker]',
  '    image = "ruby:3.3"',
  '',
].join('\n');

describe('addRunner', () => {
  it('creates the file with GitLab Runner\'s globals, mode 0600 in a 0700 directory, and it re-parses', async () => {
    await addRunner(file, entry());
    const text = await readFile(file, 'utf8');
    expect(text.startsWith(newConfigText())).toBe(true);
    expect(text).toContain('  token_obtained_at = 2026-03-04T05:06:07Z\n  token_expires_at = 0001-01-01T00:00:00Z\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'etc'))).mode & 0o777).toBe(0o700);
    const config = parseRunnerConfig(text, file);
    expect(config.runners).toHaveLength(1);
    const runner = config.runners[0]!;
    expect(runner).toMatchObject({ name: 'laptop', id: 42, token: 'glrt-t1_AAAAbbbbCCCCdddd', tokenObtainedAt: '2026-03-04T05:06:07Z', tokenExpiresAt: null, executor: 'docker' });
    expect(runner.docker).toMatchObject({ image: 'alpine:3.20', tlsVerify: false, privileged: false, disableCache: false, volumes: ['/cache'], shmSize: 0 });
    expect(config.warnings).toEqual([]);
    expect(config.shutdownTimeout).toBe(30);
  });

  it('appends after the existing entries, keeping them and their comments byte for byte', async () => {
    await writeFile(file.replace('/etc/', '/'), '');
    file = join(dir, 'config.toml');
    await writeFile(file, EXISTING, { mode: 0o644 });
    await addRunner(file, entry({ executor: 'kubernetes', dockerImage: undefined }));
    const text = await readFile(file, 'utf8');
    expect(text.startsWith(EXISTING)).toBe(true);
    expect(text.slice(EXISTING.length)).toBe(runnerBlock(entry({ executor: 'kubernetes', dockerImage: undefined })));
    // A file that existed wider is written 0600 too: it holds tokens.
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const config = parseRunnerConfig(text, file);
    expect(config.runners.map((r) => r.name)).toEqual(['first', 'second', 'laptop']);
    expect(config.runners[2]?.kubernetes).toBeDefined();
    expect(config.concurrent).toBe(4);
  });

  it('escapes names and tokens so they read back exactly', async () => {
    const name = 'a "quoted" \\ name\twith\nnewline \u0001 and ünïcode';
    await addRunner(file, entry({ name, executor: 'shell' }));
    const config = parseRunnerConfig(await readFile(file, 'utf8'), file);
    expect(config.runners[0]?.name).toBe(name);
    expect(tomlString('\u007f')).toBe('"\\u007f"');
  });
});

describe('updateRunnerToken', () => {
  it('replaces the token lines of that runner in place and adds missing time lines after the token', async () => {
    file = join(dir, 'config.toml');
    await writeFile(file, EXISTING);
    await updateRunnerToken(file, 'glrt-second', { token: 'glrt-rotated', tokenObtainedAt: '2026-05-01T00:00:00Z', tokenExpiresAt: '2026-08-01T12:00:00.000Z' });
    const text = await readFile(file, 'utf8');
    const expected = EXISTING.replace(
      '  token = "glrt-second"\n',
      '  token = "glrt-rotated"\n  token_obtained_at = 2026-05-01T00:00:00Z\n  token_expires_at = 2026-08-01T12:00:00Z\n',
    );
    expect(text).toBe(expected);
    await updateRunnerToken(file, 'glrt-rotated', { token: 'glrt-again', tokenObtainedAt: '2026-06-01T00:00:00Z', tokenExpiresAt: null });
    expect(await readFile(file, 'utf8')).toBe(expected
      .replace('glrt-rotated', 'glrt-again')
      .replace('2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z')
      .replace('2026-08-01T12:00:00Z', '0001-01-01T00:00:00Z'));
  });

  it('refuses a token no runner has', async () => {
    file = join(dir, 'config.toml');
    await writeFile(file, EXISTING);
    await expect(updateRunnerToken(file, 'glrt-unknown', { token: 'x', tokenObtainedAt: '2026-05-01T00:00:00Z', tokenExpiresAt: null })).rejects.toThrow(/no \[\[runners\]\] entry/);
    expect(await readFile(file, 'utf8')).toBe(EXISTING);
  });
});

describe('removeRunners', () => {
  it('cuts the chosen block out and keeps the rest, comments included', async () => {
    file = join(dir, 'config.toml');
    await writeFile(file, EXISTING);
    const removed = await removeRunners(file, (r) => r.name === 'first');
    expect(removed.map((r) => r.token)).toEqual(['glrt-first']);
    const text = await readFile(file, 'utf8');
    const firstStart = EXISTING.indexOf('[[runners]]');
    const secondComment = EXISTING.indexOf('# comment about the second');
    expect(text).toBe(EXISTING.slice(0, firstStart) + EXISTING.slice(secondComment));
    expect((await readConfiguredRunners(file)).map((r) => r.name)).toEqual(['second']);
  });

  it('removes the last block and leaves the file untouched when nothing matches', async () => {
    file = join(dir, 'config.toml');
    await writeFile(file, EXISTING);
    await chmod(file, 0o644);
    expect(await removeRunners(file, () => false)).toEqual([]);
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    await removeRunners(file, (r) => r.name === 'second');
    const text = await readFile(file, 'utf8');
    expect(text).toBe(EXISTING.slice(0, EXISTING.indexOf('[[runners]]', EXISTING.indexOf('second') - 40)));
    expect(parseRunnerConfig(text, file).runners.map((r) => r.name)).toEqual(['first']);
  });

  it('removes every runner', async () => {
    file = join(dir, 'config.toml');
    await writeFile(file, EXISTING);
    await removeRunners(file, () => true);
    expect(await readConfiguredRunners(file)).toEqual([]);
    expect(await readFile(file, 'utf8')).toContain('# managed by hand: keep this comment\nconcurrent = 4\n');
  });
});
