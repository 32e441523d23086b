// Pure parts of the docker executor: service host names, resource names, volume plans, engine
// addresses and container specs, as GitLab Runner derives them (runner-behavior.md §1.5, §2.2, §4.1).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildContainerSpec, deviceMapping, parseMemory, serviceContainerSpec } from '../../../src/executors/docker/container-spec.js';
import { parseEngineUrl, resolveEngineAddress } from '../../../src/executors/docker/engine-address.js';
import { portsToProbe, probeScript } from '../../../src/executors/docker/health-check.js';
import { rfc1123, serviceContainerName, splitServiceImage, withDefaultTag } from '../../../src/executors/docker/names.js';
import { planServices, serviceRequests } from '../../../src/executors/docker/services.js';
import { coveredBy, planVolumes } from '../../../src/executors/docker/volumes.js';
import { dockerSettings } from '../../support/runner-settings.js';

describe('service host names (SplitNameAndVersion)', () => {
  it.each([
    ['postgres:15', 'postgres', '15', ['postgres']],
    ['bitnami/redis', 'bitnami/redis', 'latest', ['bitnami__redis', 'bitnami-redis']],
    ['domain.tld:8080/namespace/service:version', 'domain.tld/namespace/service', 'version', ['domain.tld__namespace__service', 'domain.tld-namespace-service']],
    ['registry.example.com/tutum/wordpress:9.3', 'registry.example.com/tutum/wordpress', '9.3', ['registry.example.com__tutum__wordpress', 'registry.example.com-tutum-wordpress']],
    [`namespace/service@sha256:${'a'.repeat(64)}`, 'namespace/service', `@sha256:${'a'.repeat(64)}`, ['namespace__service', 'namespace-service']],
    ['localhost/app:1', 'localhost/app', '1', ['localhost__app', 'localhost-app']],
    ['Not A Reference!', 'Not A Reference!', 'latest', []],
  ])('%s → %s %s %j', (image, service, version, aliases) => {
    expect(splitServiceImage(image)).toEqual({ service, version, aliases });
  });

  it('skips an alias taken by an earlier service with GitLab’s warning, and a service left with none', () => {
    const requests = serviceRequests(
      [{ name: 'postgres:15', aliases: ['db'], command: [], entrypoint: [], environment: [] }],
      [
        { name: 'mysql:8', aliases: ['db', 'sql'] },
        { name: 'postgres:16', aliases: [] },
      ],
      (t) => t,
    );
    const { services, warnings } = planServices(requests);
    expect(services.map((s) => [s.image, s.aliases])).toEqual([
      ['postgres:15', ['postgres', 'db']],
      ['mysql:8', ['mysql', 'sql']],
    ]);
    expect(warnings).toEqual([
      'Skipping alias "db" for service "mysql:8" (services[1]): alias is already in use by another service.',
      'Skipping alias "postgres" for service "postgres:16" (services[2]): alias is already in use by another service.',
    ]);
  });

  it('expands variables in service names, aliases and variables', () => {
    const [request] = serviceRequests([], [{ name: '$REG/db:$V', aliases: ['$ALIAS'], variables: { URL: 'x-$V' } }], (t) => t.replace('$REG', 'r.example').replaceAll('$V', '1').replace('$ALIAS', 'main'));
    expect(request).toMatchObject({ image: 'r.example/db:1', userAliases: ['main'], variables: [{ key: 'URL', value: 'x-1' }], internal: false });
  });
});

