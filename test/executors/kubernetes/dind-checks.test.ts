import { describe, expect, it } from 'vitest';
import { kubernetesDindProblems, type KubernetesDindInput } from '../../../src/executors/kubernetes/dind-checks.js';
import type { KubernetesVolume } from '../../../src/model/kubernetes.js';

const certs: KubernetesVolume = { kind: 'empty_dir', name: 'docker-certs', mountPath: '/certs/client', readOnly: false, medium: 'Memory' };

function input(variables: Record<string, string>, overrides: Partial<KubernetesDindInput> = {}): KubernetesDindInput {
  return {
    variables: new Map(Object.entries(variables)),
    serviceImages: ['docker:27-dind'],
    settings: { privileged: true, volumes: [certs] },
    honorEntrypoint: false,
    ...overrides,
  };
}

const TLS_CLIENT = { DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_CERTDIR: '/certs', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs/client' };

describe('kubernetesDindProblems', () => {
  it('finds nothing in GitLab\'s documented TLS setup, nor without a dind service', () => {
    expect(kubernetesDindProblems(input(TLS_CLIENT))).toEqual([]);
    expect(kubernetesDindProblems(input({}, { serviceImages: ['postgres:16'] }))).toEqual([]);
  });

  it('names the client variables the entrypoint would have set, with their values', () => {
    const [problem, ...rest] = kubernetesDindProblems(input({ DOCKER_HOST: 'tcp://docker:2376' }));
    expect(rest).toEqual([]);
    expect(problem).toContain('the job image\'s entrypoint does not run, so nothing sets DOCKER_TLS_VERIFY, DOCKER_CERT_PATH');
    expect(problem).toContain('DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/certs/client"');
  });

  it('asks only for DOCKER_HOST on port 2375 when TLS is off, and nothing when the entrypoint runs', () => {
    expect(kubernetesDindProblems(input({ DOCKER_TLS_CERTDIR: '' }))).toEqual([
      'on Kubernetes the job image\'s entrypoint does not run, so nothing sets DOCKER_HOST for the docker client: set DOCKER_HOST: "tcp://docker:2375" in the job\'s variables',
    ]);
    expect(kubernetesDindProblems(input({}, { honorEntrypoint: true }))).toEqual([]);
  });

  it('asks for privileged and for an empty_dir at the client certificates', () => {
    const problems = kubernetesDindProblems(input(TLS_CLIENT, { settings: { privileged: false, volumes: [] } }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('set privileged = true in [runners.kubernetes]');
    expect(problems[1]).toContain('mount_path = "/certs/client"');
    // A privileged service security context is enough, and so is the fallback's SYS_ADMIN.
    const fallback = { privileged: false, capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'], drop: [] } };
    expect(kubernetesDindProblems(input(TLS_CLIENT, { settings: { privileged: false, volumes: [certs], serviceContainerSecurityContext: fallback } }))).toEqual([]);
    expect(kubernetesDindProblems(input(TLS_CLIENT, { settings: { privileged: false, volumes: [certs], serviceContainerSecurityContext: { privileged: true } } }))).toEqual([]);
  });
});
