// Files shaped like real ones: what `gitlab-runner register` writes, the docs' DinD example, a
// machine with several runners. They must load without errors and map to the typed settings.
import { describe, expect, it } from 'vitest';
import { load, toml, warningsOf } from './support.js';

const REGISTERED = toml(
  'concurrent = 1',
  'check_interval = 0',
  'connection_max_age = "15m0s"',
  'shutdown_timeout = 0',
  '',
  '[session_server]',
  '  session_timeout = 1800',
  '',
  '[[runners]]',
  '  name = "build-host-1"',
  '  url = "https://gitlab.example.com"',
  '  id = 1234567',
  '  token = "glrt-t1_0123456789abcdefABCD"',
  '  token_obtained_at = 2024-05-10T12:34:56Z',
  '  token_expires_at = 0001-01-01T00:00:00Z',
  '  executor = "docker"',
  '  request_concurrency = 1',
  '  output_limit = 4096',
  '  [runners.custom_build_dir]',
  '  [runners.feature_flags]',
  '    FF_NETWORK_PER_BUILD = true',
  '    FF_USE_FASTZIP = false',
  '  [runners.cache]',
  '    MaxUploadedArchiveSize = 0',
  '    [runners.cache.s3]',
  '    [runners.cache.gcs]',
  '    [runners.cache.azure]',
  '  [runners.machine]',
  '    IdleCount = 0',
  '    MachineOptions = ["a=b"]',
  '  [runners.docker]',
  '    tls_verify = false',
  '    image = "ruby:3.3"',
  '    privileged = false',
  '    disable_entrypoint_overwrite = false',
  '    oom_kill_disable = false',
  '    disable_cache = false',
  '    volumes = ["/cache"]',
  '    shm_size = 0',
  '    network_mtu = 0',
);

describe('a registered docker runner', () => {
  const config = load(REGISTERED);
  const runner = config.runners[0]!;

  it('loads silently: written-by-register keys and unused sections are no warnings', () => {
    expect(config.warnings).toEqual([]);
    expect(config.ignored).toEqual(expect.arrayContaining([
      'connection_max_age', 'session_server',
      'runners[0].machine', 'runners[0].custom_build_dir', 'runners[0].docker.network_mtu',
    ]));
  });

  it('maps global and runner keys', () => {
    expect(config).toMatchObject({ file: 'config.toml', concurrent: 1, checkInterval: 3 });
    expect(runner).toMatchObject({
      name: 'build-host-1', url: 'https://gitlab.example.com', token: 'glrt-t1_0123456789abcdefABCD', executor: 'docker',
      limit: 0, tags: [], runUntagged: true, index: 1, environment: [],
      featureFlags: { FF_NETWORK_PER_BUILD: true, FF_USE_FASTZIP: false },
    });
  });

  it('maps [runners.docker] with GitLab Runner defaults for the rest', () => {
    expect(runner.docker).toMatchObject({
      tlsVerify: false, image: 'ruby:3.3', privileged: false, volumes: ['/cache'], shmSize: 0,
      pullPolicy: ['always'], pullPolicyOrigin: 'default', allowedPullPolicies: ['always'],
      servicesLimit: -1, waitForServicesTimeout: 0, services: [], capAdd: [], tmpfs: {}, containerLabels: {},
    });
    expect(runner.docker?.host).toBeUndefined();
    expect(runner.docker?.servicesPrivileged).toBeUndefined();
  });

  it('records where each setting came from', () => {
    expect(config.origins).toMatchObject({
      concurrent: 'file',
      checkInterval: 'default', // 0 means the default
      'runners[0].name': 'file',
      'runners[0].limit': 'default',
      'runners[0].docker.image': 'file',
      'runners[0].docker.pullPolicy': 'default',
      'runners[0].docker.allowedPullPolicies': 'default',
      'runners[0].docker.servicesLimit': 'default',
    });
  });
});

describe('a Docker-in-Docker runner (runner-behavior.md §9 example)', () => {
  const config = load(toml(
    'concurrent = 4',
    'log_level = "info"',
    '[[runners]]',
    '  name = "laptop-docker"',
    '  url = "https://gitlab.example.com/"',
    '  token = "glrt-t1_AbCd"',
    '  executor = "docker"',
    '  environment = ["DOCKER_DRIVER=overlay2", "DOCKER_TLS_CERTDIR=/certs", "EMPTY=", "WITH_EQ=a=b"]',
    '  [runners.docker]',
    '    image = "docker:27"',
    '    privileged = true',
    '    volumes = ["/certs/client", "/cache"]',
    '    pull_policy = ["always", "if-not-present"]',
    '    allowed_pull_policies = ["always", "if-not-present", "never"]',
    '    tmpfs = { "/var/lib/mysql" = "rw,noexec" }',
    '    [runners.docker.services_tmpfs]',
    '      "/data" = "rw"',
    '    [runners.docker.services_devices]',
    '      "gpu/*" = ["/dev/dri"]',
    '    [runners.docker.container_labels]',
    '      "com.example.team" = "ci"',
  ));
  const docker = config.runners[0]!.docker!;

  it('loads without warnings', () => {
    expect(warningsOf(config)).toEqual([]);
  });

  it('maps privileged, volumes, tables and pull policies', () => {
    expect(docker).toMatchObject({
      image: 'docker:27', privileged: true, volumes: ['/certs/client', '/cache'],
      pullPolicy: ['always', 'if-not-present'], pullPolicyOrigin: 'file',
      allowedPullPolicies: ['always', 'if-not-present', 'never'],
      tmpfs: { '/var/lib/mysql': 'rw,noexec' }, servicesTmpfs: { '/data': 'rw' },
      servicesDevices: { 'gpu/*': ['/dev/dri'] }, containerLabels: { 'com.example.team': 'ci' },
    });
  });

  it('splits environment entries at the first =', () => {
    expect(config.runners[0]!.environment).toEqual([
      { key: 'DOCKER_DRIVER', value: 'overlay2' },
      { key: 'DOCKER_TLS_CERTDIR', value: '/certs' },
      { key: 'EMPTY', value: '' },
      { key: 'WITH_EQ', value: 'a=b' },
    ]);
  });
});

