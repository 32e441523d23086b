import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobVariable } from '../../../src/model/plan.js';
import type { RunnerLineKind } from '../../../src/log/runner-lines.js';
import type { HelperRunner } from '../../../src/executors/images/credential-helpers.js';
import { describeLookup, lookupCredentials, type CredentialsInput } from '../../../src/executors/images/credentials.js';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glci-credentials-'));
  roots.push(dir);
  return dir;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');
const variable = (key: string, value: string): JobVariable => ({ key, value, public: false, masked: true, file: false, raw: false });

interface Setup {
  jobConfig?: unknown;
  runnerConfig?: unknown;
  env?: Record<string, string | undefined>;
  runHelper?: HelperRunner;
}

function input(setup: Setup): CredentialsInput & { lines: [RunnerLineKind, string][] } {
  const lines: [RunnerLineKind, string][] = [];
  const text = (doc: unknown) => (typeof doc === 'string' ? doc : JSON.stringify(doc));
  return {
    lines,
    variables: setup.jobConfig === undefined ? [] : [variable('OTHER', 'x'), variable('DOCKER_AUTH_CONFIG', text(setup.jobConfig))],
    runnerEnvironment: setup.runnerConfig === undefined ? [] : [{ key: 'DOCKER_AUTH_CONFIG', value: text(setup.runnerConfig) }],
    // An empty HOME: the machine's own ~/.docker/config.json never takes part.
    env: setup.env ?? { HOME: tempDir() },
    log: (kind, message) => lines.push([kind, message]),
    ...(setup.runHelper ? { runHelper: setup.runHelper } : {}),
  };
}

const user = (name: string) => ({ auth: b64(`${name}:${name}-secret`) });

describe('key normalisation and longest-path matching', () => {
  const auths = {
    'registry.example.com:5000': user('port-host'),
    'registry.example.com:5000/grp': user('port-group'),
    'Registry.Example.com': user('bare-host'),
    'https://index.docker.io/v1/': user('hub'),
    'http://legacy.example.com/v1/': user('legacy'),
  };

  it.each<[string, string | undefined, string]>([
    ['registry.example.com:5000/grp/app:1', 'port-group', 'registry.example.com:5000'],
    ['registry.example.com:5000/grp/sub/app', 'port-group', 'registry.example.com:5000'],
    ['registry.example.com:5000/other/app', 'port-host', 'registry.example.com:5000'],
    ['REGISTRY.EXAMPLE.COM:5000/grp/app', 'port-group', 'registry.example.com:5000'],
    // The port is part of the key: a host without one is another registry.
    ['registry.example.com/grp/app', 'bare-host', 'registry.example.com'],
    ['registry.example.com:5001/grp/app', undefined, 'registry.example.com:5001'],
    ['ruby:3.3', 'hub', 'docker.io'],
    ['docker.io/library/ruby', 'hub', 'docker.io'],
    ['index.docker.io/grp/app:1', 'hub', 'docker.io'],
    ['legacy.example.com/app', 'legacy', 'legacy.example.com'],
    ['other.example.com/app', undefined, 'other.example.com'],
  ])('%s → %s', async (image, expectedUser, registry) => {
    const lookup = await lookupCredentials(image, input({ jobConfig: { auths } }));
    expect(lookup.registry).toBe(registry);
    expect(lookup.match?.auth.username).toBe(expectedUser);
    if (expectedUser) expect(lookup.match?.auth.password).toBe(`${expectedUser}-secret`);
  });
});

describe('entry forms', () => {
  it.each<[string, unknown, Record<string, string> | undefined]>([
    ['auth (base64 user:password)', { auth: b64('u:p:with:colons') }, { username: 'u', password: 'p:with:colons' }],
    ['username and password', { username: 'u', password: 'p' }, { username: 'u', password: 'p' }],
    ['auth wins over username/password', { auth: b64('a:b'), username: 'u', password: 'p' }, { username: 'a', password: 'b' }],
    ['identity token', { identitytoken: 'tok' }, { identitytoken: 'tok' }],
    ['an empty placeholder is no credential', {}, undefined],
  ])('%s', async (_name, entry, expected) => {
    const lookup = await lookupCredentials('reg.example.com/app', input({ jobConfig: { auths: { 'reg.example.com': entry } } }));
    if (expected === undefined) expect(lookup.match).toBeUndefined();
    else expect(lookup.match?.auth).toEqual({ serveraddress: 'reg.example.com', ...expected });
  });
});

