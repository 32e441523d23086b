// What GitLab Runner loads, glci loads: unknown keys and ignored settings are warnings, never errors.
import { describe, expect, it } from 'vitest';
import { load, toml, warningsOf } from './support.js';

describe('unknown keys', () => {
  it('warn at their line with "did you mean" for a close known key', () => {
    const config = load(toml(
      'concurent = 2',
      '[[runners]]',
      '  executor = "docker"',
      '  limt = 1',
      '  [runners.docker]',
      '    privilegd = true',
      '    pull-policy = "never"',
      '    Image = "alpine"',
    ));
    expect(warningsOf(config)).toEqual([
      '1: unknown setting concurent, ignored (did you mean concurrent?)',
      '4: unknown setting runners[0].limt, ignored (did you mean limit?)',
      '6: unknown setting runners[0].docker.privilegd, ignored (did you mean privileged?)',
      '7: unknown setting runners[0].docker.pull-policy, ignored (did you mean pull_policy?)',
      '8: unknown setting runners[0].docker.Image, ignored (did you mean image?)',
    ]);
    expect(config.warnings[2]).toMatchObject({ file: 'config.toml', line: 6, column: 5 });
    // The misspelt keys are not applied.
    expect(config.concurrent).toBe(1);
    expect(config.runners[0]!.docker).toMatchObject({ privileged: false, pullPolicy: ['always'] });
  });

  it('suggest nothing for a key far from every known one', () => {
    expect(warningsOf(load(toml('[[runners]]', 'executor = "shell"', 'completely_different = 1')))).toEqual([
      '3: unknown setting runners[0].completely_different, ignored',
    ]);
  });

  it('say where a [runners.docker] key belongs when written under [[runners]]', () => {
    expect(warningsOf(load(toml('[[runners]]', 'executor = "docker"', 'privileged = true', '[runners.docker]')))).toEqual([
      '3: unknown setting runners[0].privileged, ignored (it belongs in [runners.docker])',
    ]);
  });

  it('in service entries and unknown top-level tables', () => {
    const config = load(toml(
      '[runner]', '  executor = "shell"',
      '[[runners]]', '  executor = "docker"', '  [runners.docker]', '    [[runners.docker.services]]', '      name = "redis"', '      aliases = "cache"',
    ));
    expect(warningsOf(config)).toEqual([
      '1: unknown setting runner, ignored (did you mean runners?)',
      '8: unknown setting runners[0].docker.services[0].aliases, ignored (did you mean alias?)',
    ]);
  });
});

describe('known settings glci does not use', () => {
  it('load silently when they only tune the GitLab Runner process', () => {
    const config = load(toml(
      'log_level = "debug"', 'log_format = "json"', 'listen_address = ":9252"', 'shutdown_timeout = 30',
      'connection_max_age = "15m"', 'sentry_dsn = "https://x@sentry.example.com/1"',
      '[session_server]', '  listen_address = "[::]:8093"', '  advertise_address = "runner.example.com:8093"',
      '[[runners]]', '  executor = "shell"', '  id = 7', '  token_obtained_at = 2024-01-01T00:00:00Z',
      '  token_expires_at = 0001-01-01T00:00:00Z', '  request_concurrency = 4', '  output_limit = 16384',
      '  unhealthy_requests_limit = 3', '  "tls-ca-file" = "/etc/ssl/ca.pem"', '  tls-cert-file = "/etc/ssl/c.pem"',
      '  debug_trace_disabled = true',
      '  [runners.custom_build_dir]', '    enabled = true',
      '  [runners.cache]', '    Type = "s3"', '    Shared = true', '    [runners.cache.s3]', '      BucketName = "b"',
      '  [runners.kubernetes]', '  [runners.custom]', '    run_exec = "/x"',
      '  [runners.autoscaler]', '    plugin = "aws"', '    [[runners.autoscaler.policy]]', '      idle_count = 1',
      '  [runners.machine]', '    IdleCount = 1',
    ));
    expect(config.warnings).toEqual([]);
    expect(config.ignored).toEqual(expect.arrayContaining([
      'sentry_dsn', 'session_server',
      'runners[0].custom', 'runners[0].autoscaler', 'runners[0].machine', 'runners[0].debug_trace_disabled',
    ]));
  });

  it('that change what a job sees give one "ignored by glci" warning when set', () => {
    const config = load(toml(
      '[[runners]]', '  executor = "docker"', '  clone_url = "https://mirror.example.com"',
      '  pre_get_sources_script = "echo hi"', '  post_clone_script = ""',
      '  [runners.docker]', '    network_mtu = 0', '    memory_swap = "2g"', '    [runners.docker.sysctls]', '      "net.ipv4.ip_forward" = "1"',
    ));
    expect(warningsOf(config)).toEqual([
      '8: ignored by glci (GitLab Runner settings glci does not apply): runners[0].docker.memory_swap, runners[0].docker.sysctls',
    ]);
  });

  it('helper_image is accepted, kept, and said to be ignored', () => {
    const config = load(toml('[[runners]]', 'executor = "docker"', '[runners.docker]', 'helper_image = "registry.example.com/helper:x"', 'helper_image_flavor = "ubuntu"'));
    expect(warningsOf(config)).toEqual(['4: helper_image is ignored: glci needs no helper image']);
    expect(config.runners[0]!.docker!.helperImage).toBe('registry.example.com/helper:x');
  });
});

describe('leniency', () => {
  it('a docker runner without [runners.docker] gets the defaults, with a warning', () => {
    const config = load(toml('[[runners]]', '  name = "bare"', '  executor = "docker"'));
    expect(warningsOf(config)).toEqual([
      "1: runners[0] uses the docker executor but has no [runners.docker] table: glci uses GitLab Runner's defaults",
    ]);
    expect(config.runners[0]!.docker).toMatchObject({ pullPolicy: ['always'], pullPolicyOrigin: 'default', privileged: false, servicesLimit: -1 });
  });

  it('an executor GitLab has and glci does not is a warning (the runner cannot take jobs)', () => {
    expect(warningsOf(load(toml('[[runners]]', 'executor = "docker+machine"', '[runners.docker]')))).toEqual([
      '2: runners[0].executor "docker+machine" is not supported by glci, which runs shell, docker, kubernetes: this runner cannot run jobs',
    ]);
  });

  it('an environment entry without = is dropped, as GitLab Runner does, with a warning', () => {
    const config = load(toml('[[runners]]', 'executor = "shell"', 'environment = ["A=1", "JUST_A_NAME"]'));
    expect(config.runners[0]!.environment).toEqual([{ key: 'A', value: '1' }]);
    expect(warningsOf(config)).toEqual(['3: runners[0].environment[1] "JUST_A_NAME" is not KEY=VALUE: ignored, as GitLab Runner does']);
  });

  it('a file without [[runners]] keeps its globals and uses the built-in runner', () => {
    const config = load(toml('concurrent = 3'));
    expect(config).toMatchObject({ file: 'config.toml', concurrent: 3, runners: [{ name: 'glci-local', executor: 'docker', index: 0 }] });
    expect(config.runners[0]!.docker!.pullPolicyOrigin).toBe('glci-default');
    expect(config.origins).toMatchObject({ concurrent: 'file', 'runners[0].name': 'glci-default', 'runners[0].docker.pullPolicy': 'glci-default' });
    expect(config.warnings.map((w) => w.message)).toEqual(['config.toml has no [[runners]]: glci uses one docker runner with its defaults']);
  });

  it('an empty file too', () => {
    expect(load('').runners).toHaveLength(1);
  });
});