describe('several runners with tags', () => {
  const config = load(toml(
    'concurrent = 8',
    'check_interval = 10',
    '[[runners]]',
    '  name = "docker-tagged"',
    '  executor = "docker"',
    '  tags = ["docker", "linux"]',
    '  limit = 2',
    '  [runners.docker]',
    '    image = "alpine:3.20"',
    '[[runners]]',
    '  name = "shell-untagged"',
    '  executor = "shell"',
    '  shell = "bash"',
    '  builds_dir = "/tmp/builds"',
    '  cache_dir = "/tmp/cache"',
    '  pre_build_script = """',
    'echo before = still a script line',
    '"""',
    '  post_build_script = "echo after"',
    '[[runners]]',
    '  name = "tagged-but-untagged-too"',
    '  executor = "kubernetes"',
    '  tags = ["k8s"]',
    '  run_untagged = true',
    '  [runners.kubernetes]',
    '    namespace = "ci"',
  ));

  it('keeps the order and 1-based index of the entries', () => {
    expect(config.runners.map((r) => [r.index, r.name, r.executor])).toEqual([
      [1, 'docker-tagged', 'docker'], [2, 'shell-untagged', 'shell'], [3, 'tagged-but-untagged-too', 'kubernetes'],
    ]);
    expect(config).toMatchObject({ concurrent: 8, checkInterval: 10 });
  });

  it('defaults run_untagged as GitLab does: only runners without tags take untagged jobs', () => {
    expect(config.runners.map((r) => [r.tags, r.runUntagged])).toEqual([[['docker', 'linux'], false], [[], true], [['k8s'], true]]);
    expect(config.origins['runners[0].runUntagged']).toBe('default');
    expect(config.origins['runners[2].runUntagged']).toBe('file');
  });

  it('maps the shell runner settings; non-docker runners get no docker settings', () => {
    expect(config.runners[1]).toMatchObject({
      shell: 'bash', buildsDir: '/tmp/builds', cacheDir: '/tmp/cache',
      preBuildScript: 'echo before = still a script line\n', postBuildScript: 'echo after',
    });
    expect(config.runners[1]!.docker).toBeUndefined();
    expect(config.runners[0]!.limit).toBe(2);
  });

  it('reads [runners.kubernetes] without warnings; other runners get no kubernetes settings', () => {
    expect(warningsOf(config)).toEqual([]);
    expect(config.runners[2]!.kubernetes).toMatchObject({ namespace: 'ci', pollTimeout: 180 });
    expect(config.runners[0]!.kubernetes).toBeUndefined();
  });
});

describe('[[runners.docker.services]]', () => {
  const config = load(toml(
    '[[runners]]',
    '  executor = "docker"',
    '  [runners.docker]',
    '    [[runners.docker.services]]',
    '      name = "postgres:16"',
    '      alias = "db, pg  primary"',
    '      environment = ["POSTGRES_PASSWORD=secret", "POSTGRES_DB=app"]',
    '    [[runners.docker.services]]',
    '      name = "registry.example.com/tools/mock:1"',
    '      command = ["serve", "--port", "8080"]',
    '      entrypoint = ["/bin/sh", "-c"]',
  ));

  it('maps every entry, aliases split on commas and whitespace', () => {
    expect(config.runners[0]!.docker!.services).toEqual([
      {
        name: 'postgres:16', aliases: ['db', 'pg', 'primary'], command: [], entrypoint: [],
        environment: [{ key: 'POSTGRES_PASSWORD', value: 'secret' }, { key: 'POSTGRES_DB', value: 'app' }],
      },
      { name: 'registry.example.com/tools/mock:1', aliases: [], command: ['serve', '--port', '8080'], entrypoint: ['/bin/sh', '-c'], environment: [] },
    ]);
    expect(config.origins['runners[0].docker.services']).toBe('file');
  });

  it('also accepts the inline-array form', () => {
    const inline = load(toml('[[runners]]', 'executor = "docker"', 'docker = { services = [{ name = "redis:7", alias = "cache" }] }'));
    expect(inline.runners[0]!.docker!.services).toMatchObject([{ name: 'redis:7', aliases: ['cache'] }]);
  });
});

describe('odd but valid files', () => {
  it('a byte-order mark and CRLF line ends', () => {
    const config = load('\uFEFFconcurrent = 2\r\n[[runners]]\r\n  executor = "shell"\r\n');
    expect(config).toMatchObject({ concurrent: 2, runners: [{ executor: 'shell' }] });
  });

  it('integers beyond 2^53 in ignored keys (GitLab ids are int64)', () => {
    expect(() => load(toml('[[runners]]', 'id = 9223372036854775807', 'executor = "shell"'))).not.toThrow();
  });
});