describe('source order', () => {
  function homeWith(file: string, doc: unknown): string {
    const home = tempDir();
    mkdirSync(join(home, '.docker'), { recursive: true });
    writeFileSync(join(home, file), JSON.stringify(doc));
    return home;
  }

  it('job variable, then [[runners]] environment, then the docker CLI config; the first to define a path keeps it', async () => {
    const home = homeWith('.docker/config.json', { auths: { 'reg.example.com': user('file'), 'only-file.example.com': user('file') } });
    const setup = { jobConfig: { auths: { 'reg.example.com': user('job') } }, runnerConfig: { auths: { 'reg.example.com': user('runner'), 'only-runner.example.com': user('runner') } }, env: { HOME: home } };
    const first = await lookupCredentials('reg.example.com/app', input(setup));
    expect(first.match).toMatchObject({ source: '$DOCKER_AUTH_CONFIG', auth: { username: 'job' } });
    const second = await lookupCredentials('only-runner.example.com/app', input(setup));
    expect(second.match).toMatchObject({ source: '$DOCKER_AUTH_CONFIG ([[runners]] environment)', auth: { username: 'runner' } });
    const third = await lookupCredentials('only-file.example.com/app', input(setup));
    expect(third.match).toMatchObject({ source: join(home, '.docker', 'config.json'), auth: { username: 'file' } });
  });

  it('a longer path from a later source beats a shorter one from an earlier source', async () => {
    const lookup = await lookupCredentials(
      'reg.example.com/grp/app',
      input({ jobConfig: { auths: { 'reg.example.com': user('host') } }, runnerConfig: { auths: { 'reg.example.com/grp': user('group') } } }),
    );
    expect(lookup.match?.auth.username).toBe('group');
  });

  it('reads $DOCKER_CONFIG/config.json instead of ~/.docker/config.json', async () => {
    const home = homeWith('.docker/config.json', { auths: { 'reg.example.com': user('home') } });
    const dockerConfig = tempDir();
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { 'reg.example.com': user('docker-config') } }));
    const lookup = await lookupCredentials('reg.example.com/app', input({ env: { HOME: home, DOCKER_CONFIG: dockerConfig } }));
    expect(lookup.match).toMatchObject({ source: join(dockerConfig, 'config.json'), auth: { username: 'docker-config' } });
  });

  it('falls back to the legacy ~/.dockercfg, whose top level is the auths map', async () => {
    const home = homeWith('.dockercfg', { 'https://reg.example.com': { auth: b64('legacy:pw'), email: 'x@example.com' } });
    const lookup = await lookupCredentials('reg.example.com/app', input({ env: { HOME: home } }));
    expect(lookup.match).toMatchObject({ source: join(home, '.dockercfg'), auth: { username: 'legacy', password: 'pw' } });
  });
});

