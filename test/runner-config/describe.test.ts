// The plain listing of `glci config show`.
import { describe, expect, it } from 'vitest';
import { defaultRunnerConfig, describeRunnerConfig, redactToken } from '../../src/runner-config/index.js';
import { load, toml } from './support.js';

/** The listing's lines with runs of spaces squeezed, so alignment does not matter. */
function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/ {2,}/g, ' ').trimEnd());
}

describe('describeRunnerConfig', () => {
  it('lists every setting with its origin, under TOML names', () => {
    const config = load(toml(
      'concurrent = 2', 'log_level = "info"',
      '[[runners]]', '  name = "dind"', '  executor = "docker"', '  [runners.feature_flags]', '    FF_NETWORK_PER_BUILD = true',
      '  [runners.docker]', '    privileged = true', '    volumes = ["/certs/client", "/cache"]', '    tmpfs = { "/var/lib/mysql" = "rw" }',
      '    [[runners.docker.services]]', '      name = "docker:27-dind"', '      alias = "docker"',
    ));
    const out = lines(describeRunnerConfig(config));
    expect(out[0]).toBe('config file: config.toml');
    expect(out).toEqual(expect.arrayContaining([
      'concurrent = 2 (from config.toml)',
      'check_interval = 3 (default)',
      '[[runners]] #1 "dind"',
      ' executor = "docker" (from config.toml)',
      ' run_untagged = true (default)',
      ' feature_flags = { FF_NETWORK_PER_BUILD = true } (from config.toml)',
      ' [runners.docker]',
      ' privileged = true (from config.toml)',
      ' volumes = ["/certs/client", "/cache"] (from config.toml)',
      ' tmpfs = { "/var/lib/mysql" = "rw" } (from config.toml)',
      ' pull_policy = ["always"] (default)',
      ' allowed_pull_policies = ["always"] (default)',
      ' host = unset (default)',
      ' services = [{ name = "docker:27-dind", aliases = ["docker"] }] (from config.toml)',
      'log_level = "info" (from config.toml)',
    ]));
  });

  it('says when there is no file and marks glci\'s own defaults', () => {
    const out = lines(describeRunnerConfig(defaultRunnerConfig({ concurrent: 4 }), '/home/u/.config/glci/config.toml'));
    expect(out[0]).toBe('no config file (/home/u/.config/glci/config.toml does not exist): one docker runner with defaults');
    expect(out).toEqual(expect.arrayContaining([
      'concurrent = 4 (glci default)',
      '[[runners]] (built in) "glci-local"',
      ' pull_policy = ["if-not-present"] (glci default)',
      ' allowed_pull_policies = ["always", "if-not-present", "never"] (glci default)',
    ]));
  });

  it('aligns the markers', () => {
    const text = describeRunnerConfig(defaultRunnerConfig({ concurrent: 1 }));
    const columns = text.split('\n').filter((l) => l.endsWith('(default)') && l.length < 70).map((l) => l.indexOf('(default)'));
    expect(new Set(columns).size).toBe(1);
  });

  it('redactToken keeps a prefix of long tokens only', () => {
    expect(redactToken('')).toBe('');
    expect(redactToken('short')).toBe('[REDACTED]');
    expect(redactToken('glrt-t1_0123456789abcdef')).toBe('glrt-t1_…');
  });
});
