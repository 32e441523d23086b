// Registry credentials → the job's kubernetes.io/dockercfg pull secret.
import { describe, expect, it } from 'vitest';
import { dockercfg, pullCredentials, pullSecretManifest, pullSecretName, randomSuffix } from '../../../src/executors/kubernetes/pull-secret.js';
import { variable } from '../../support/planned-job.js';

const decode = (data: string | undefined) => JSON.parse(Buffer.from(data ?? '', 'base64').toString('utf8')) as unknown;

describe('pullSecretManifest', () => {
  it('is a labelled dockercfg secret whose .dockercfg holds each registry\'s user, password and auth', () => {
    const secret = pullSecretManifest({ name: 'runner-glci-4-9-a1b2c3d4', pipelineId: 4, jobId: 9 }, [
      { key: 'registry.example.com:5000', auth: { serveraddress: 'registry.example.com:5000', username: 'ci', password: 's3cret' } },
      { key: 'https://index.docker.io/v1/', auth: { serveraddress: 'https://index.docker.io/v1/', identitytoken: 'tok' } },
    ]);
    expect({ ...secret, data: undefined }).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockercfg',
      metadata: { name: 'runner-glci-4-9-a1b2c3d4', labels: { 'app.kubernetes.io/managed-by': 'glci', 'job.glci.dev/pipeline': '4', 'job.glci.dev/id': '9' } },
      data: undefined,
    });
    expect(Object.keys(secret.data ?? {})).toEqual(['.dockercfg']);
    expect(decode(secret.data?.['.dockercfg'])).toEqual({
      'registry.example.com:5000': { username: 'ci', password: 's3cret', auth: Buffer.from('ci:s3cret').toString('base64') },
      'https://index.docker.io/v1/': { identitytoken: 'tok' },
    });
  });

  it('keeps the first credential of a registry key', () => {
    expect(dockercfg([
      { key: 'r.example', auth: { serveraddress: 'r.example', username: 'a', password: '1' } },
      { key: 'r.example', auth: { serveraddress: 'r.example', username: 'b', password: '2' } },
    ])).toEqual({ 'r.example': { username: 'a', password: '1', auth: Buffer.from('a:1').toString('base64') } });
  });
});

describe('pullSecretName', () => {
  it('ends in eight random [a-z0-9] and never exceeds 63 characters', () => {
    expect(randomSuffix()).toMatch(/^[a-z0-9]{8}$/);
    expect(randomSuffix(Buffer.from([0, 25, 26, 35, 36, 61, 255, 100]))).toBe('az09azd2');
    expect(pullSecretName('runner-glci-4-9', 'abcd1234')).toBe('runner-glci-4-9-abcd1234');
    const long = pullSecretName(`runner-glci-${'9'.repeat(40)}-${'8'.repeat(40)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^runner-glci-9+-?[0-9]*-[a-z0-9]{8}$/);
  });
});

describe('pullCredentials', () => {
  const auth = (user: string) => JSON.stringify({ auths: { 'registry.example.com': { auth: Buffer.from(`${user}:pw`).toString('base64') } } });
  const input = (text: string) => ({ variables: [variable('DOCKER_AUTH_CONFIG', text)], runnerEnvironment: [], env: {}, log: () => undefined });

  it('takes DOCKER_AUTH_CONFIG\'s credentials for the registries of the job\'s images only', async () => {
    const text = JSON.stringify({ auths: { 'registry.example.com': { username: 'ci', password: 'pw' }, 'other.example.com': { username: 'x', password: 'y' } } });
    const found = await pullCredentials(['registry.example.com/group/app:1', 'registry.example.com/group/db:2', 'alpine:3'], input(text));
    expect(found).toEqual([{ key: 'registry.example.com', auth: { serveraddress: 'registry.example.com', username: 'ci', password: 'pw' } }]);
  });

  it('finds nothing when no source has the registry, and warns once about an unreadable source', async () => {
    const lines: string[] = [];
    const found = await pullCredentials(['a.example/x', 'b.example/y'], { ...input('{not json'), log: (_kind, message) => lines.push(message) });
    expect(found).toEqual([]);
    expect(lines).toEqual(['Failed to resolve credentials from $DOCKER_AUTH_CONFIG: the content is not valid JSON (at position 1). Credentials from this source will not be used.']);
    expect(await pullCredentials(['registry.example.com/app'], input(auth('u')))).toHaveLength(1);
  });
});