describe('unusable sources are warnings', () => {
  it.each<[string, Setup, string]>([
    ['invalid JSON', { jobConfig: '{"auths": ' }, 'Failed to resolve credentials from $DOCKER_AUTH_CONFIG: the content is not valid JSON'],
    ['bad base64', { jobConfig: { auths: { 'reg.example.com': { auth: b64('no-colon') } } } }, 'Failed to resolve credentials from $DOCKER_AUTH_CONFIG: the "auth" value for "reg.example.com" is not base64 of user:password'],
    ['a missing helper', { runnerConfig: { credHelpers: { 'reg.example.com': 'glci-absent' } } }, 'Failed to resolve credentials from $DOCKER_AUTH_CONFIG ([[runners]] environment): docker-credential-glci-absent: executable file not found in $PATH'],
  ])('%s', async (_name, setup, start) => {
    const io = input({ env: { HOME: tempDir(), PATH: tempDir() }, ...setup });
    const lookup = await lookupCredentials('reg.example.com/app', io);
    expect(lookup.match).toBeUndefined();
    expect(io.lines).toHaveLength(1);
    expect(io.lines[0]?.[0]).toBe('warn');
    expect(io.lines[0]?.[1].startsWith(start)).toBe(true);
    expect(io.lines[0]?.[1].endsWith('. Credentials from this source will not be used.')).toBe(true);
  });

  it('never quotes the document in the warning (it may hold a secret)', async () => {
    const io = input({ jobConfig: '{"auths": {"reg.example.com": {"auth": s3cr3t-value}}}' });
    await lookupCredentials('reg.example.com/app', io);
    expect(io.lines[0]?.[1]).toMatch(/^Failed to resolve credentials from \$DOCKER_AUTH_CONFIG: the content is not valid JSON/);
    expect(io.lines[0]?.[1]).not.toContain('s3cr3t');
  });

  it('an unreadable config file is skipped and the next source still counts', async () => {
    const dockerConfig = tempDir();
    mkdirSync(join(dockerConfig, 'config.json')); // a directory: EISDIR
    const io = input({ runnerConfig: { auths: { 'reg.example.com': user('runner') } }, env: { DOCKER_CONFIG: dockerConfig } });
    const lookup = await lookupCredentials('reg.example.com/app', io);
    expect(lookup.match?.auth.username).toBe('runner');
    expect(io.lines[0]?.[1]).toMatch(/^Failed to resolve credentials from .*config\.json: EISDIR/);
  });

  it('an empty DOCKER_AUTH_CONFIG is simply not set', async () => {
    const io = input({ jobConfig: '  ' });
    const lookup = await lookupCredentials('reg.example.com/app', io);
    expect(io.lines).toEqual([]);
    expect(lookup.consulted[0]).toEqual({ source: '$DOCKER_AUTH_CONFIG', outcome: 'not-set' });
  });
});

