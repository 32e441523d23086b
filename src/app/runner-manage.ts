// Use cases behind `glci runner verify`, `unregister` and `list` (GitLab Runner's commands/verify.go,
// unregister.go, list.go): each works on the `[[runners]]` of one config.toml, the file `glci runner run`
// reads. Lines are GitLab Runner's; a token is only ever shown shortened.
import { dirname, resolve } from 'node:path';
import { GlciError, UsageError } from '../errors.js';
import type { RunnerApi } from '../gitlab/api/runner-api.js';
import { runnerInfo } from '../gitlab/runner-info.js';
import { runnerCertsDir, runnerTlsFiles, type RunnerTlsSettings } from '../gitlab/runner-tls.js';
import { createProcessLog, formatProcessLine, type ProcessLog } from '../log/process-log.js';
import { readConfiguredRunners, removeRunners, type ConfiguredRunner } from '../runner-config/write-runner.js';
import { isAuthenticationToken, shortenRunnerToken } from '../variables/runner-token.js';
import { runnerConfigPath, type Env } from './load-runner-config.js';
import { loadRunnerApiFactory, runnerUserAgent, type RunnerApiFactory } from './runner-api-factory.js';
import { readOrCreateSystemId } from './runner-system-id.js';

/** The config.toml of the runner commands: --config, else GLCI_CONFIG, else glci's default location (as `glci runner run`). */
export function runnerConfigFile(options: { path?: string; env: Env; cwd?: string }): string {
  return resolve(options.cwd ?? process.cwd(), options.path || runnerConfigPath(options.env));
}

/** GitLab Runner's lines on stderr, as its logrus writes them; stdout stays for --json and list. */
export function stderrRunnerLog(): ProcessLog {
  return createProcessLog((line) => process.stderr.write(line), { format: 'runner' });
}

interface ManageBase {
  configFile: string;
  version: string;
  log: ProcessLog;
  api?: RunnerApiFactory;
  systemId?: (configDir: string) => Promise<string>;
}

/** One client per URL and TLS files (the entry's, else the certificate directory's for its host). */
async function apiMaker(base: ManageBase & { configFile: string }): Promise<(runner: RunnerTlsSettings) => RunnerApi> {
  const factory = base.api ?? (await loadRunnerApiFactory());
  const clients = new Map<string, RunnerApi>();
  const certsDir = runnerCertsDir(base.configFile);
  return (runner) => {
    const tls = runnerTlsFiles(runner, certsDir);
    const key = JSON.stringify([runner.url, tls]);
    let api = clients.get(key);
    if (!api) {
      api = factory({ url: runner.url, tls, userAgent: runnerUserAgent(base.version) });
      clients.set(key, api);
    }
    return api;
  };
}

export interface VerifyOptions extends ManageBase {
  /** Remove the entries GitLab does not know any more. */
  delete: boolean;
  name?: string;
}

export interface VerifiedRunner {
  name: string;
  url: string;
  runner: string;
  status: 'valid' | 'invalid' | 'failed';
}

function noMatch(configFile: string): GlciError {
  return new UsageError(`No runner matches the filtering parameters (config ${configFile})`, 'glci runner list shows the runners of that config.toml');
}

async function verifyOne(api: RunnerApi, runner: ConfiguredRunner, systemId: string, options: VerifyOptions): Promise<VerifiedRunner> {
  const short = shortenRunnerToken(runner.token);
  const created = isAuthenticationToken(runner.token);
  const base = { name: runner.name, url: runner.url, runner: short };
  try {
    const answer = await api.verify(runner.token, systemId, runnerInfo({ version: options.version, executor: runner.executor }));
    if (answer) {
      options.log.info(`Verifying runner... ${created ? 'is valid' : 'is alive'}`, { runner: short });
      return { ...base, status: 'valid' };
    }
    options.log.error(`Verifying runner... ${created ? 'is not valid' : 'is removed'}`, { runner: short });
    return { ...base, status: 'invalid' };
  } catch (err) {
    options.log.error('Verifying runner... failed', { runner: short, status: (err as Error).message });
    return { ...base, status: 'failed' };
  }
}

