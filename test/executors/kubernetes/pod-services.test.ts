// The job's services as pod containers and host aliases (runner-behavior.md §11.2, §11.3), against
// expected values: container names (first usable alias, else svc-N), command/args, variables,
// resources and pull policy, host names derived from the image, config services, allowed_services.
import { describe, expect, it } from 'vitest';
import { ExecutorError } from '../../../src/errors.js';
import { isDns1123Label, isDns1123Subdomain, podServices, type PodServicesInput } from '../../../src/executors/kubernetes/pod-services.js';
import { jobPod, type PodInput } from '../../../src/executors/kubernetes/pod-manifest.js';
import type { ServiceDefinition } from '../../../src/model/config.js';
import { expandRunnerVariables } from '../../../src/variables/runner-expansion.js';
import { variable } from '../../support/planned-job.js';

const settings: PodServicesInput['settings'] = { service: {}, pullPolicy: [], allowedImages: [], allowedServices: [], hostAliases: [] };

function build(services: ServiceDefinition[], overrides: Partial<PodServicesInput> = {}) {
  const lines: string[] = [];
  const result = podServices({ services, config: [], variables: [], settings, log: (kind, message) => lines.push(`${kind}: ${message}`), ...overrides });
  return { ...result, lines };
}

const svc = (name: string, extra: Partial<ServiceDefinition> = {}): ServiceDefinition => ({ name, aliases: [], ...extra });

