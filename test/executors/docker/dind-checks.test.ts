// Docker-in-Docker misconfigurations named from the job's configuration (issue step 4, point 4), and
// the configurations GitLab documents as working, which must stay silent.
import { describe, expect, it } from 'vitest';
import { dindProblems, isDindImage, type DindCheckInput } from '../../../src/executors/docker/dind-checks.js';
import { dockerSettings } from '../../support/runner-settings.js';

const dind = { image: 'docker:24.0.5-dind', aliases: ['docker'] };
const certVolume = 'runner-x-cache-abc:/certs/client';

function check(variables: Record<string, string>, overrides: Partial<DindCheckInput> = {}): string[] {
  return dindProblems({
    variables: new Map(Object.entries(variables)),
    services: [dind],
    settings: dockerSettings({ privileged: true }),
    binds: [certVolume],
    ...overrides,
  });
}

describe('dind service images', () => {
  it.each([
    ['docker:24.0.5-dind', true],
    ['docker:dind', true],
    ['docker:24-dind-rootless', true],
    ['registry.example.com/mirror/docker:24.0.5-dind', true],
    ['glci-test/docker-dind:0123456789abcdef', true],
    ['docker:24.0.5', false],
    ['postgres:15', false],
    ['mydind-tools:1', false],
  ])('%s → %s', (image, expected) => {
    expect(isDindImage(image)).toBe(expected);
  });
});

describe('configurations GitLab documents as working stay silent', () => {
  it.each([
    ['TLS, everything explicit', { DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_CERTDIR: '/certs', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs/client' }],
    ['TLS, the entrypoint fills DOCKER_HOST and the TLS variables', { DOCKER_TLS_CERTDIR: '/certs' }],
    ['TLS, nothing but the service (the image defaults DOCKER_TLS_CERTDIR to /certs)', {}],
    ['TLS, only DOCKER_HOST and the cert dir', { DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_CERTDIR: '/certs' }],
  ])('%s', (_, variables) => {
    expect(check(variables)).toEqual([]);
  });

  it('TLS off on 2375 needs no certificate volume', () => {
    expect(check({ DOCKER_HOST: 'tcp://docker:2375', DOCKER_TLS_CERTDIR: '' }, { binds: [] })).toEqual([]);
  });

  it('says nothing about jobs without a dind service', () => {
    expect(check({ DOCKER_HOST: 'tcp://docker:2375' }, { services: [{ image: 'postgres:15', aliases: ['postgres'] }], settings: dockerSettings(), binds: [] })).toEqual([]);
  });
});

describe('misconfigurations are named with what to change', () => {
  it('a missing certificate volume', () => {
    const [problem] = check({ DOCKER_TLS_CERTDIR: '/certs' }, { binds: [] });
    expect(problem).toContain('no volume shares that folder');
    expect(problem).toContain('volumes = ["/certs/client", "/cache"]');
  });

  it('a DOCKER_HOST no service answers to', () => {
    expect(check({ DOCKER_HOST: 'tcp://dockerd:2376' }).join('\n')).toContain('no dind service answers to "dockerd" (its host names: docker)');
  });

  it('TLS variables that do not match the port', () => {
    expect(check({ DOCKER_HOST: 'tcp://docker:2375', DOCKER_TLS_CERTDIR: '/certs' }).join('\n')).toContain('dind listens on 2376 with TLS');
    expect(check({ DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_CERTDIR: '' }, { binds: [] }).join('\n')).toContain('dind listens on 2375 without TLS');
    expect(check({ DOCKER_HOST: 'tcp://docker:2375', DOCKER_TLS_CERTDIR: '', DOCKER_TLS_VERIFY: '1' }, { binds: [] }).join('\n')).toContain('unset DOCKER_TLS_VERIFY');
  });

  it('privileged missing for the dind service', () => {
    const problems = check({}, { settings: dockerSettings() });
    expect(problems.join('\n')).toContain('set privileged = true (or services_privileged = true)');
    expect(problems.join('\n')).toContain('privileged_fallback = true');
    expect(check({}, { settings: dockerSettings({ privileged: false, servicesPrivileged: true }) })).toEqual([]);
  });

  it('socket binding together with a dind service', () => {
    expect(check({}, { binds: [certVolume, '/var/run/docker.sock:/var/run/docker.sock'] }).join('\n')).toContain('the two styles clash');
  });
});