describe('resource names', () => {
  it('follows RFC 1123 and the runner’s service container pattern', () => {
    expect(rfc1123('Runner_ABC-project-1--concurrent-0')).toBe('runnerabc-project-1--concurrent-0');
    expect(rfc1123(`-${'x'.repeat(80)}`)).toHaveLength(63);
    expect(serviceContainerName('glci-1-2-abc', 'registry.example.com/grp/db', 1)).toBe('glci-1-2-abc-registry.example.com__grp__db-1');
    expect(withDefaultTag('busybox')).toBe('busybox:latest');
    expect(withDefaultTag('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(withDefaultTag('app@sha256:abc')).toBe('app@sha256:abc');
  });
});

describe('volumes', () => {
  const base = { cacheVolumePrefix: 'runner-0123456789abcdef0123456789abcdef', jobBase: 'glci-1-2-abc', disableCache: false, projectDir: '/builds/g/p', expand: (t: string) => t.replace('$DIR', 'certs') };
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');

  it('turns bare paths into persistent cache volumes and passes binds through', () => {
    const planned = planVolumes({ ...base, volumes: ['/cache', '/$DIR/client', '/var/run/docker.sock:/var/run/docker.sock', 'data:/data:ro', 'relative'] });
    expect(planned.map((v) => v.bind)).toEqual([
      `runner-0123456789abcdef0123456789abcdef-cache-${md5('/cache')}:/cache`,
      `runner-0123456789abcdef0123456789abcdef-cache-${md5('/certs/client')}:/certs/client`,
      '/var/run/docker.sock:/var/run/docker.sock',
      'data:/data:ro',
      `runner-0123456789abcdef0123456789abcdef-cache-${md5('/builds/g/p/relative')}:/builds/g/p/relative`,
    ]);
    expect(planned[0]?.create).toEqual({ name: `runner-0123456789abcdef0123456789abcdef-cache-${md5('/cache')}`, persistent: true, destination: '/cache' });
    expect(planned[2]?.create).toBeNull();
    expect(coveredBy(planned, '/builds')).toBe(false);
    expect(coveredBy(planVolumes({ ...base, volumes: ['/builds'] }), '/builds')).toBe(true);
  });

  it('uses per-job volumes with disable_cache and host folders with cache_dir', () => {
    expect(planVolumes({ ...base, volumes: ['/cache'], disableCache: true })[0]).toMatchObject({ create: { persistent: false }, bind: `glci-1-2-abc-cache-${md5('/cache')}:/cache` });
    expect(planVolumes({ ...base, volumes: ['/cache'], cacheDir: '/srv/cache' })[0]).toEqual({ create: null, bind: `/srv/cache/runner-0123456789abcdef0123456789abcdef/${md5('/cache')}:/cache`, destination: '/cache' });
  });

  it('refuses / and a path given twice', () => {
    expect(() => planVolumes({ ...base, volumes: ['/'] })).toThrow('the destination cannot be /');
    expect(() => planVolumes({ ...base, volumes: ['/cache', 'x:/cache'] })).toThrow('volume for container path "/cache" is already defined');
  });
});

describe('engine address', () => {
  const home = mkdtempSync(join(tmpdir(), 'glci-engine-home-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('prefers the config host, then DOCKER_HOST, then the docker context, then the local socket', () => {
    expect(resolveEngineAddress({ host: 'unix:///run/a.sock', env: { DOCKER_HOST: 'tcp://b:2375' }, home }).socketPath).toBe('/run/a.sock');
    expect(resolveEngineAddress({ env: { DOCKER_HOST: 'tcp://b:2375' }, home })).toMatchObject({ host: 'b', port: 2375, source: 'DOCKER_HOST' });
    expect(resolveEngineAddress({ env: {}, home })).toMatchObject({ url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' });
    const id = createHash('sha256').update('remote').digest('hex');
    mkdirSync(join(home, '.docker', 'contexts', 'meta', id), { recursive: true });
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    writeFileSync(join(home, '.docker', 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: 'remote', Endpoints: { docker: { Host: 'unix:///run/remote.sock' } } }));
    expect(resolveEngineAddress({ env: {}, home })).toMatchObject({ socketPath: '/run/remote.sock', source: 'docker context "remote"' });
    expect(resolveEngineAddress({ env: { DOCKER_CONTEXT: 'default' }, home }).socketPath).toBe('/var/run/docker.sock');
  });

  it('reads TLS material for tcp with TLS verification and says which folder lacks it', () => {
    const certs = join(home, 'certs');
    mkdirSync(certs, { recursive: true });
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, file), `${file}\n`);
    const address = resolveEngineAddress({ env: { DOCKER_HOST: 'tcp://dind:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }, home });
    expect(address.tls?.ca.toString()).toBe('ca.pem\n');
    // As the docker CLI: any non-empty value turns verification on, even "0"; empty leaves it off.
    expect(resolveEngineAddress({ env: { DOCKER_HOST: 'tcp://dind:2376', DOCKER_TLS_VERIFY: '0', DOCKER_CERT_PATH: certs }, home }).tls).toBeDefined();
    expect(resolveEngineAddress({ env: { DOCKER_HOST: 'tcp://dind:2375', DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: certs }, home }).tls).toBeUndefined();
    expect(() => parseEngineUrl('tcp://x:2376', 'DOCKER_HOST', true, join(home, 'missing'))).toThrow(/cannot read the TLS client certificates in .*missing \(DOCKER_HOST\)/);
    expect(() => parseEngineUrl('ftp://x', 'DOCKER_HOST', false, undefined)).toThrow('cannot use the Docker engine address "ftp://x" (DOCKER_HOST)');
  });
});

describe('health check ports', () => {
  it('probes HEALTHCHECK_TCP_PORT alone, else the lowest 20 exposed TCP ports', () => {
    expect(portsToProbe({ env: ['healthcheck_tcp_port=8443'], exposedPorts: ['80/tcp'] })).toEqual([8443]);
    const many = Array.from({ length: 25 }, (_, i) => `${9000 - i}/tcp`);
    expect(portsToProbe({ env: [], exposedPorts: [...many, '53/udp'] })).toHaveLength(20);
    expect(portsToProbe({ env: [], exposedPorts: ['5432/tcp', '53/udp', '80/tcp'] })).toEqual([80, 5432]);
    expect(probeScript([80, 5432])).toContain('ports="0050 1538"');
  });
});

describe('container specs', () => {
  const network = { mode: 'glci-net', userDefined: true };
  const common = { name: 'c', image: 'sha256:1', env: ['A=1'], labels: { l: 'v' }, binds: ['v:/cache'], network, privileged: false };

  it('build container: shell detection on stdin, build-only options, alias `build`', () => {
    const settings = dockerSettings({ capAdd: ['NET_ADMIN'], capDrop: ['MKNOD'], securityOpt: ['no-new-privileges'], devices: ['/dev/fuse'], tmpfs: { '/tmp': 'rw' }, shmSize: 1024, dns: ['1.1.1.1'], memory: '512m', cpus: '1.5' });
    const spec = buildContainerSpec({ ...common, settings, entrypoint: [''], user: 'nobody', hostname: 'h', extraHosts: ['db:10.0.0.2'] });
    expect(spec).toMatchObject({ Cmd: ['sh', '-c', expect.stringContaining('exec "$shell"')], Entrypoint: [''], OpenStdin: true, StdinOnce: true, Tty: false, User: 'nobody' });
    expect(spec.HostConfig).toMatchObject({ CapAdd: ['NET_ADMIN'], CapDrop: ['MKNOD'], SecurityOpt: ['no-new-privileges'], Tmpfs: { '/tmp': 'rw' }, ShmSize: 1024, Dns: ['1.1.1.1'], Memory: 512 * 1024 ** 2, NanoCpus: 1.5e9, ExtraHosts: ['db:10.0.0.2'] });
    expect(spec.HostConfig?.Devices).toEqual([{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }]);
    expect(spec.NetworkingConfig?.EndpointsConfig?.['glci-net']?.Aliases).toEqual(['build', 'c']);
    expect(buildContainerSpec({ ...common, settings, hostname: 'h', extraHosts: [] }).Entrypoint).toBeUndefined();
  });

  it('service container: its own tmpfs/security options, never the build-only ones', () => {
    const settings = dockerSettings({ capAdd: ['NET_ADMIN'], tmpfs: { '/tmp': 'rw' } });
    const spec = serviceContainerSpec({ ...common, settings, aliases: ['db', 'postgres'], command: ['postgres', '-c', 'fsync=off'], tmpfs: { '/var/lib/postgresql/data': 'rw' }, securityOpt: [], devices: [] });
    expect(spec.HostConfig?.CapAdd).toBeUndefined();
    expect(spec.HostConfig?.Tmpfs).toEqual({ '/var/lib/postgresql/data': 'rw' });
    expect(spec.HostConfig?.Binds).toEqual(['v:/cache']);
    expect(spec.Cmd).toEqual(['postgres', '-c', 'fsync=off']);
    expect(spec.NetworkingConfig?.EndpointsConfig?.['glci-net']?.Aliases).toEqual(['db', 'postgres']);
    expect(serviceContainerSpec({ ...common, network: { mode: 'bridge', userDefined: false }, settings, aliases: ['db'], tmpfs: {}, securityOpt: [], devices: [] }).NetworkingConfig).toBeUndefined();
  });

  it('parses device and memory strings like Docker', () => {
    expect(deviceMapping('/dev/a:/dev/b:r')).toEqual({ PathOnHost: '/dev/a', PathInContainer: '/dev/b', CgroupPermissions: 'r' });
    expect([parseMemory('1g'), parseMemory('2048'), parseMemory('64mb'), parseMemory('lots')]).toEqual([1024 ** 3, 2048, 64 * 1024 ** 2, 0]);
  });
});
