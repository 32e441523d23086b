// One `[[runners]]` entry → RunnerSettings (runner-behavior.md §9.2,
// https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-runners-section).
import type { RunnerSettings } from '../model/runner.js';
import { readDocker, readEnvironment } from './docker-section.js';
import { readKubernetes } from './kubernetes-section.js';
import { readCache } from './cache-section.js';
import { DOCKER_SCHEMA, GITLAB_EXECUTORS, GLCI_EXECUTORS, RUNNER_SCHEMA, SHELLS } from './schema.js';
import { Section } from './section.js';
import { didYouMean } from './suggest.js';

/** `index`: 1-based position in the file (0 for the built-in default runner). */
export function readRunner(s: Section, index: number): RunnerSettings {
  s.checkKeys(RUNNER_SCHEMA, { schema: DOCKER_SCHEMA, table: '[runners.docker]' });
  // Read in the order `glci config show` lists them.
  const name = s.string('name');
  if (name === undefined) s.setOrigin('name', 'glci-default');
  const url = s.string('url') ?? '';
  const token = s.string('token') ?? '';
  const executor = readExecutor(s);
  const tags = s.strings('tags');
  const runUntagged = s.optionalBoolean('run_untagged');
  const runner: RunnerSettings = {
    name: name ?? `runner-${index}`,
    url,
    token,
    executor,
    environment: readEnvironment(s, 'environment'),
    buildsDir: s.string('builds_dir'),
    cacheDir: s.string('cache_dir'),
    shell: readShell(s),
    preBuildScript: s.string('pre_build_script'),
    postBuildScript: s.string('post_build_script'),
    // GitLab Runner's GetPreGetSourcesScript: the new key, else the deprecated *_clone_script one.
    preGetSourcesScript: s.string('pre_get_sources_script') ?? s.string('pre_clone_script'),
    postGetSourcesScript: s.string('post_get_sources_script') ?? s.string('post_clone_script'),
    limit: readLimit(s),
    featureFlags: s.booleanMap('feature_flags'),
    tags,
    // GitLab's default: a runner without tags picks up untagged jobs, one with tags does not.
    runUntagged: runUntagged ?? tags.length === 0,
    index,
    ...readRunnerMode(s),
  };
  const docker = readExecutorTable(s, executor, 'docker', readDocker);
  if (docker) runner.docker = docker;
  const kubernetes = readExecutorTable(s, executor, 'kubernetes', readKubernetes);
  if (kubernetes) runner.kubernetes = kubernetes;
  const cache = s.child('cache');
  if (cache) runner.cache = readCache(cache);
  return runner;
}

function readExecutor(s: Section): string {
  const path = s.keyPath('executor');
  const executor = s.string('executor');
  if (executor === undefined) {
    if (!s.has('executor')) s.error(s.path, `${s.path} needs an executor (glci runs ${GLCI_EXECUTORS.join(', ')})`);
    return '';
  }
  if (!(GITLAB_EXECUTORS as readonly string[]).includes(executor)) {
    s.error(path, `${path} "${executor}" is not a GitLab Runner executor${didYouMean(executor, GITLAB_EXECUTORS)}`);
  } else if (!(GLCI_EXECUTORS as readonly string[]).includes(executor)) {
    s.warn(path, `${path} "${executor}" is not supported by glci, which runs ${GLCI_EXECUTORS.join(', ')}: this runner cannot run jobs`);
  }
  return executor;
}

type RunnerModeSettings = Pick<RunnerSettings, 'id' | 'tokenObtainedAt' | 'tokenExpiresAt' | 'requestConcurrency' | 'outputLimit' | 'cloneUrl' | 'tlsCaFile' | 'tlsCertFile' | 'tlsKeyFile'>;

/** The keys register/verify write and `glci runner run` reads; optional ones are left out when unset. */
function readRunnerMode(s: Section): RunnerModeSettings {
  const settings: RunnerModeSettings = {
    requestConcurrency: positive(s, 'request_concurrency', 1),
    outputLimit: positive(s, 'output_limit', 4096),
  };
  // GitLab's ids are int64: one beyond 2^53 (never seen in practice) is left out rather than rounded.
  const id = s.read('id', 'an integer', (v) => (typeof v === 'number' || typeof v === 'bigint' ? v : undefined));
  if (id !== undefined && Number.isSafeInteger(Number(id))) settings.id = Number(id);
  const obtained = readDatetime(s, 'token_obtained_at');
  if (obtained) settings.tokenObtainedAt = obtained;
  if (s.has('token_expires_at')) settings.tokenExpiresAt = readDatetime(s, 'token_expires_at') ?? null;
  const cloneUrl = s.string('clone_url');
  if (cloneUrl) settings.cloneUrl = cloneUrl;
  const caFile = s.string('tls-ca-file');
  if (caFile) settings.tlsCaFile = caFile;
  const certFile = s.string('tls-cert-file');
  if (certFile) settings.tlsCertFile = certFile;
  const keyFile = s.string('tls-key-file');
  if (keyFile) settings.tlsKeyFile = keyFile;
  return settings;
}

/** GitLab Runner treats 0 and below as its default (`GetRequestConcurrency`, `GetOutputLimit`). */
function positive(s: Section, key: string, fallback: number): number {
  const value = s.integer(key, fallback);
  return value > 0 ? value : fallback;
}

/**
 * A TOML datetime (as GitLab Runner writes it) or an RFC 3339 string → RFC 3339 UTC without
 * milliseconds; Go's zero time `0001-01-01T00:00:00Z` (written for "never") → undefined.
 */
function readDatetime(s: Section, key: string): string | undefined {
  const date = s.read(key, 'a date-time (2006-01-02T15:04:05Z)', (v) => {
    const parsed = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null;
    return parsed && !Number.isNaN(parsed.getTime()) ? parsed : undefined;
  });
  if (!date || date.getUTCFullYear() <= 1) return undefined;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function readShell(s: Section): string | undefined {
  const shell = s.string('shell');
  if (shell !== undefined && !(SHELLS as readonly string[]).includes(shell)) {
    const path = s.keyPath('shell');
    s.error(path, `${path} "${shell}" is not a shell GitLab Runner knows (${SHELLS.join(', ')})${didYouMean(shell, SHELLS)}`);
  }
  return shell;
}

function readLimit(s: Section): number {
  const limit = s.integer('limit', 0);
  if (limit < 0) s.error(s.keyPath('limit'), `${s.keyPath('limit')} must be 0 (no limit) or more, not ${limit}`);
  return limit;
}

/**
 * An executor's table (`[runners.docker]`, `[runners.kubernetes]`), read whatever the executor
 * (docker+machine and docker-autoscaler use the docker one too). GitLab Runner refuses a runner of
 * that executor without its table; glci uses the defaults and says so.
 */
function readExecutorTable<T>(s: Section, executor: string, table: 'docker' | 'kubernetes', read: (section: Section) => T): T | undefined {
  const child = s.child(table);
  if (child) return read(child);
  if (executor !== table || s.has(table)) return undefined;
  s.warn(s.path, `${s.path} uses the ${table} executor but has no [runners.${table}] table: glci uses GitLab Runner's defaults`);
  return read(new Section(s.ctx, {}, s.keyPath(table), `${s.modelPath}.${table}`));
}
