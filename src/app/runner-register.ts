// Use case behind `glci runner register` (runner-behavior.md §8.2, GitLab Runner's commands/register.go):
// a `glrt-` runner authentication token is verified (`POST runners/verify`) and stored with its id;
// any other token is a legacy registration token, exchanged for a runner token (`POST runners`) with
// GitLab's deprecation warning. The runner is then appended to config.toml. Settings that live on the
// server for `glrt-` runners (tags, locked, ...) are refused with GitLab Runner's message.
import { hostname as osHostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { GlciError, UsageError } from '../errors.js';
import type { LegacyRegistration, RunnerApi, RunnerCredentials } from '../gitlab/api/runner-api.js';
import { runnerInfo } from '../gitlab/runner-info.js';
import { runnerCertsDir, runnerTlsFiles, tlsFilesProblem, type RunnerTlsSettings } from '../gitlab/runner-tls.js';
import type { ProcessLog } from '../log/process-log.js';
import { addRunner } from '../runner-config/write-runner.js';
import { isAuthenticationToken, shortenRunnerToken } from '../variables/runner-token.js';
import { loadRunnerApiFactory, runnerUserAgent, type RunnerApiFactory } from './runner-api-factory.js';
import { PROMPTS, valueOrAsk, type Prompter } from './runner-prompt.js';
import { readOrCreateSystemId } from './runner-system-id.js';

/** The executors glci registers (and runs). */
export const REGISTER_EXECUTORS = ['shell', 'docker', 'kubernetes'] as const;
const DOCS = 'https://docs.gitlab.com/ci/runners/new_creation_workflow/';

/** The legacy registration's server-side settings; for a `glrt-` token they are refused. */
export interface ServerSettings {
  tagList?: string;
  runUntagged?: boolean;
  locked?: boolean;
  accessLevel?: 'not_protected' | 'ref_protected';
  maximumTimeout?: number;
  paused?: boolean;
  maintenanceNote?: string;
}

export interface RegisterOptions {
  url?: string;
  token?: string;
  executor?: string;
  name?: string;
  dockerImage?: string;
  /** `--tls-ca-file`, `--tls-cert-file`, `--tls-key-file`: used to reach GitLab and written to the entry. */
  tls?: { tlsCaFile?: string | undefined; tlsCertFile?: string | undefined; tlsKeyFile?: string | undefined };
  server: ServerSettings;
  /** The config.toml to write (see runner-manage.ts `runnerConfigFile`). */
  configFile: string;
  /** Questions for what the flags left open; undefined with --non-interactive or without a terminal. */
  prompter?: Prompter;
  version: string;
  /** GitLab Runner's lines (WARNING:, `Verifying runner... is valid`, ...). */
  log: ProcessLog;
  api?: RunnerApiFactory;
  systemId?: (configDir: string) => Promise<string>;
  now?: () => Date;
  hostname?: string;
}

export interface RegisterResult {
  configFile: string;
  name: string;
  url: string;
  id: number;
  /** The runner's short token (never the whole one). */
  runner: string;
  executor: string;
  tokenKind: 'authentication' | 'registration';
  systemId: string;
}

/** GitLab Runner's ensureServerConfigArgsEmpty: `locked` defaults to true, the rest to empty. */
function refuseServerSettings(server: ServerSettings): void {
  const set = server.locked === false || server.accessLevel !== undefined || server.runUntagged === true || (server.maximumTimeout ?? 0) !== 0
    || server.paused === true || (server.tagList ?? '') !== '' || (server.maintenanceNote ?? '') !== '';
  if (!set) return;
  throw new UsageError(
    'Runner configuration other than name and executor configuration is reserved (specifically --locked, --access-level, --run-untagged, '
      + '--maximum-timeout, --paused, --tag-list, and --maintenance-note) and cannot be specified when registering with a runner authentication token. '
      + 'This configuration is specified on the GitLab server. Please try again without specifying any of those arguments. '
      + `For more information, see ${DOCS}#changes-to-the-gitlab-runner-register-command-syntax`,
    'set tags, protection and timeouts on the runner in GitLab (Settings > CI/CD > Runners), then register with only --url, --token, --executor and --name',
  );
}

interface Context {
  options: RegisterOptions;
  api: RunnerApi;
  url: string;
  token: string;
  systemId: string;
  /** The TLS flags given, written to the entry. */
  tls: Pick<RunnerTlsSettings, 'tlsCaFile' | 'tlsCertFile' | 'tlsKeyFile'>;
}

async function verifyAuthenticationToken(ctx: Context): Promise<RunnerCredentials> {
  const short = shortenRunnerToken(ctx.token);
  const info = runnerInfo({ version: ctx.options.version });
  const credentials = await ctx.api.verify(ctx.token, ctx.systemId, info);
  if (!credentials) {
    ctx.options.log.error('Verifying runner... is not valid', { runner: short });
    throw new GlciError('usage', 'RUNNER_TOKEN_INVALID', `Verifying runner... is not valid (runner ${short} at ${ctx.url})`, 'create a runner in GitLab (Settings > CI/CD > Runners > New project runner) and use its glrt- token; a token once removed in GitLab stays invalid');
  }
  ctx.options.log.info('Verifying runner... is valid', { runner: short });
  return { ...credentials, token: credentials.token || ctx.token };
}

async function registerLegacy(ctx: Context, name: string): Promise<RunnerCredentials> {
  const { options } = ctx;
  const tagList = await valueOrAsk(options.server.tagList, options.prompter, { flag: '--tag-list', question: PROMPTS.tagList, optional: true });
  const maintenanceNote = await valueOrAsk(options.server.maintenanceNote, options.prompter, { flag: '--maintenance-note', question: PROMPTS.maintenanceNote, optional: true });
  const tags = tagList.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const registration: LegacyRegistration = {
    description: name,
    tagList: tags,
    // GitLab Runner: without tags, the runner runs untagged jobs.
    runUntagged: tags.length === 0 ? true : options.server.runUntagged ?? false,
    locked: options.server.locked ?? true,
    accessLevel: options.server.accessLevel ?? 'not_protected',
    paused: options.server.paused ?? false,
    ...(options.server.maximumTimeout ? { maximumTimeout: options.server.maximumTimeout } : {}),
    ...(maintenanceNote ? { maintenanceNote } : {}),
  };
  options.log.warn(
    "Support for registration tokens and runner parameters in the 'register' command has been deprecated in GitLab Runner 15.6 and will be "
      + `replaced with support for authentication tokens. For more information, see ${DOCS}`,
  );
  const short = shortenRunnerToken(ctx.token);
  try {
    const credentials = await ctx.api.register(ctx.token, registration, runnerInfo({ version: options.version }));
    options.log.info('Registering runner... succeeded', { runner: short });
    return credentials;
  } catch (err) {
    throw legacyError(err, short, ctx.url);
  }
}

function legacyError(err: unknown, short: string, url: string): unknown {
  const code = err instanceof GlciError ? err.code : '';
  const status = (err as { status?: number }).status;
  if (code === 'RUNNER_TOKEN_FORBIDDEN' || status === 403) {
    return new GlciError('usage', 'RUNNER_TOKEN_INVALID', `Registering runner... forbidden (check registration token) (runner ${short} at ${url})`, 'copy the registration token again, or create a runner in GitLab and register with its glrt- token');
  }
  if (code === 'RUNNER_REGISTRATION_DISABLED' || status === 410) {
    return new GlciError(
      'usage',
      'RUNNER_REGISTRATION_DISABLED',
      `Registering runner... failed: ${url} has registration tokens disabled (410 Gone)`,
      'create a runner in GitLab (Settings > CI/CD > Runners > New project runner) and register with its glrt- runner authentication token',
    );
  }
  return err;
}

async function askExecutor(options: RegisterOptions): Promise<string> {
  for (;;) {
    const executor = await valueOrAsk(options.executor, options.prompter, { flag: '--executor', question: PROMPTS.executor(REGISTER_EXECUTORS) });
    if ((REGISTER_EXECUTORS as readonly string[]).includes(executor)) return executor;
    if (!options.prompter || options.executor !== undefined) {
      throw new UsageError(`Invalid executor specified: "${executor}"`, `glci runs ${REGISTER_EXECUTORS.join(', ')}; it scales through the kubernetes executor instead of docker+machine, docker-autoscaler or instance`);
    }
    options.log.error('Invalid executor specified');
  }
}

/** The TLS flags that were given, as config.toml keys' settings (paths made absolute, as the runner runs elsewhere). */
function definedTls(given: RegisterOptions['tls']): Pick<RunnerTlsSettings, 'tlsCaFile' | 'tlsCertFile' | 'tlsKeyFile'> {
  const out: Pick<RunnerTlsSettings, 'tlsCaFile' | 'tlsCertFile' | 'tlsKeyFile'> = {};
  if (given?.tlsCaFile) out.tlsCaFile = resolve(given.tlsCaFile);
  if (given?.tlsCertFile) out.tlsCertFile = resolve(given.tlsCertFile);
  if (given?.tlsKeyFile) out.tlsKeyFile = resolve(given.tlsKeyFile);
  return out;
}

/** Registers (or verifies) the runner and appends it to config.toml. */
export async function registerRunner(options: RegisterOptions): Promise<RegisterResult> {
  const url = await valueOrAsk(options.url, options.prompter, { flag: '--url', question: PROMPTS.url });
  if (!/^https?:\/\//i.test(url)) throw new UsageError(`--url "${url}" is not an http(s) URL`, 'give the GitLab instance URL, for example https://gitlab.com/');
  const token = await valueOrAsk(options.token, options.prompter, { flag: '--token', question: PROMPTS.token });
  const authentication = isAuthenticationToken(token);
  if (authentication) refuseServerSettings(options.server);
  const factory = options.api ?? (await loadRunnerApiFactory());
  const tlsGiven = definedTls(options.tls);
  const tls = runnerTlsFiles({ url, ...tlsGiven }, runnerCertsDir(options.configFile));
  const tlsProblem = tlsFilesProblem(tls);
  if (tlsProblem) throw new UsageError(tlsProblem, 'give existing PEM files to --tls-ca-file, --tls-cert-file and --tls-key-file');
  const api = factory({ url, tls, userAgent: runnerUserAgent(options.version) });
  const systemId = await (options.systemId ?? readOrCreateSystemId)(dirname(options.configFile));
  const ctx: Context = { options, api, url, token, systemId, tls: tlsGiven };
  const defaultName = options.hostname ?? osHostname();
  let name: string;
  let credentials: RunnerCredentials;
  if (authentication) {
    credentials = await verifyAuthenticationToken(ctx);
    name = await valueOrAsk(options.name, options.prompter, { flag: '--name', question: PROMPTS.name, defaultValue: defaultName });
  } else {
    name = await valueOrAsk(options.name, options.prompter, { flag: '--name', question: PROMPTS.legacyName, defaultValue: defaultName });
    credentials = await registerLegacy(ctx, name);
  }
  const result = await store(ctx, credentials, name);
  options.log.info("Runner registered successfully. Feel free to start it, but if it's running already the config should be automatically reloaded!");
  options.log.info(`Configuration (with the authentication token) was saved in ${JSON.stringify(options.configFile)}`);
  return { ...result, tokenKind: authentication ? 'authentication' : 'registration' };
}

async function store(ctx: Context, credentials: RunnerCredentials, name: string): Promise<Omit<RegisterResult, 'tokenKind'>> {
  const { options } = ctx;
  let executor = '';
  try {
    executor = await askExecutor(options);
    const dockerImage = executor === 'docker'
      ? await valueOrAsk(options.dockerImage, options.prompter, { flag: '--docker-image', question: PROMPTS.dockerImage })
      : options.dockerImage;
    const now = (options.now ?? (() => new Date()))();
    now.setUTCMilliseconds(0);
    await addRunner(options.configFile, {
      name, url: ctx.url, id: credentials.id, token: credentials.token, tokenObtainedAt: now.toISOString(), tokenExpiresAt: credentials.tokenExpiresAt, executor,
      ...(dockerImage ? { dockerImage } : {}),
      ...ctx.tls,
    });
  } catch (err) {
    await undoRegistration(ctx, credentials);
    throw err;
  }
  return { configFile: options.configFile, name, url: ctx.url, id: credentials.id, runner: shortenRunnerToken(credentials.token), executor, systemId: ctx.systemId };
}

/**
 * GitLab Runner removes what it registered when the command fails afterwards: the legacy runner, or
 * this machine's manager of a `glrt-` runner (the runner itself stays in GitLab).
 */
async function undoRegistration(ctx: Context, credentials: RunnerCredentials): Promise<void> {
  try {
    if (isAuthenticationToken(ctx.token)) await ctx.api.unregisterManager(credentials.token, ctx.systemId);
    else await ctx.api.unregister(credentials.token);
  } catch {
    // The original error is what the user needs; a failed clean-up leaves a runner GitLab shows as never contacted.
  }
}