describe('podServices', () => {
  it('builds one container per service: entrypoint as command, command as args, public variables then its own', () => {
    const variables = expandRunnerVariables([
      variable('CI_JOB_NAME', 'test'),
      variable('DB_PASSWORD', 'hunter2', { masked: true }),
      variable('PROTECTED', 'x', { public: false }),
      variable('KEY_FILE', '/tmp/key', { file: true }),
      variable('PG_VERSION', '16'),
    ]);
    const { containers } = build(
      [svc('postgres:$PG_VERSION', { aliases: ['db'], entrypoint: ['docker-entrypoint.sh'], command: ['postgres', '-c', 'fsync=off'], variables: { POSTGRES_DB: 'app-$PG_VERSION' } })],
      { variables, settings: { ...settings, service: { cpuRequest: '100m', memoryLimit: '256Mi' }, pullPolicy: ['if-not-present'] } },
    );
    expect(containers).toEqual([
      {
        name: 'db',
        image: 'postgres:16',
        command: ['docker-entrypoint.sh'],
        args: ['postgres', '-c', 'fsync=off'],
        imagePullPolicy: 'IfNotPresent',
        stdin: true,
        env: [
          { name: 'CI_JOB_NAME', value: 'test' },
          { name: 'PG_VERSION', value: '16' },
          { name: 'POSTGRES_DB', value: 'app-16' },
        ],
        resources: { requests: { cpu: '100m' }, limits: { memory: '256Mi' } },
      },
    ]);
  });

  it('keeps the image entrypoint and command when the service sets none, and takes its own pull policy first', () => {
    const { containers } = build([svc('redis'), svc('nginx', { pullPolicy: ['always', 'if-not-present'] })], { settings: { ...settings, pullPolicy: ['never'] } });
    expect(containers.map(({ name, command, args, imagePullPolicy }) => ({ name, command, args, imagePullPolicy }))).toEqual([
      { name: 'svc-0', command: undefined, args: undefined, imagePullPolicy: 'Never' },
      { name: 'svc-1', command: undefined, args: undefined, imagePullPolicy: 'Always' },
    ]);
  });

  it('names a container after the first alias that is a DNS label and still free, else svc-N counting unnamed services', () => {
    const { containers } = build([
      svc('postgres', { aliases: ['db'] }),
      svc('mysql', { aliases: ['db', 'mysql.local', 'mysql'] }), // db taken, a dotted name is no label: mysql
      svc('redis', { aliases: ['cache.local'] }), // a dot is not allowed in a label
      svc('nginx', { aliases: ['svc-1'] }),
      svc('memcached'), // svc-1 is held by the nginx alias
      svc('busybox', { aliases: ['build'] }), // GitLab's own container names stay theirs
    ]);
    expect(containers.map((c) => c.name)).toEqual(['db', 'mysql', 'svc-0', 'svc-1', 'svc-2', 'svc-3']);
  });

  it('puts config services first; they bypass allowed_services, job services must match it', () => {
    const config = [{ name: 'registry.example.com/tools/proxy:1', aliases: ['proxy'], command: ['--verbose'], entrypoint: [], environment: [{ key: 'MODE', value: '$CI_JOB_NAME' }] }];
    const allowed = { ...settings, allowedServices: ['postgres:*'] };
    const { containers, hostAliases } = build([svc('postgres:16')], { config, settings: allowed, variables: [variable('CI_JOB_NAME', 'unit')] });
    expect(containers.map((c) => [c.name, c.image, c.args, c.env?.at(-1)])).toEqual([
      ['proxy', 'registry.example.com/tools/proxy:1', ['--verbose'], { name: 'MODE', value: 'unit' }],
      ['svc-0', 'postgres:16', undefined, { name: 'CI_JOB_NAME', value: 'unit' }],
    ]);
    expect(hostAliases).toEqual([{ ip: '127.0.0.1', hostnames: ['registry.example.com-tools-proxy', 'proxy', 'postgres'] }]);

    const lines: string[] = [];
    const refused = (() => {
      try {
        podServices({ services: [svc('mysql:8')], config, variables: [], settings: allowed, log: (_, m) => lines.push(m) });
      } catch (error) {
        return error as ExecutorError;
      }
      return null;
    })();
    expect(refused).toBeInstanceOf(ExecutorError);
    expect(refused?.code).toBe('KUBE_SERVICE_NOT_ALLOWED');
    expect(refused?.hint).toBe('"mysql:8" matches none of allowed_services in [runners.kubernetes] (postgres:*)');
    expect(lines).toContain('The "mysql:8" image is not present on list of allowed services:');
  });

  it('gives every service host name on 127.0.0.1: valid derived ones, then the aliases; host_aliases after', () => {
    const { hostAliases } = build(
      [svc('tutum/wordpress:latest', { aliases: ['wp', 'blog.local'] }), svc('registry.example.com:5000/group/My_Tool:2'), svc('postgres:16', { aliases: ['wp'] })],
      { settings: { ...settings, hostAliases: [{ ip: '10.0.0.5', hostnames: ['proxy.internal'] }] } },
    );
    // tutum__wordpress has underscores, My_Tool is no reference at all: both give no name; wp only once.
    expect(hostAliases).toEqual([
      { ip: '127.0.0.1', hostnames: ['tutum-wordpress', 'wp', 'blog.local', 'postgres'] },
      { ip: '10.0.0.5', hostnames: ['proxy.internal'] },
    ]);
  });

  it('leaves out the services entry when nothing names a service', () => {
    expect(build([]).hostAliases).toEqual([]);
    expect(build([svc('$NOTHING')]).hostAliases).toEqual([]);
  });

  it('refuses a user alias that is no DNS name, naming the alias and the service', () => {
    const error = (() => {
      try {
        build([svc('postgres:16', { aliases: ['my_db'] })]);
      } catch (e) {
        return e as ExecutorError;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ExecutorError);
    expect(error?.code).toBe('KUBE_SERVICE_ALIAS');
    expect(error?.message).toMatch(/^provided host alias my_db for service postgres:16 is invalid DNS\./);
  });

  it('waits only for services whose own variables set HEALTHCHECK_TCP_PORT', () => {
    const { healthChecks } = build(
      [svc('postgres', { aliases: ['db'], variables: { HEALTHCHECK_TCP_PORT: '$PG_PORT' } }), svc('redis'), svc('web', { variables: { HEALTHCHECK_TCP_PORT: '8080' } })],
      { variables: [variable('PG_PORT', '5432'), variable('HEALTHCHECK_TCP_PORT', '1')] },
    );
    expect(healthChecks).toEqual([
      { container: 'db', image: 'postgres', port: 5432 },
      { container: 'svc-1', image: 'web', port: 8080 },
    ]);
    expect(() => build([svc('web', { variables: { HEALTHCHECK_TCP_PORT: '80; rm -rf /' } })])).toThrow(/HEALTHCHECK_TCP_PORT "80; rm -rf \/" is not a TCP port/);
  });

  it('checks names as Kubernetes does', () => {
    expect([isDns1123Label('db'), isDns1123Label('a'.repeat(64)), isDns1123Label('db.local'), isDns1123Label('-db')]).toEqual([true, false, false, false]);
    expect([isDns1123Subdomain('db.local'), isDns1123Subdomain('Db'), isDns1123Subdomain('a_b'), isDns1123Subdomain('db.')]).toEqual([true, false, false, false]);
  });
});

describe('jobPod with services', () => {
  it('puts the service containers after build and helper with the same mounts, and sets hostAliases', () => {
    const { containers, hostAliases } = build([svc('redis:7', { aliases: ['cache'] })]);
    const input: PodInput = {
      name: 'p', image: 'alpine', helperImage: 'busybox', buildsDir: '/builds', scriptsDir: '/scripts-1-2', pipelineId: 1, jobId: 2, jobName: 'j', projectName: 'g/p',
      env: [], labels: {}, annotations: {}, resources: { build: {}, helper: {} }, nodeSelector: {}, tolerations: [], imagePullSecrets: [],
      services: containers, hostAliases,
    };
    const spec = jobPod(input).spec;
    expect(spec?.containers.map((c) => c.name)).toEqual(['build', 'helper', 'cache']);
    expect(spec?.containers[2]?.volumeMounts).toEqual(spec?.containers[0]?.volumeMounts);
    expect(spec?.hostAliases).toEqual([{ ip: '127.0.0.1', hostnames: ['redis', 'cache'] }]);
    expect(jobPod({ ...input, services: [], hostAliases: [] }).spec).not.toHaveProperty('hostAliases');
  });
});
