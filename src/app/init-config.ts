// `glci init`: writes a commented GitLab Runner config.toml that works as it is, in one of three styles
// (a plain docker runner, Docker-in-Docker over TLS, or the host's engine socket). For TLS DinD it asks
// the engine whether privileged containers start (the probe `glci doctor` uses) and adds glci's
// `privileged_fallback` where they do not, so the first DinD job does not fail on a capability error.
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { FallbackHostConfig } from '../executors/docker/privileged-fallback.js';
import { UsageError } from '../errors.js';
import type { ClientFactory } from './doctor-engine.js';
import { defaultRunnerConfigPath, type Env } from './load-runner-config.js';

export type DindStyle = 'tls' | 'socket';
export type InitStyle = 'docker' | 'dind-tls' | 'dind-socket';

export interface TemplateInput {
  style: InitStyle;
  concurrent: number;
  /** Why privileged containers cannot work here: then `privileged_fallback = true` goes in, with the reason. */
  refusal: { message: string; tried: boolean } | null;
  /** The host engine's socket for `dind-socket` (default /var/run/docker.sock). */
  socketPath: string | null;
}

/** The image jobs without `image:` get: small, with a shell and a package manager. */
export const PLAIN_IMAGE = 'alpine:latest';
/** The docker CLI image, matching doctor's default dind image (docker:24.0.5-dind). */
export const DOCKER_IMAGE = 'docker:24.0.5';

const HEADER = (concurrent: number) => `# glci runner configuration, in GitLab Runner's config.toml format
# (https://docs.gitlab.com/runner/configuration/advanced-configuration/), written by \`glci init\`.
# Check what glci reads with \`glci config show\`, and whether this machine can run it with \`glci doctor\`.

# Jobs running at once across all runners (GitLab Runner's default is 1; this is the number of CPUs here).
concurrent = ${concurrent}

[[runners]]
  name = "glci-local"
  # url and token are added by \`gitlab-runner register\`; local runs need neither.
  executor = "docker"
  [runners.docker]
`;

const PULL_POLICY = `    # GitLab Runner pulls "always" by default. if-not-present uses an image already here, so local runs
    # start faster and work offline; a job may still ask for \`pull_policy: always\` (allowed below).
    pull_policy = ["if-not-present"]
    allowed_pull_policies = ["always", "if-not-present", "never"]
`;

/** `text` as `#` comment lines of at most ~100 characters, indented like the [runners.docker] keys. */
export function commentLines(text: string, indent = '    ', width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + 2 + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}# ${l}\n`).join('');
}

function fallbackLines(refusal: { message: string; tried: boolean }): string {
  const message = refusal.message.slice(0, 300);
  const why = refusal.tried
    ? `When \`glci init\` started a privileged container, this engine refused it ("${message}"): the host's kernel (or a sandbox) withholds some capabilities`
    : `${message[0]!.toUpperCase()}${message.slice(1)}`;
  const text = `glci extension, unknown to GitLab Runner. ${why}, so privileged = true cannot work here. With privileged_fallback, glci starts such containers with every capability the host allows, seccomp and AppArmor unconfined and /sys/fs/cgroup writable, which is enough for docker:dind. Remove it before giving this file to gitlab-runner.`;
  return `${commentLines(text)}    privileged_fallback = true\n`;
}

function dindTls(refusal: TemplateInput['refusal']): string {
  return `    # Jobs that name no image get the docker CLI; their docker:dind service is the engine it talks to.
    image = "${DOCKER_IMAGE}"
    # docker:dind runs its own dockerd inside the service container, which needs privileged containers.
    privileged = true
${refusal ? fallbackLines(refusal) : ''}    # /certs/client is one volume shared by the job and its services: the dind service writes its TLS
    # client certificates there (with DOCKER_TLS_CERTDIR=/certs) and the docker CLI in the job reads
    # them. /cache holds the job's cache, as GitLab Runner mounts it.
    volumes = ["/certs/client", "/cache"]
`;
}

function dindSocket(socketPath: string | null): string {
  const source = socketPath ?? '/var/run/docker.sock';
  return `    # Jobs that name no image get the docker CLI.
    image = "${DOCKER_IMAGE}"
    # The host engine's socket in every job: \`docker\` in a job drives the engine glci itself uses, so
    # what jobs build and run sits next to your own containers, bind mounts name paths on this machine,
    # and any job can do whatever the engine can (root on this machine). Only for pipelines you trust.
    # /cache holds the job's cache, as GitLab Runner mounts it.
    volumes = ["${source}:/var/run/docker.sock", "/cache"]
`;
}

/** The config.toml text for a style: TOML that parseRunnerConfig reads without errors. */
export function renderRunnerConfig(input: TemplateInput): string {
  let docker: string;
  if (input.style === 'dind-tls') docker = dindTls(input.refusal);
  else if (input.style === 'dind-socket') docker = dindSocket(input.socketPath);
  else docker = `    # Jobs that name no image get this one.\n    image = "${PLAIN_IMAGE}"\n`;
  return `${HEADER(input.concurrent)}${docker}${PULL_POLICY}`;
}

