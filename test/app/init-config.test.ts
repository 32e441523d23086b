// `glci init`: each style's config.toml parses with glci's own reader and says what GitLab Runner's
// DinD setups need; the file is never overwritten without force; the TLS style asks the real engine
// whether privileged containers start and adds privileged_fallback exactly when they do not.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../fixtures/images/build.js';
import { commentLines, initRunnerConfig, renderRunnerConfig, type InitStyle } from '../../src/app/init-config.js';
import { UsageError } from '../../src/errors.js';
import { missingCapabilities, readCapabilityBoundingSet } from '../../src/executors/docker/privileged-fallback.js';
import type { RunnerConfig } from '../../src/model/runner.js';
import { parseRunnerConfig } from '../../src/runner-config/index.js';
import { isolatedEnv } from '../acceptance/fixture-git.js';
import { ensureDockerEngine } from '../setup/docker-engine.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'glci-init-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * Parses as glci does. `privileged_fallback` is being added to the parser concurrently: until it is
 * there, the one warning tolerated is the parser not knowing that key.
 */
function parse(text: string, file = 'config.toml'): RunnerConfig {
  const config = parseRunnerConfig(text, file);
  const unexpected = config.warnings.filter((w) => !/privileged_fallback/.test(w.message));
  expect(unexpected, JSON.stringify(unexpected)).toEqual([]);
  return config;
}

const REFUSAL = { message: 'unable to apply caps: operation not permitted', tried: true };