/** `glci runner verify [--delete] [--name N]`. Throws when a runner is not valid and --delete is not given. */
export async function verifyRunners(options: VerifyOptions): Promise<VerifiedRunner[]> {
  const all = await readConfiguredRunners(options.configFile);
  const chosen = all.filter((r) => options.name === undefined || r.name === options.name);
  if (chosen.length === 0) {
    if (options.name !== undefined) throw noMatch(options.configFile);
    return [];
  }
  const apiFor = await apiMaker(options);
  const systemId = await (options.systemId ?? readOrCreateSystemId)(dirname(options.configFile));
  const results: VerifiedRunner[] = [];
  for (const runner of chosen) results.push(await verifyOne(apiFor(runner), runner, systemId, options));
  const invalid = new Set(chosen.filter((_r, i) => results[i]!.status === 'invalid').map((r) => r.index));
  if (invalid.size > 0 && options.delete) {
    await removeRunners(options.configFile, (r) => invalid.has(r.index));
    options.log.info(`Updated ${options.configFile}`);
  } else if (invalid.size > 0 || results.some((r) => r.status === 'failed')) {
    throw new GlciError('usage', 'RUNNER_VERIFY_FAILED', 'Failed to verify runners', invalid.size > 0 ? 'glci runner verify --delete removes the entries GitLab does not know any more' : undefined);
  }
  return results;
}

export interface UnregisterOptions extends ManageBase {
  name?: string;
  url?: string;
  token?: string;
  allRunners: boolean;
}

export interface UnregisteredRunner {
  name: string;
  url: string;
  runner: string;
  /** A glrt- runner: only this machine's manager was removed in GitLab; the runner stays. */
  managerOnly: boolean;
}

function pickRunners(all: ConfiguredRunner[], options: UnregisterOptions): ConfiguredRunner[] {
  if (options.allRunners) return all;
  if (options.name !== undefined) return all.filter((r) => r.name === options.name);
  if (options.token !== undefined && options.url !== undefined) {
    const found = all.filter((r) => r.token === options.token);
    // A token given on the command line may be one config.toml does not hold (GitLab Runner allows that).
    return found.length > 0 ? found : [{ index: -1, name: '', url: options.url, token: options.token, executor: '' }];
  }
  throw new UsageError('say which runner to unregister: --name NAME, --url URL --token TOKEN, or --all-runners');
}

/** `glci runner unregister`: each runner is removed in GitLab, then from config.toml. */
export async function unregisterRunners(options: UnregisterOptions): Promise<UnregisteredRunner[]> {
  const all = await readConfiguredRunners(options.configFile);
  const chosen = pickRunners(all, options);
  if (chosen.length === 0) {
    if (options.allRunners) return [];
    throw noMatch(options.configFile);
  }
  const apiFor = await apiMaker(options);
  const systemId = await (options.systemId ?? readOrCreateSystemId)(dirname(options.configFile));
  const done: UnregisteredRunner[] = [];
  const removed = new Set<number>();
  let failed = 0;
  for (const runner of chosen) {
    const short = shortenRunnerToken(runner.token);
    const managerOnly = isAuthenticationToken(runner.token);
    const api = apiFor(runner);
    const what = managerOnly ? 'Unregistering runner manager from GitLab' : 'Unregistering runner from GitLab';
    let ok = false;
    try {
      ok = managerOnly ? await api.unregisterManager(runner.token, systemId) : await api.unregister(runner.token);
    } catch (err) {
      options.log.error(`${what} failed`, { runner: short, status: (err as Error).message });
      failed++;
      continue;
    }
    if (!ok) {
      options.log.error(`${what} forbidden`, { runner: short });
      failed++;
      continue;
    }
    options.log.info(`${what} succeeded`, { runner: short });
    done.push({ name: runner.name, url: runner.url, runner: short, managerOnly });
    if (runner.index >= 0) removed.add(runner.index);
  }
  if (removed.size > 0) {
    await removeRunners(options.configFile, (r) => removed.has(r.index));
    options.log.info(`Updated ${options.configFile}`);
  }
  if (failed > 0) throw new GlciError('usage', 'RUNNER_UNREGISTER_FAILED', `Failed to unregister ${failed} runner(s)`, 'the entries GitLab refused stay in config.toml; glci runner verify --delete removes the ones GitLab no longer knows');
  return done;
}

export interface ListedRunner {
  name: string;
  executor: string;
  /** Short token. */
  token: string;
  url: string;
}

/** `glci runner list`: GitLab Runner's lines (tokens shortened) and the entries. */
export async function listRunners(configFile: string, now: () => Date = () => new Date()): Promise<{ runners: ListedRunner[]; text: string }> {
  const runners = (await readConfiguredRunners(configFile)).map((r) => ({ name: r.name, executor: r.executor, token: shortenRunnerToken(r.token), url: r.url }));
  let text = formatProcessLine('runner', 'info', 'Listing configured runners', { ConfigFile: configFile }, now());
  for (const r of runners) text += formatProcessLine('runner', 'info', r.name, { Executor: r.executor, Token: r.token, URL: r.url }, now());
  return { runners, text };
}
