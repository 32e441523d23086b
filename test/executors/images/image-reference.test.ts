import { describe, expect, it } from 'vitest';
import {
  credentialKey,
  credentialPath,
  lookupPaths,
  parseImageReference,
  pullReference,
  serviceName,
} from '../../../src/executors/images/image-reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    ['ruby', { path: 'ruby' }],
    ['ruby:3.3', { path: 'ruby', tag: '3.3' }],
    ['bitnami/redis', { path: 'bitnami/redis' }],
    ['localhost/app:1', { domain: 'localhost', path: 'app', tag: '1' }],
    ['localhost:5000/app', { domain: 'localhost:5000', path: 'app' }],
    ['registry.example.com:5000/group/tools/mysql:8.0', { domain: 'registry.example.com:5000', path: 'group/tools/mysql', tag: '8.0' }],
    [`namespace/service@${DIGEST}`, { path: 'namespace/service', digest: DIGEST }],
    [`img:1@${DIGEST}`, { path: 'img', tag: '1', digest: DIGEST }],
    ['Registry.Example.com/app', { domain: 'Registry.Example.com', path: 'app' }],
  ])('%s', (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });

  it.each(['', 'Ruby', 'ruby:', 'a//b', 'ruby:3.3:4', '-ruby', 'group/App'])('rejects %j', (image) => {
    expect(parseImageReference(image)).toBeNull();
  });
});

describe('pullReference', () => {
  it.each([
    ['alpine', 'alpine:latest'],
    ['alpine:3.18', 'alpine:3.18'],
    ['group/app', 'group/app:latest'],
    [`app@${DIGEST}`, `app@${DIGEST}`],
    // GitLab's check is only "has : or @": a registry port counts, so nothing is appended.
    ['localhost:5000/app', 'localhost:5000/app'],
  ])('%s → %s', (image, expected) => {
    expect(pullReference(image)).toBe(expected);
  });
});

describe('credentialPath (image → lookup path)', () => {
  it.each([
    ['ruby:3.3', 'docker.io/ruby'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis'],
    ['docker.io/library/ruby', 'docker.io/library/ruby'],
    ['index.docker.io/group/app:1', 'docker.io/group/app'],
    ['Registry.Example.COM:5000/Grp/app:1', 'registry.example.com:5000/Grp/app'],
    ['localhost/app', 'localhost/app'],
    [`registry.example.com/app@${DIGEST}`, 'registry.example.com/app'],
  ])('%s → %s', (image, expected) => {
    expect(credentialPath(image)).toBe(expected);
  });
});

describe('credentialKey (auths key → lookup path)', () => {
  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['http://Registry.Example.com:5000/v2/', 'registry.example.com:5000'],
    ['registry.example.com:5000', 'registry.example.com:5000'],
    ['registry.example.com', 'registry.example.com'],
    ['registry.example.com/group/app:tag', 'registry.example.com/group/app'],
    ['registry.example.com/group/', 'registry.example.com/group'],
    ['REGISTRY.example.com/Group', 'registry.example.com/Group'],
  ])('%s → %s', (key, expected) => {
    expect(credentialKey(key)).toBe(expected);
  });
});

it('lookupPaths walks from the full path up to the host', () => {
  expect(lookupPaths('registry.example.com:5000/grp/app')).toEqual([
    'registry.example.com:5000/grp/app',
    'registry.example.com:5000/grp',
    'registry.example.com:5000',
  ]);
});

describe('serviceName (runner-behavior.md §2.2)', () => {
  it.each([
    ['postgres:15', 'postgres', '15', ['postgres']],
    ['bitnami/redis', 'bitnami/redis', 'latest', ['bitnami__redis', 'bitnami-redis']],
    ['domain.tld:8080/namespace/service:version', 'domain.tld/namespace/service', 'version', ['domain.tld__namespace__service', 'domain.tld-namespace-service']],
    [`namespace/service@${DIGEST}`, 'namespace/service', `@${DIGEST}`, ['namespace__service', 'namespace-service']],
  ])('%s', (image, service, version, aliases) => {
    expect(serviceName(image)).toMatchObject({ service, version, aliases });
  });

  it('appends :latest to the image to pull and gives no aliases for unparsable names', () => {
    expect(serviceName('bitnami/redis').image).toBe('bitnami/redis:latest');
    expect(serviceName('Not A Name')).toEqual({ service: 'Not A Name', version: 'latest', image: 'Not A Name', aliases: [] });
  });
});