export interface InitOptions {
  /** `--dind tls|socket`; none: one plain docker runner. */
  dind?: DindStyle;
  /** `--config PATH`, relative to `cwd`; default: `defaultRunnerConfigPath(env)`. */
  path?: string;
  /** Overwrite an existing file. */
  force: boolean;
  /** Ask the engine whether privileged containers start (`--dind tls` only). */
  probe: boolean;
  env: Env;
  cwd?: string;
  /** Tests: the probe's image (default: the first of the written image, the dind image, busybox, alpine found locally). */
  probeImage?: string;
  createClient?: ClientFactory;
  fallback?: FallbackHostConfig;
}

/** What the engine said about privileged containers, when init asked. */
export type InitProbe =
  | { result: 'not-asked'; reason: string }
  | { result: 'allowed' }
  | { result: 'refused'; message: string; tried: boolean }
  | { result: 'unknown'; reason: string };

export interface InitResult {
  path: string;
  style: InitStyle;
  content: string;
  privilegedFallback: boolean;
  probe: InitProbe;
  /** How to use the file, one line each. */
  next: string[];
}

function styleOf(dind: DindStyle | undefined): InitStyle {
  if (dind === 'tls') return 'dind-tls';
  return dind === 'socket' ? 'dind-socket' : 'docker';
}

async function probeEngine(options: InitOptions, images: string[]): Promise<InitProbe> {
  if (!options.probe) return { result: 'not-asked', reason: '--no-probe' };
  // dockerode is loaded only on this path.
  const [{ checkEngine }, containers, { hostFallbackConfig }] = await Promise.all([
    import('./doctor-engine.js'),
    import('./doctor-containers.js'),
    import('../executors/docker/host-privileges.js'),
  ]);
  const engine = await checkEngine({ docker: undefined, env: options.env, ...(options.createClient ? { createClient: options.createClient } : {}) });
  if (!engine.client) return { result: 'unknown', reason: `no engine answered (${engine.check.detail?.[0] ?? engine.check.summary})` };
  const image = await containers.firstLocalImage(engine.client, options.probeImage ? [options.probeImage] : [...images, ...containers.COMMON_IMAGES]);
  const probe = await containers.probePrivileged(engine.client, image, { fallback: options.fallback ?? hostFallbackConfig(), isLocalEngine: engine.local });
  if (probe.privileged === 'allowed') return { result: 'allowed' };
  return probe.privileged === 'refused' ? { result: 'refused', message: probe.message, tried: probe.tried } : { result: 'unknown', reason: probe.reason };
}

/** The local socket of the engine glci would use, for `--dind socket` (podman and rootless engines live elsewhere). */
async function hostSocket(env: Env): Promise<string | null> {
  try {
    const { resolveEngineAddress } = await import('../executors/docker/engine-address.js');
    return resolveEngineAddress({ env }).socketPath ?? null;
  } catch {
    return null;
  }
}

function nextSteps(path: string, isDefault: boolean, style: InitStyle, probe: InitProbe): string[] {
  const config = isDefault ? '' : ` --config ${path}`;
  const steps = [`glci config show${config}   # what glci reads from it`, `glci doctor${config}   # whether this engine can run it`, `glci run${config}   # run the pipeline with it`];
  if (!isDefault) steps.push(`(or export GLCI_CONFIG=${path} instead of passing --config)`);
  if (style === 'dind-tls' && (probe.result === 'unknown' || probe.result === 'not-asked')) {
    steps.push(`privileged containers were not tried (${probe.reason}): if \`glci doctor\` says they are refused, add privileged_fallback = true under [runners.docker]`);
  }
  if (style === 'dind-tls') steps.push('in .gitlab-ci.yml: image: docker:24.0.5, services: [docker:24.0.5-dind], variables: DOCKER_TLS_CERTDIR: "/certs"');
  if (style === 'dind-socket') steps.push('in .gitlab-ci.yml: image: docker:24.0.5 and no docker:dind service; `docker` in the job talks to the host engine');
  return steps;
}

async function writeNew(path: string, content: string, force: boolean): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    // `wx` fails if the file exists: no window between a check and the write.
    await writeFile(path, content, { encoding: 'utf8', flag: force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${path} already exists`, 'pass --force to overwrite it (or --config PATH to write another file)');
    if (code === 'EISDIR') throw new UsageError(`${path} is a directory`, 'name the config.toml file itself');
    throw error;
  }
}

export async function initRunnerConfig(options: InitOptions): Promise<InitResult> {
  const style = styleOf(options.dind);
  const defaultPath = defaultRunnerConfigPath(options.env);
  const path = options.path ? resolve(options.cwd ?? process.cwd(), options.path) : defaultPath;
  const probe: InitProbe = style === 'dind-tls' ? await probeEngine(options, ['docker:24.0.5', 'docker:24.0.5-dind']) : { result: 'not-asked', reason: 'no privileged containers in this style' };
  const content = renderRunnerConfig({
    style,
    concurrent: Math.max(1, availableParallelism()),
    refusal: probe.result === 'refused' ? { message: probe.message, tried: probe.tried } : null,
    socketPath: style === 'dind-socket' ? await hostSocket(options.env) : null,
  });
  await writeNew(path, content, options.force);
  return { path, style, content, privilegedFallback: probe.result === 'refused', probe, next: nextSteps(path, path === defaultPath, style, probe) };
}
