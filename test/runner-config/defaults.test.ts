// Defaults: GitLab Runner's when a config.toml exists, glci's offline-friendly ones when none does.
import { describe, expect, it } from 'vitest';
import { defaultRunnerConfig } from '../../src/runner-config/index.js';
import { load, toml } from './support.js';

const docker = (...lines: string[]) => load(toml('[[runners]]', 'executor = "docker"', '[runners.docker]', ...lines)).runners[0]!.docker!;

describe('no config file: defaultRunnerConfig()', () => {
  const config = defaultRunnerConfig();

  it('is one docker runner named glci-local', () => {
    expect(config).toMatchObject({ file: null, checkInterval: 3, warnings: [] });
    expect(config.runners).toHaveLength(1);
    expect(config.runners[0]).toMatchObject({
      name: 'glci-local', executor: 'docker', url: '', token: '', limit: 0, tags: [], runUntagged: true, index: 0,
      environment: [], featureFlags: {},
    });
  });

  it('pulls if-not-present and lets a job ask for any policy', () => {
    expect(config.runners[0]!.docker).toMatchObject({
      pullPolicy: ['if-not-present'], pullPolicyOrigin: 'glci-default', allowedPullPolicies: ['always', 'if-not-present', 'never'],
      privileged: false, volumes: [], servicesLimit: -1, shmSize: 0, services: [],
    });
  });

  it('runs as many jobs at once as there are CPUs unless told otherwise', () => {
    expect(config.concurrent).toBeGreaterThanOrEqual(1);
    expect(defaultRunnerConfig({ concurrent: 5 }).concurrent).toBe(5);
  });

  it('marks glci\'s own choices apart from GitLab Runner\'s defaults', () => {
    expect(config.origins).toMatchObject({
      concurrent: 'glci-default', checkInterval: 'default', 'runners[0].name': 'glci-default', 'runners[0].executor': 'glci-default',
      'runners[0].docker.pullPolicy': 'glci-default', 'runners[0].docker.allowedPullPolicies': 'glci-default',
      'runners[0].docker.privileged': 'default', 'runners[0].limit': 'default',
    });
    expect(Object.values(config.origins)).not.toContain('file');
  });
});

describe('with a file: GitLab Runner\'s defaults', () => {
  it('global concurrent 1 and check_interval 3', () => {
    expect(load(toml('[[runners]]', 'executor = "shell"'))).toMatchObject({ concurrent: 1, checkInterval: 3 });
    expect(load(toml('check_interval = -1', '[[runners]]', 'executor = "shell"')).checkInterval).toBe(3);
  });

  it('an unnamed runner is named after its position', () => {
    const config = load(toml('[[runners]]', 'executor = "shell"', '[[runners]]', 'executor = "shell"'));
    expect(config.runners.map((r) => r.name)).toEqual(['runner-1', 'runner-2']);
    expect(config.origins['runners[1].name']).toBe('glci-default');
  });

  it('keeps wait_for_services_timeout as written (0 means 30 s to the executor)', () => {
    expect(docker().waitForServicesTimeout).toBe(0);
    expect(docker('wait_for_services_timeout = -1').waitForServicesTimeout).toBe(-1);
    expect(docker('wait_for_services_timeout = 120').waitForServicesTimeout).toBe(120);
  });

  it('maps the remaining [runners.docker] keys', () => {
    expect(docker(
      'host = "tcp://docker:2376"', 'tls_verify = true', 'tls_cert_path = "/certs"', 'services_privileged = false',
      'cap_add = ["NET_ADMIN"]', 'cap_drop = ["ALL"]', 'security_opt = ["seccomp=unconfined"]', 'services_security_opt = ["no-new-privileges"]',
      'devices = ["/dev/kvm"]', 'services_limit = 2', 'shm_size = 67108864', 'user = "1000:1000"', 'dns = ["1.1.1.1"]',
      'dns_search = ["corp"]', 'extra_hosts = ["gitlab:10.0.0.1"]', 'network_mode = "host"', 'oom_kill_disable = true',
      'allowed_images = ["ruby:*"]', 'allowed_services = ["postgres:*"]', 'allowed_privileged_images = ["docker:*-dind"]',
      'allowed_privileged_services = ["docker:*"]', 'allowed_users = ["1000"]', 'disable_cache = true',
      'disable_entrypoint_overwrite = true', 'cache_dir = "/srv/cache"', 'hostname = "job"', 'memory = "2g"', 'cpus = "1.5"',
    )).toMatchObject({
      host: 'tcp://docker:2376', tlsVerify: true, tlsCertPath: '/certs', servicesPrivileged: false, capAdd: ['NET_ADMIN'],
      capDrop: ['ALL'], securityOpt: ['seccomp=unconfined'], servicesSecurityOpt: ['no-new-privileges'], devices: ['/dev/kvm'],
      servicesLimit: 2, shmSize: 67108864, user: '1000:1000', dns: ['1.1.1.1'], dnsSearch: ['corp'], extraHosts: ['gitlab:10.0.0.1'],
      networkMode: 'host', oomKillDisable: true, allowedImages: ['ruby:*'], allowedServices: ['postgres:*'],
      allowedPrivilegedImages: ['docker:*-dind'], allowedPrivilegedServices: ['docker:*'], allowedUsers: ['1000'],
      disableCache: true, disableEntrypointOverwrite: true, cacheDir: '/srv/cache', hostname: 'job', memory: '2g', cpus: '1.5',
    });
  });
});

describe('pull_policy', () => {
  it('defaults to [always], and allowed_pull_policies to the pull_policy list', () => {
    expect(docker()).toMatchObject({ pullPolicy: ['always'], pullPolicyOrigin: 'default', allowedPullPolicies: ['always'] });
  });

  it('a string is a one-element list', () => {
    expect(docker('pull_policy = "if-not-present"')).toMatchObject({
      pullPolicy: ['if-not-present'], pullPolicyOrigin: 'file', allowedPullPolicies: ['if-not-present'],
    });
  });

  it('an array keeps its order (it is the fallback order)', () => {
    expect(docker('pull_policy = ["if-not-present", "always"]')).toMatchObject({
      pullPolicy: ['if-not-present', 'always'], allowedPullPolicies: ['if-not-present', 'always'],
    });
  });

  it('an empty array means the default', () => {
    expect(docker('pull_policy = []')).toMatchObject({ pullPolicy: ['always'], pullPolicyOrigin: 'default' });
  });

  it('allowed_pull_policies, when given, stands on its own', () => {
    const config = load(toml('[[runners]]', 'executor = "docker"', '[runners.docker]', 'pull_policy = "never"', 'allowed_pull_policies = ["never", "if-not-present"]'));
    expect(config.runners[0]!.docker).toMatchObject({ pullPolicy: ['never'], allowedPullPolicies: ['never', 'if-not-present'] });
    expect(config.origins).toMatchObject({ 'runners[0].docker.pullPolicy': 'file', 'runners[0].docker.allowedPullPolicies': 'file' });
  });
});
