import { describe, expect, it } from 'vitest';
import { defaultRunnerConfig } from '../../src/runner-config/defaults.js';
import { errorsOf, load, toml, warningsOf } from './support.js';

describe('runner-mode keys of config.toml', () => {
  it('reads what register and token rotation write, and the globals of `glci runner run`', () => {
    const config = load(toml(
      'concurrent = 2', 'check_interval = 0', 'shutdown_timeout = 12', 'listen_address = ":9252"', 'log_format = "json"', 'log_level = "debug"',
      '[[runners]]', '  name = "r"', '  url = "https://gitlab.example/"', '  id = 4711', '  token = "glrt-abc"',
      '  token_obtained_at = 2026-01-02T03:04:05Z', '  token_expires_at = 2026-04-01T00:00:00.500Z',
      '  executor = "shell"', '  request_concurrency = 3', '  output_limit = 8192', '  "tls-ca-file" = "/etc/ssl/gitlab.pem"',
      '  clone_url = "https://mirror.example/"',
    ));
    expect(config).toMatchObject({ concurrent: 2, checkInterval: 3, shutdownTimeout: 12, listenAddress: ':9252', logFormat: 'json', logLevel: 'debug' });
    expect(config.runners[0]).toMatchObject({
      id: 4711, tokenObtainedAt: '2026-01-02T03:04:05Z', tokenExpiresAt: '2026-04-01T00:00:00Z', requestConcurrency: 3, outputLimit: 8192,
      tlsCaFile: '/etc/ssl/gitlab.pem', cloneUrl: 'https://mirror.example/',
    });
  });

  it('reads the TLS client files and the get_sources scripts, the older *_clone_script names as fallbacks', () => {
    const config = load(toml(
      '[[runners]]', '  executor = "shell"', '  tls-cert-file = "/c.pem"', '  tls-key-file = "/k.pem"',
      '  pre_get_sources_script = "echo pre"', '  pre_clone_script = "echo old pre"', '  post_clone_script = "echo old post"',
    ));
    expect(config.runners[0]).toMatchObject({ tlsCertFile: '/c.pem', tlsKeyFile: '/k.pem', preGetSourcesScript: 'echo pre', postGetSourcesScript: 'echo old post' });
    expect(warningsOf(config)).toEqual([]);
  });

  it('uses GitLab Runner\'s defaults: zero time = never expires, 0 = default', () => {
    const config = load(toml(
      'shutdown_timeout = 0',
      '[[runners]]', '  executor = "shell"', '  token_obtained_at = 0001-01-01T00:00:00Z', '  token_expires_at = 0001-01-01T00:00:00Z',
      '  request_concurrency = 0', '  output_limit = 0',
    ));
    expect(config.shutdownTimeout).toBe(30);
    const runner = config.runners[0]!;
    expect(runner.tokenExpiresAt).toBeNull();
    expect(runner.tokenObtainedAt).toBeUndefined();
    expect(runner).toMatchObject({ requestConcurrency: 1, outputLimit: 4096 });
    expect(load(toml('[[runners]]', '  executor = "shell"')).runners[0]).not.toHaveProperty('tokenExpiresAt');
    expect(defaultRunnerConfig().shutdownTimeout).toBe(30);
  });

  it('reports wrong values at their line', () => {
    expect(errorsOf(toml('log_format = "xml"', '[[runners]]', '  executor = "shell"', '  token_expires_at = "soon"'))).toEqual([
      'config.toml:1:1: log_format "xml" is not one of runner, text, json',
      'config.toml:4:3: runners[0].token_expires_at must be a date-time (2006-01-02T15:04:05Z), not "soon"',
    ]);
  });

  it('loads runners of executors glci does not run, with a warning', () => {
    for (const executor of ['docker+machine', 'docker-autoscaler', 'instance', 'docker-windows', 'virtualbox', 'parallels', 'ssh', 'custom']) {
      const config = load(toml('[[runners]]', `  executor = "${executor}"`));
      expect(config.runners[0]?.executor).toBe(executor);
      expect(warningsOf(config).join('\n')).toContain(`"${executor}" is not supported by glci`);
    }
  });
});
