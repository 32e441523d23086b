import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerRunner, type RegisterOptions } from '../../src/app/runner-register.js';
import { listRunners, unregisterRunners, verifyRunners } from '../../src/app/runner-manage.js';
import type { Prompter } from '../../src/app/runner-prompt.js';
import { RunnerApiError } from '../../src/gitlab/api/errors.js';
import type { LegacyRegistration, RunnerApi, RunnerApiOptions, RunnerCredentials } from '../../src/gitlab/api/runner-api.js';
import { createProcessLog } from '../../src/log/process-log.js';
import { parseRunnerConfig } from '../../src/runner-config/parse.js';

interface Call { method: string; args: unknown[] }

/** A RunnerApi answering as GitLab does (runner-behavior.md §8.2): valid tokens are in `known`. */
function fakeGitLab(known: Map<string, RunnerCredentials>, registerAnswer: RunnerCredentials | number = { id: 9, token: 'glrt-legacy-issued-token', tokenExpiresAt: null }) {
  const calls: Call[] = [];
  const urls: string[] = [];
  const api = {
    async verify(token: string, systemId: string) {
      calls.push({ method: 'verify', args: [token, systemId] });
      return known.get(token) ?? null;
    },
    async register(registrationToken: string, registration: LegacyRegistration) {
      calls.push({ method: 'register', args: [registrationToken, registration] });
      if (typeof registerAnswer === 'number') {
        throw new RunnerApiError(registerAnswer === 403 ? 'RUNNER_TOKEN_FORBIDDEN' : 'RUNNER_REGISTRATION_DISABLED', 'register_runner', `status ${registerAnswer}`, { status: registerAnswer });
      }
      return registerAnswer;
    },
    async unregister(token: string) {
      calls.push({ method: 'unregister', args: [token] });
      return known.has(token);
    },
    async unregisterManager(token: string, systemId: string) {
      calls.push({ method: 'unregisterManager', args: [token, systemId] });
      return known.has(token);
    },
  } as unknown as RunnerApi;
  return { calls, urls, factory: (options: RunnerApiOptions) => { urls.push(options.url); return api; } };
}

let dir: string;
let configFile: string;
let output: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glci-register-'));
  configFile = join(dir, 'config.toml');
  output = '';
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const log = () => createProcessLog((line) => { output += line; }, { format: 'runner' });
const NOW = new Date('2026-03-04T05:06:07.890Z');
const GLRT = 'glrt-t1_AbCdEf0123456789xyz';

function options(gitlab: ReturnType<typeof fakeGitLab>, overrides: Partial<RegisterOptions> = {}): RegisterOptions {
  return {
    url: 'https://gitlab.example/', token: GLRT, executor: 'docker', name: 'laptop', dockerImage: 'alpine:3.20', server: {},
    configFile, version: '1.2.3', log: log(), api: gitlab.factory, systemId: async () => 's_0123456789ab', now: () => new Date(NOW), hostname: 'host-1',
    ...overrides,
  };
}

