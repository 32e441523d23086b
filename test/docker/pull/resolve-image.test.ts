// resolveImage against the real engine of the test bed and a real htpasswd-protected registry
// (test/setup/registry.ts): credentials, pull policies and GitLab's fallback lines, end to end.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PullPolicy } from '../../../src/model/config.js';
import type { DockerSettings } from '../../../src/model/runner.js';
import type { RunnerLineKind } from '../../../src/log/runner-lines.js';
import { ExecutorError } from '../../../src/errors.js';
import { createDockerClient, type PullProgress } from '../../../src/executors/docker/client.js';
import { resolveEngineAddress } from '../../../src/executors/docker/engine-address.js';
import { createPullSession, resolveImage, type ImageRequest, type PullContext } from '../../../src/executors/docker/pull/resolve-image.js';
import { ensureImage } from '../../../fixtures/images/build.js';
import { startRegistry, type TestRegistry } from '../../setup/registry.js';
import { dockerSettings } from '../../support/runner-settings.js';

const docker = new Docker();
const client = createDockerClient(resolveEngineAddress({ env: process.env }));
const roots: string[] = [];
/** Every reference a test pulled or tagged; removed after each test. */
const created = new Set<string>();
let registry: TestRegistry;
let busybox: string;

beforeAll(async () => {
  busybox = await ensureImage('busybox');
  registry = await startRegistry();
}, 15 * 60_000);

afterEach(async () => {
  for (const reference of created) await docker.getImage(reference).remove().catch(() => undefined);
  created.clear();
});

afterAll(async () => {
  await registry?.stop();
  roots.forEach((root) => rmSync(root, { recursive: true, force: true }));
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glci-pull-'));
  roots.push(dir);
  return dir;
}

const authConfig = (user: string, password: string) =>
  JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } });

interface Run {
  lines: string[];
  progress: PullProgress[];
  ctx: PullContext;
}

function run(options: { settings?: Partial<DockerSettings>; jobAuth?: string; runnerAuth?: string; env?: Record<string, string | undefined> } = {}): Run {
  const lines: string[] = [];
  const progress: PullProgress[] = [];
  const ctx: PullContext = {
    client,
    settings: dockerSettings({ pullPolicy: ['always'], pullPolicyOrigin: 'file', allowedPullPolicies: [], ...options.settings }),
    variables: options.jobAuth ? [{ key: 'DOCKER_AUTH_CONFIG', value: options.jobAuth, public: false, masked: false, file: false, raw: false }] : [],
    runnerEnvironment: options.runnerAuth ? [{ key: 'DOCKER_AUTH_CONFIG', value: options.runnerAuth }] : [],
    // An empty HOME: the machine's own docker login never takes part.
    env: options.env ?? { HOME: tempDir(), PATH: process.env.PATH },
    log: (kind: RunnerLineKind, message: string) => lines.push(`${kind}: ${message}`),
    onProgress: (p) => progress.push(p),
    retryDelayMs: () => 0,
  };
  return { lines, progress, ctx };
}

function request(name: string, pullPolicy?: PullPolicy[]): ImageRequest {
  return { name, kind: 'image', internal: false, ...(pullPolicy ? { pullPolicy } : {}) };
}

async function failure(promise: Promise<unknown>): Promise<ExecutorError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExecutorError);
    return error as ExecutorError;
  }
  throw new Error('expected resolveImage to fail');
}

function expectNoSecret(run: Run, ...texts: (string | undefined)[]): void {
  for (const text of [...run.lines, ...texts]) expect(text ?? '').not.toContain(registry.password);
}