describe('renderRunnerConfig', () => {
  it('docker: one docker runner with an image and if-not-present pulls (GitLab pulls always)', () => {
    const text = renderRunnerConfig({ style: 'docker', concurrent: 3, refusal: null, socketPath: null });
    const config = parse(text);
    expect(config.concurrent).toBe(3);
    expect(config.runners).toHaveLength(1);
    const [runner] = config.runners;
    expect(runner).toMatchObject({ name: 'glci-local', executor: 'docker' });
    expect(runner!.docker).toMatchObject({ image: 'alpine:latest', privileged: false, pullPolicy: ['if-not-present'], allowedPullPolicies: ['always', 'if-not-present', 'never'] });
    expect(text).toMatch(/# GitLab Runner pulls "always" by default/);
  });

  it('dind-tls: privileged, the /certs/client volume, no fallback when privileged works', () => {
    const text = renderRunnerConfig({ style: 'dind-tls', concurrent: 1, refusal: null, socketPath: null });
    const docker = parse(text).runners[0]!.docker!;
    expect(docker).toMatchObject({ image: 'docker:24.0.5', privileged: true, volumes: ['/certs/client', '/cache'] });
    expect(docker.privilegedFallback).toBe(false);
    expect(text).not.toContain('privileged_fallback');
    expect(text).toContain('DOCKER_TLS_CERTDIR=/certs');
  });

  it.each([
    [REFUSAL, 'this engine refused it ("unable to apply caps: operation not permitted")'],
    [{ message: 'this host withholds SYS_RESOURCE from every process (CapBnd in /proc/self/status)', tried: false }, 'This host withholds SYS_RESOURCE'],
  ])('dind-tls on an engine that refuses privileged: privileged_fallback = true with the reason (%#)', (refusal, reason) => {
    const text = renderRunnerConfig({ style: 'dind-tls', concurrent: 1, refusal, socketPath: null });
    const docker = parse(text).runners[0]!.docker!;
    expect(docker.privileged).toBe(true);
    expect(docker.privilegedFallback).toBe(true);
    expect(text.replace(/\n\s+# /g, ' ')).toContain(reason);
    expect(text).toMatch(/glci extension, unknown to GitLab Runner/);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(110);
  });

  it('dind-socket: the engine socket and /cache, no privileges, a warning about what host access means', () => {
    const text = renderRunnerConfig({ style: 'dind-socket', concurrent: 1, refusal: null, socketPath: null });
    const docker = parse(text).runners[0]!.docker!;
    expect(docker).toMatchObject({ image: 'docker:24.0.5', privileged: false, volumes: ['/var/run/docker.sock:/var/run/docker.sock', '/cache'] });
    expect(text).toContain('root on this machine');
    const podman = parse(renderRunnerConfig({ style: 'dind-socket', concurrent: 1, refusal: null, socketPath: '/run/user/1000/podman/podman.sock' }));
    expect(podman.runners[0]!.docker!.volumes[0]).toBe('/run/user/1000/podman/podman.sock:/var/run/docker.sock');
  });

  it('wraps comments at 100 columns', () => {
    const lines = commentLines('word '.repeat(60)).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      expect(line.startsWith('    # ')).toBe(true);
      expect(line.length).toBeLessThanOrEqual(100);
    }
  });
});

describe('initRunnerConfig', () => {
  const env = () => ({ ...isolatedEnv(), HOME: join(root, 'home') });

  it.each<[string | undefined, InitStyle]>([[undefined, 'docker'], ['tls', 'dind-tls'], ['socket', 'dind-socket']])(
    '--dind %s writes a file that parses, creating its folder',
    async (dind, style) => {
      const path = join(root, `style-${style}`, 'nested', 'config.toml');
      const result = await initRunnerConfig({ ...(dind ? { dind: dind as 'tls' | 'socket' } : {}), path, force: false, probe: false, env: env() });
      expect(result).toMatchObject({ path, style, privilegedFallback: false });
      expect(await readFile(path, 'utf8')).toBe(result.content);
      const config = parse(result.content, path);
      expect(config.file).toBe(path);
      expect(result.next.some((line) => line.startsWith(`glci run --config ${path}`))).toBe(true);
    },
  );

  it('writes to the default location without --config', async () => {
    const xdg = join(root, 'xdg');
    const result = await initRunnerConfig({ force: false, probe: false, env: { ...env(), XDG_CONFIG_HOME: xdg } });
    expect(result.path).toBe(join(xdg, 'glci', 'config.toml'));
    expect(result.next[0]).toMatch(/^glci config show {3}#/);
  });

  it('never overwrites a file without force, and does with it', async () => {
    const path = join(root, 'existing.toml');
    await writeFile(path, '# mine\n');
    const refused = initRunnerConfig({ path, force: false, probe: false, env: env() });
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toMatchObject({ message: `${path} already exists`, hint: expect.stringContaining('--force') });
    expect(await readFile(path, 'utf8')).toBe('# mine\n');
    await initRunnerConfig({ path, force: true, probe: false, env: env() });
    expect(await readFile(path, 'utf8')).toContain('[[runners]]');
  });

  it('--no-probe with --dind tls leaves the fallback out and says how to decide', async () => {
    const result = await initRunnerConfig({ dind: 'tls', path: join(root, 'no-probe.toml'), force: false, probe: false, env: env() });
    expect(result.probe).toEqual({ result: 'not-asked', reason: '--no-probe' });
    expect(result.next.join('\n')).toContain('privileged_fallback = true');
  });

  it('an engine that does not answer: no fallback, the reason in the result', async () => {
    const result = await initRunnerConfig({ dind: 'tls', path: join(root, 'no-engine.toml'), force: false, probe: true, env: { ...env(), DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(result.probe.result).toBe('unknown');
    expect(result.privilegedFallback).toBe(false);
  });
});

describe('initRunnerConfig --dind tls against the real engine', () => {
  let image: string;
  const hostMissing = missingCapabilities(readCapabilityBoundingSet(readFileSync('/proc/self/status', 'utf8')), Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8')));
  beforeAll(async () => {
    await ensureDockerEngine();
    image = await ensureImage('busybox');
  }, 600_000);

  it('starts a privileged container and adds privileged_fallback exactly when the engine refuses it', async () => {
    const path = join(root, 'probed.toml');
    const result = await initRunnerConfig({ dind: 'tls', path, force: false, probe: true, probeImage: image, env: { ...isolatedEnv(), HOME: join(root, 'home') } });
    const refused = hostMissing.length > 0;
    expect(result.probe.result).toBe(refused ? 'refused' : 'allowed');
    expect(result.privilegedFallback).toBe(refused);
    expect(parse(result.content, path).runners[0]!.docker!.privilegedFallback).toBe(refused);
    if (refused) expect(result.content).toContain('this engine refused it');
  }, 60_000);
});