describe('registerRunner with a glrt- runner authentication token', () => {
  it('verifies it, writes the runner with its id and times, and prints GitLab Runner\'s lines', async () => {
    const gitlab = fakeGitLab(new Map([[GLRT, { id: 4711, token: GLRT, tokenExpiresAt: '2026-12-01T00:00:00.000Z' }]]));
    const result = await registerRunner(options(gitlab));
    expect(gitlab.calls).toEqual([{ method: 'verify', args: [GLRT, 's_0123456789ab'] }]);
    expect(result).toMatchObject({ id: 4711, runner: 't1_AbCdEf', tokenKind: 'authentication', executor: 'docker' });
    const config = parseRunnerConfig(await readFile(configFile, 'utf8'), configFile);
    expect(config.runners[0]).toMatchObject({
      name: 'laptop', url: 'https://gitlab.example/', id: 4711, token: GLRT, tokenObtainedAt: '2026-03-04T05:06:07Z', tokenExpiresAt: '2026-12-01T00:00:00Z', executor: 'docker',
    });
    expect(config.runners[0]?.docker?.image).toBe('alpine:3.20');
    const lines = output.split('\n');
    expect(lines[0]).toMatch(/^Verifying runner\.\.\. is valid\s+runner=t1_AbCdEf$/);
    expect(lines[1]).toBe("Runner registered successfully. Feel free to start it, but if it's running already the config should be automatically reloaded!");
    expect(lines[2]).toBe(`Configuration (with the authentication token) was saved in "${configFile}"`);
    expect(output).not.toContain(GLRT);
  });

  it('says "is not valid" on 403 and writes nothing', async () => {
    const gitlab = fakeGitLab(new Map());
    await expect(registerRunner(options(gitlab))).rejects.toMatchObject({ code: 'RUNNER_TOKEN_INVALID', message: expect.stringContaining('Verifying runner... is not valid') });
    expect(output).toMatch(/^ERROR: Verifying runner\.\.\. is not valid\s+runner=t1_AbCdEf\n$/);
    await expect(readFile(configFile, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it.each([
    ['--tag-list', { tagList: 'a,b' }], ['--run-untagged', { runUntagged: true }], ['--locked=false', { locked: false }],
    ['--access-level', { accessLevel: 'ref_protected' as const }], ['--maximum-timeout', { maximumTimeout: 60 }], ['--paused', { paused: true }],
    ['--maintenance-note', { maintenanceNote: 'x' }],
  ])('refuses %s as GitLab Runner does, before calling GitLab', async (_flag, server) => {
    const gitlab = fakeGitLab(new Map([[GLRT, { id: 1, token: GLRT, tokenExpiresAt: null }]]));
    await expect(registerRunner(options(gitlab, { server }))).rejects.toThrow(/^Runner configuration other than name and executor configuration is reserved/);
    expect(gitlab.calls).toEqual([]);
  });

  it('takes --locked (true) silently, as GitLab Runner does', async () => {
    const gitlab = fakeGitLab(new Map([[GLRT, { id: 1, token: GLRT, tokenExpiresAt: null }]]));
    await expect(registerRunner(options(gitlab, { server: { locked: true }, executor: 'shell' }))).resolves.toMatchObject({ id: 1 });
  });

  it('undoes the manager registration when the config cannot be written', async () => {
    const gitlab = fakeGitLab(new Map([[GLRT, { id: 1, token: GLRT, tokenExpiresAt: null }]]));
    await expect(registerRunner(options(gitlab, { executor: 'docker+machine' }))).rejects.toThrow(/Invalid executor specified/);
    expect(gitlab.calls.map((c) => c.method)).toEqual(['verify', 'unregisterManager']);
  });
});

describe('registerRunner with a legacy registration token', () => {
  it('registers with the server settings, warns of the deprecation and stores the issued token', async () => {
    const gitlab = fakeGitLab(new Map());
    const result = await registerRunner(options(gitlab, {
      token: 'GR1348941abcdefghijklmnop', executor: 'shell', server: { tagList: 'docker, linux', locked: false, accessLevel: 'ref_protected', maximumTimeout: 3600, maintenanceNote: 'n' },
    }));
    expect(gitlab.calls).toEqual([{ method: 'register', args: ['GR1348941abcdefghijklmnop', {
      description: 'laptop', tagList: ['docker', 'linux'], runUntagged: false, locked: false, accessLevel: 'ref_protected', paused: false, maximumTimeout: 3600, maintenanceNote: 'n',
    }] }]);
    expect(result).toMatchObject({ id: 9, tokenKind: 'registration' });
    const lines = output.split('\n');
    expect(lines[0]).toBe("WARNING: Support for registration tokens and runner parameters in the 'register' command has been deprecated in GitLab Runner 15.6 and will be replaced with support for authentication tokens. For more information, see https://docs.gitlab.com/ci/runners/new_creation_workflow/");
    expect(lines[1]).toMatch(/^Registering runner\.\.\. succeeded\s+runner=GR1348941abcdefgh$/);
    const config = parseRunnerConfig(await readFile(configFile, 'utf8'), configFile);
    expect(config.runners[0]).toMatchObject({ token: 'glrt-legacy-issued-token', id: 9, tokenExpiresAt: null, executor: 'shell' });
  });

  it('runs untagged jobs when no tags are given', async () => {
    const gitlab = fakeGitLab(new Map());
    await registerRunner(options(gitlab, { token: 'legacy-token-1234', executor: 'shell' }));
    expect((gitlab.calls[0]?.args[1] as LegacyRegistration).runUntagged).toBe(true);
  });

  it('names 403 and 410 as GitLab does', async () => {
    await expect(registerRunner(options(fakeGitLab(new Map(), 403), { token: 'legacy-token-1234' }))).rejects.toThrow('Registering runner... forbidden (check registration token)');
    const gone = registerRunner(options(fakeGitLab(new Map(), 410), { token: 'legacy-token-1234' }));
    await expect(gone).rejects.toMatchObject({ code: 'RUNNER_REGISTRATION_DISABLED', hint: expect.stringContaining('Settings > CI/CD > Runners > New project runner') });
  });
});

describe('prompts and usage errors', () => {
  it('without a terminal, a missing flag is a usage error naming it', async () => {
    const gitlab = fakeGitLab(new Map());
    await expect(registerRunner(options(gitlab, { url: undefined }))).rejects.toMatchObject({ kind: 'usage', message: expect.stringContaining('--url is required') });
    await expect(registerRunner(options(gitlab, { token: undefined }))).rejects.toThrow(/--token is required/);
    const verified = fakeGitLab(new Map([[GLRT, { id: 1, token: GLRT, tokenExpiresAt: null }]]));
    await expect(registerRunner(options(verified, { dockerImage: undefined }))).rejects.toThrow(/--docker-image is required/);
  });

  it('asks GitLab Runner\'s questions for what is missing, hostname as the default name', async () => {
    const asked: string[] = [];
    const answers = ['https://gitlab.example/', GLRT, '', 'bogus', 'docker', 'ruby:3.3'];
    const prompter: Prompter = { ask: async (q, d) => { asked.push(d ? `${q} [${d}]` : q); return answers.shift() ?? ''; }, close: () => {} };
    const gitlab = fakeGitLab(new Map([[GLRT, { id: 3, token: GLRT, tokenExpiresAt: null }]]));
    const result = await registerRunner(options(gitlab, { url: undefined, token: undefined, name: undefined, executor: undefined, dockerImage: undefined, prompter }));
    expect(asked).toEqual([
      'Enter the GitLab instance URL (for example, https://gitlab.com/):',
      'Enter the registration token:',
      'Enter a name for the runner. This is stored only in the local config.toml file: [host-1]',
      'Enter an executor: shell, docker, kubernetes:',
      'Enter an executor: shell, docker, kubernetes:',
      'Enter the default Docker image (for example, ruby:3.3):',
    ]);
    expect(result).toMatchObject({ name: 'host-1', executor: 'docker' });
    expect(output).toContain('ERROR: Invalid executor specified');
  });
});

describe('verify, unregister, list', () => {
  const LEGACY = 'legacytoken0123456789';
  async function twoRunners(gitlab: ReturnType<typeof fakeGitLab>) {
    await registerRunner(options(gitlab, { name: 'one', executor: 'shell' }));
    await registerRunner(options(gitlab, { name: 'two', executor: 'shell', token: 'GR1348941registration', }));
  }

  it('verify prints is valid / is removed and --delete removes the invalid entry', async () => {
    const known = new Map([[GLRT, { id: 1, token: GLRT, tokenExpiresAt: null }]]);
    const gitlab = fakeGitLab(known, { id: 2, token: LEGACY, tokenExpiresAt: null });
    await twoRunners(gitlab);
    output = '';
    const base = { configFile, version: '1', log: log(), api: gitlab.factory, systemId: async () => 's_0123456789ab' };
    await expect(verifyRunners({ ...base, delete: false })).rejects.toThrow('Failed to verify runners');
    expect(output).toMatch(/^Verifying runner\.\.\. is valid\s+runner=t1_AbCdEf\nERROR: Verifying runner\.\.\. is removed\s+runner=legacyto\n$/);
    output = '';
    await verifyRunners({ ...base, delete: true });
    expect(output).toContain(`Updated ${configFile}`);
    expect((await listRunners(configFile)).runners.map((r) => r.name)).toEqual(['one']);
  });

  it('unregister: a glrt- runner loses only this manager; the entry leaves config.toml', async () => {
    const known = new Map([[GLRT, { id: 1, token: GLRT, tokenExpiresAt: null }], [LEGACY, { id: 2, token: LEGACY, tokenExpiresAt: null }]]);
    const gitlab = fakeGitLab(known, { id: 2, token: LEGACY, tokenExpiresAt: null });
    await twoRunners(gitlab);
    gitlab.calls.length = 0;
    const base = { configFile, version: '1', log: log(), api: gitlab.factory, systemId: async () => 's_0123456789ab' };
    await unregisterRunners({ ...base, name: 'one', allRunners: false });
    expect(gitlab.calls).toEqual([{ method: 'unregisterManager', args: [GLRT, 's_0123456789ab'] }]);
    await unregisterRunners({ ...base, allRunners: true });
    expect(gitlab.calls[1]).toEqual({ method: 'unregister', args: [LEGACY] });
    expect((await listRunners(configFile)).runners).toEqual([]);
    await expect(unregisterRunners({ ...base, name: 'nope', allRunners: false })).rejects.toThrow(/No runner matches/);
  });

  it('list shows GitLab Runner\'s lines with short tokens only', async () => {
    const gitlab = fakeGitLab(new Map([[GLRT, { id: 1, token: GLRT, tokenExpiresAt: null }]]));
    await registerRunner(options(gitlab, { name: 'one', executor: 'shell' }));
    const { text } = await listRunners(configFile);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Listing configured runners\\s+ConfigFile=${configFile.replace(/[.]/g, '\\.')}$`));
    expect(lines[1]).toMatch(/^one\s+Executor=shell Token=t1_AbCdEf URL=https:\/\/gitlab\.example\/$/);
    expect(text).not.toContain(GLRT);
  });
});