/** A port nothing listens on: a registry there refuses connections. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('private registry credentials', () => {
  it('pulls a private image with DOCKER_AUTH_CONFIG, one line per layer status', async () => {
    const r = run({ jobAuth: authConfig(registry.user, registry.password) });
    created.add(registry.image);
    const facts = await resolveImage(request(registry.image), r.ctx);
    const inspected = await docker.getImage(registry.image).inspect();
    expect(facts.id).toBe(inspected.Id);
    expect(r.lines.slice(0, 3)).toEqual([
      `print: Using effective pull policy of [always] for container ${registry.image}`,
      'print: Authenticating with credentials from $DOCKER_AUTH_CONFIG',
      `print: Pulling docker image ${registry.image} ...`,
    ]);
    expect(r.lines.some((l) => /^print: [0-9a-f]{12}: Pulling fs layer$/.test(l))).toBe(true);
    expect(r.lines.some((l) => /^print: [0-9a-f]{12}: Pull complete$/.test(l))).toBe(true);
    expect(r.lines.filter((l) => l.includes('Extracting')).length).toBeLessThanOrEqual(1);
    const digest = inspected.RepoDigests?.find((d) => d.startsWith(`${registry.host}/private/busybox@`));
    expect(r.lines.at(-1)).toBe(`print: Using docker image ${facts.id} for ${registry.image} with digest ${digest} ...`);
    expect(r.progress.length).toBeGreaterThan(0);
    expectNoSecret(r);
  });

  it('is refused without credentials, naming the sources consulted and hinting DOCKER_AUTH_CONFIG', async () => {
    const r = run();
    const error = await failure(resolveImage(request(registry.image), r.ctx));
    expect(error.code).toBe('DOCKER_PULL_DENIED');
    expect(error.message).toContain(`failed to pull image "${registry.image}" with specified policies [always]: Error response from daemon: `);
    expect(error.message).toContain('no basic auth credentials');
    expect(error.message).toContain(`Docker engine ${client.address}`);
    expect(error.message).toContain(`no credentials for ${registry.host} were found; looked in $DOCKER_AUTH_CONFIG (not set)`);
    expect(error.hint).toContain('DOCKER_AUTH_CONFIG');
    expect(r.lines.at(-1)).toMatch(/^warn: Failed to pull image with policy "always": Error response from daemon: .*no basic auth credentials$/);
    expect(r.lines.some((l) => l.includes('Authenticating'))).toBe(false);
  });

  it('names the source whose credentials the registry refused, never the secret', async () => {
    const wrong = `wrong-${registry.password}`;
    const r = run({ runnerAuth: authConfig(registry.user, wrong) });
    const error = await failure(resolveImage(request(registry.image), r.ctx));
    expect(error.code).toBe('DOCKER_PULL_DENIED');
    expect(r.lines).toContain('print: Authenticating with credentials from $DOCKER_AUTH_CONFIG ([[runners]] environment)');
    expect(error.message).toContain(`credentials for ${registry.host} from $DOCKER_AUTH_CONFIG ([[runners]] environment)`);
    expect(error.hint).toContain('DOCKER_AUTH_CONFIG');
    expectNoSecret(r, error.message, error.hint);
  });

  it('gets the credentials from a credHelpers program in $DOCKER_CONFIG/config.json', async () => {
    const bin = tempDir();
    const helper = join(bin, 'docker-credential-glcitest');
    writeFileSync(
      helper,
      '#!/bin/sh\nIFS= read -r server || true\n[ "$1" = get ] && [ "$server" = "$GLCI_HELPER_REGISTRY" ] || { echo "credentials not found in native keychain"; exit 1; }\n' +
        'printf \'{"ServerURL":"%s","Username":"%s","Secret":"%s"}\' "$server" "$GLCI_HELPER_USER" "$GLCI_HELPER_SECRET"\n',
    );
    chmodSync(helper, 0o755);
    const dockerConfig = tempDir();
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ credHelpers: { [registry.host]: 'glcitest' } }));
    const env = {
      HOME: tempDir(),
      DOCKER_CONFIG: dockerConfig,
      PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
      GLCI_HELPER_REGISTRY: registry.host,
      GLCI_HELPER_USER: registry.user,
      GLCI_HELPER_SECRET: registry.password,
    };
    const r = run({ env });
    created.add(registry.image);
    await resolveImage(request(registry.image), r.ctx);
    expect(r.lines).toContain(`print: Authenticating with credentials from ${join(dockerConfig, 'config.json')}`);
    expectNoSecret(r);
  });

  it('says so when the registry has no such image', async () => {
    const missing = `${registry.host}/private/nope:1`;
    const r = run({ jobAuth: authConfig(registry.user, registry.password) });
    const error = await failure(resolveImage(request(missing), r.ctx));
    expect(error.code).toBe('DOCKER_IMAGE_NOT_FOUND');
    expect(error.message).toContain('manifest unknown');
    expect(error.message).toContain(`the registry has no image ${missing}`);
  });
});

describe('pull policies against the engine', () => {
  it('never: a missing image is a clear error', async () => {
    const absent = `glci-test/absent-${randomUUID().slice(0, 8)}:1`;
    const r = run({ settings: { pullPolicy: ['never'] } });
    const error = await failure(resolveImage(request(absent), r.ctx));
    expect(error.code).toBe('DOCKER_IMAGE_MISSING');
    expect(error.message).toBe(
      `failed to pull image "${absent}" with specified policies [never]: Error response from daemon: No such image: ${absent} (Docker engine ${client.address}; the "never" pull policy uses only images already on the engine)`,
    );
    expect(error.hint).toContain('pull or build');
    expect(r.lines).toEqual([
      `print: Using effective pull policy of [never] for container ${absent}`,
      `warn: Failed to pull image with policy "never": Error response from daemon: No such image: ${absent}`,
    ]);
  });

  it('[never, if-not-present]: falls back to pulling', async () => {
    const r = run({ settings: { pullPolicy: ['always'], allowedPullPolicies: ['never', 'if-not-present'] }, jobAuth: authConfig(registry.user, registry.password) });
    created.add(registry.image);
    const facts = await resolveImage(request(registry.image, ['never', 'if-not-present']), r.ctx);
    expect(r.lines.slice(0, 6)).toEqual([
      `print: Using effective pull policy of [never if-not-present] for container ${registry.image}`,
      `warn: Failed to pull image with policy "never": Error response from daemon: No such image: ${registry.image}`,
      'info: Attempt #2: Trying "if-not-present" pull policy',
      'print: Authenticating with credentials from $DOCKER_AUTH_CONFIG',
      `print: Pulling docker image ${registry.image} ...`,
      expect.stringMatching(/^print: 1: Pulling from private\/busybox$/),
    ]);
    expect(r.lines.at(-1)).toContain(`Using docker image ${facts.id} for ${registry.image} with digest `);
  });

  it('[always, if-not-present]: an unreachable registry falls back to the local image', async () => {
    const local = `127.0.0.1:${await closedPort()}/glci/busybox:fallback`;
    const [repo, tag] = [local.slice(0, local.lastIndexOf(':')), 'fallback'];
    await docker.getImage(busybox).tag({ repo, tag });
    created.add(local);
    const r = run({ settings: { pullPolicy: ['always', 'if-not-present'] } });
    const facts = await resolveImage(request(local), r.ctx);
    expect(facts.id).toBe((await docker.getImage(busybox).inspect()).Id);
    const refused = r.lines.find((l) => l.startsWith('warn: '));
    expect(refused).toMatch(/^warn: Failed to pull image with policy "always": Error response from daemon: .*connection refused$/);
    expect(r.lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
    const after = r.lines.slice(r.lines.indexOf(refused as string) + 1);
    expect(after[0]).toBe('info: Attempt #2: Trying "if-not-present" pull policy');
    expect(after[1]).toBe('print: Using locally found image version due to "if-not-present" pull policy');
    expect(after[2]).toMatch(new RegExp(`^print: Using docker image ${facts.id} for ${local.replaceAll('.', '\\.')}( with digest \\S+)? \\.\\.\\.$`));
  });

  it('if-not-present: a local image is used without pulling; glci’s default is explained once', async () => {
    const r = run({ settings: { pullPolicy: ['if-not-present'], pullPolicyOrigin: 'glci-default' } });
    r.ctx.session = createPullSession();
    const facts = await resolveImage(request(busybox), r.ctx);
    await resolveImage({ ...request(busybox), kind: 'service' }, r.ctx);
    expect(r.lines.some((l) => l.includes('Pulling'))).toBe(false);
    expect(r.lines.filter((l) => l.includes('because there is no config.toml'))).toHaveLength(1);
    expect(r.lines.slice(0, 3)).toEqual([
      `print: Using effective pull policy of [if-not-present] for container ${busybox}`,
      expect.stringContaining('glci uses the "if-not-present" pull policy because there is no config.toml'),
      'print: Using locally found image version due to "if-not-present" pull policy',
    ]);
    expect(r.lines[3]).toMatch(new RegExp(`^print: Using docker image ${facts.id} for ${busybox} `));
  });

  it('refuses a policy outside allowed_pull_policies and an image outside allowed_images before touching the engine', async () => {
    const policy = await failure(resolveImage(request(busybox, ['if-not-present']), run().ctx));
    expect(policy.code).toBe('DOCKER_PULL_POLICY');
    const r = run({ settings: { allowedImages: ['ruby:*'] } });
    const refused = await failure(resolveImage(request(busybox), r.ctx));
    expect(refused).toMatchObject({ code: 'DOCKER_IMAGE_NOT_ALLOWED', message: 'disallowed image' });
    expect(r.lines).toContain(`error: The "${busybox}" image is not present on list of allowed images:`);
  });
});