describe('credential helpers', () => {
  function fakeHelper(store: Record<string, { Username: string; Secret: string }>): { calls: string[]; run: HelperRunner } {
    const calls: string[] = [];
    const run: HelperRunner = async (program, action, stdin) => {
      calls.push(`${program} ${action} ${stdin}`.trim());
      if (action === 'list') return JSON.stringify(Object.fromEntries(Object.entries(store).map(([k, v]) => [k, v.Username])));
      const hit = store[stdin];
      if (!hit) throw new Error(`${program} get: credentials not found in native keychain`);
      return JSON.stringify({ ServerURL: stdin, ...hit });
    };
    return { calls, run };
  }

  it('credsStore: list, then get only for the keys that can match the image', async () => {
    const { calls, run } = fakeHelper({
      'https://reg.example.com': { Username: 'store-user', Secret: 'store-secret' },
      'unrelated.example.com': { Username: 'x', Secret: 'y' },
    });
    const lookup = await lookupCredentials('reg.example.com/app', input({ jobConfig: { auths: { 'reg.example.com': {} }, credsStore: 'desktop' }, runHelper: run }));
    expect(lookup.match?.auth).toEqual({ serveraddress: 'https://reg.example.com', username: 'store-user', password: 'store-secret' });
    expect(calls).toEqual(['docker-credential-desktop list', 'docker-credential-desktop get https://reg.example.com']);
  });

  it('credHelpers override auths and credsStore within one document; <token> is an identity token', async () => {
    const { run } = fakeHelper({ 'reg.example.com': { Username: '<token>', Secret: 'oauth-token' } });
    const lookup = await lookupCredentials(
      'reg.example.com/app',
      input({ jobConfig: { auths: { 'reg.example.com': user('auths') }, credHelpers: { 'reg.example.com': 'ecr-login' } }, runHelper: run }),
    );
    expect(lookup.match?.auth).toEqual({ serveraddress: 'reg.example.com', identitytoken: 'oauth-token' });
  });

  it('a helper without credentials for the registry is no entry, not a failure', async () => {
    const { run } = fakeHelper({});
    const io = input({ jobConfig: { credHelpers: { 'reg.example.com': 'pass' } }, runHelper: run });
    const lookup = await lookupCredentials('reg.example.com/app', io);
    expect(lookup.match).toBeUndefined();
    expect(io.lines).toEqual([]);
  });

  it.each(['../../usr/bin/sudo', 'a/b', 'a\\b'])('refuses helper name %j (path traversal)', async (name) => {
    const { calls, run } = fakeHelper({});
    await expect(lookupCredentials('reg.example.com/app', input({ jobConfig: { credsStore: name }, runHelper: run }))).rejects.toMatchObject({
      code: 'DOCKER_AUTH_PATH_TRAVERSAL',
      message: `credential helper "${name}" named in $DOCKER_AUTH_CONFIG: path traversal is not allowed`,
    });
    expect(calls).toEqual([]);
  });

  it('runs a real docker-credential-glcitest from PATH, registry on stdin', async () => {
    const bin = tempDir();
    const calls = join(bin, 'calls.log');
    const script = join(bin, 'docker-credential-glcitest');
    writeFileSync(
      script,
      [
        '#!/bin/sh',
        'IFS= read -r server || true',
        'printf "%s %s\\n" "$1" "$server" >>"$GLCI_HELPER_CALLS"',
        'if [ "$1" = get ] && [ "$server" = "$GLCI_HELPER_REGISTRY" ]; then',
        '  printf \'{"ServerURL":"%s","Username":"%s","Secret":"%s"}\' "$server" "$GLCI_HELPER_USER" "$GLCI_HELPER_SECRET"',
        '  exit 0',
        'fi',
        'echo "credentials not found in native keychain"',
        'exit 1',
        '',
      ].join('\n'),
    );
    chmodSync(script, 0o755);
    const env = {
      HOME: tempDir(),
      PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
      GLCI_HELPER_CALLS: calls,
      GLCI_HELPER_REGISTRY: '127.0.0.1:5999',
      GLCI_HELPER_USER: 'helper-user',
      GLCI_HELPER_SECRET: 'helper-secret',
    };
    const config = { credHelpers: { '127.0.0.1:5999': 'glcitest', 'unrelated.example.com': 'glcitest' } };
    const lookup = await lookupCredentials('127.0.0.1:5999/private/app:1', input({ jobConfig: config, env }));
    expect(lookup.match).toMatchObject({ source: '$DOCKER_AUTH_CONFIG', auth: { username: 'helper-user', password: 'helper-secret' } });
    const missing = await lookupCredentials('127.0.0.1:6000/private/app:1', input({ jobConfig: { credHelpers: { '127.0.0.1:6000': 'glcitest' } }, env }));
    expect(missing.match).toBeUndefined();
    // Only the helpers that can match the image run; the registry arrives on stdin.
    expect(readFileSync(calls, 'utf8')).toBe('get 127.0.0.1:5999\nget 127.0.0.1:6000\n');
  });
});

describe('describeLookup (for error messages)', () => {
  it('names the sources consulted and never a secret', async () => {
    const home = tempDir();
    const none = await lookupCredentials('127.0.0.1:5000/private/app', input({ runnerConfig: { auths: { 'other.example.com': user('x') } }, env: { HOME: home } }));
    expect(describeLookup(none)).toBe(
      `no credentials for 127.0.0.1:5000 were found; looked in $DOCKER_AUTH_CONFIG (not set), $DOCKER_AUTH_CONFIG ([[runners]] environment) (no entry for it), ${join(home, '.docker', 'config.json')} (no such file)`,
    );
    const sent = await lookupCredentials('127.0.0.1:5000/private/app', input({ jobConfig: { auths: { '127.0.0.1:5000': user('u') } } }));
    expect(describeLookup(sent)).toBe('credentials for 127.0.0.1:5000 from $DOCKER_AUTH_CONFIG (key "127.0.0.1:5000") were sent');
    expect(describeLookup(sent)).not.toContain('u-secret');
  });
});
