// Registry credentials for one image (runner-behavior.md §3.4, GitLab Runner helpers/docker/auth).
// Sources in order: the DOCKER_AUTH_CONFIG job variable, DOCKER_AUTH_CONFIG in `[[runners]]
// environment`, then the host's docker CLI config. The first source that defines a registry path keeps
// it; the image's path is then looked up from its full length up to the registry host.
// https://docs.gitlab.com/ci/docker/using_docker_images/#access-an-image-from-a-private-container-registry
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobVariable } from '../../model/plan.js';
import type { RunnerLineKind } from '../../log/runner-lines.js';
import type { RegistryAuth } from './registry-auth.js';
import { ExecutorError } from '../../errors.js';
import { documentCredentials, parseAuthDocument, type DocumentCredential } from './auth-document.js';
import { PathTraversalError, type HelperRunner } from './credential-helpers.js';
import { credentialPath, lookupPaths, registryOfPath } from './image-reference.js';

/** GitLab's name for the variable source, used in `Authenticating with credentials from …`. */
export const AUTH_CONFIG_VARIABLE_SOURCE = '$DOCKER_AUTH_CONFIG';
export const AUTH_CONFIG_RUNNER_SOURCE = '$DOCKER_AUTH_CONFIG ([[runners]] environment)';

export interface CredentialsInput {
  variables: readonly JobVariable[];
  runnerEnvironment: readonly { key: string; value: string }[];
  /** The host environment: DOCKER_CONFIG, HOME, and PATH for docker-credential-* helpers. */
  env: Readonly<Record<string, string | undefined>>;
  log: (kind: RunnerLineKind, message: string) => void;
  /** Runs credential helpers; default: the real programs. */
  runHelper?: HelperRunner;
}

/** What one source said about the image's registry, for messages (never holds a secret). */
export interface ConsultedSource {
  source: string;
  outcome: 'matched' | 'no-entry' | 'not-set' | 'no-file' | 'failed';
}

export interface CredentialLookup {
  /** The image's lookup path, e.g. `registry.example.com:5000/grp/app`. */
  path: string;
  /** Its registry host, e.g. `registry.example.com:5000`, `docker.io`. */
  registry: string;
  /** The credentials chosen, with the source they came from. */
  match?: { source: string; key: string; auth: RegistryAuth };
  consulted: ConsultedSource[];
}

/** One source in order: its text, or why there is none. */
type SourceState = { source: string; file?: boolean } & ({ text: string; legacy: boolean } | { missing: true } | { error: Error });

function lastValue(entries: readonly { key: string; value: string }[], key: string): string | undefined {
  let value: string | undefined;
  for (const entry of entries) if (entry.key === key) value = entry.value;
  return value;
}

function variableSource(source: string, text: string | undefined): SourceState {
  return text === undefined || text.trim() === '' ? { source, missing: true } : { source, text, legacy: false };
}

function readText(source: string, legacy: boolean): SourceState {
  try {
    return { source, file: true, text: readFileSync(source, 'utf8'), legacy };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { source, file: true, missing: true } : { source, file: true, error: error as Error };
  }
}

/** The docker CLI's own file: `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`, else the legacy `~/.dockercfg`. */
function hostConfig(env: CredentialsInput['env']): SourceState {
  const home = env.HOME;
  const primary = env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : home ? join(home, '.docker', 'config.json') : undefined;
  const fromPrimary = primary ? readText(primary, false) : undefined;
  if (fromPrimary && !('missing' in fromPrimary)) return fromPrimary;
  if (!home) return fromPrimary ?? { source: 'the docker CLI config (HOME is not set)', missing: true };
  const legacy = readText(join(home, '.dockercfg'), true);
  return 'missing' in legacy && fromPrimary ? fromPrimary : legacy;
}

function sources(input: CredentialsInput): SourceState[] {
  return [
    variableSource(AUTH_CONFIG_VARIABLE_SOURCE, lastValue(input.variables, 'DOCKER_AUTH_CONFIG')),
    variableSource(AUTH_CONFIG_RUNNER_SOURCE, lastValue(input.runnerEnvironment, 'DOCKER_AUTH_CONFIG')),
    hostConfig(input.env),
  ];
}

function pathTraversal(error: PathTraversalError, source: string): ExecutorError {
  return new ExecutorError(
    'DOCKER_AUTH_PATH_TRAVERSAL',
    `credential helper "${error.helper}" named in ${source}: path traversal is not allowed`,
    'name a helper by its suffix only: "credsStore": "pass" runs docker-credential-pass from PATH',
  );
}

/** The credentials one source holds for the wanted paths, or the reason it cannot be used. */
async function readSource(state: SourceState, wanted: ReadonlySet<string>, input: CredentialsInput): Promise<DocumentCredential[] | Error | null> {
  if ('missing' in state) return null;
  if ('error' in state) return state.error;
  try {
    const document = parseAuthDocument(state.text, state.legacy);
    if (!document) return null;
    return await documentCredentials(document, { wanted, env: input.env, ...(input.runHelper ? { runHelper: input.runHelper } : {}) });
  } catch (error) {
    if (error instanceof PathTraversalError) throw pathTraversal(error, state.source);
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Finds the credentials to pull `image` with; `match` is absent when no source has any. */
export async function lookupCredentials(image: string, input: CredentialsInput): Promise<CredentialLookup> {
  const path = credentialPath(image);
  const candidates = lookupPaths(path);
  const wanted = new Set(candidates);
  const consulted: ConsultedSource[] = [];
  const merged = new Map<string, { source: string; credential: DocumentCredential }>();
  for (const state of sources(input)) {
    const result = await readSource(state, wanted, input);
    if (result === null) {
      consulted.push({ source: state.source, outcome: state.file && 'missing' in state ? 'no-file' : 'not-set' });
    } else if (result instanceof Error) {
      input.log('warn', `Failed to resolve credentials from ${state.source}: ${result.message}. Credentials from this source will not be used.`);
      consulted.push({ source: state.source, outcome: 'failed' });
    } else {
      // The first source that defines a path keeps it (GitLab ignores later duplicates).
      for (const credential of result) if (!merged.has(credential.path)) merged.set(credential.path, { source: state.source, credential });
      consulted.push({ source: state.source, outcome: result.length > 0 ? 'matched' : 'no-entry' });
    }
  }
  const lookup: CredentialLookup = { path, registry: registryOfPath(path), consulted };
  const hit = candidates.map((candidate) => merged.get(candidate)).find((entry) => entry !== undefined);
  if (hit) lookup.match = { source: hit.source, key: hit.credential.key, auth: hit.credential.auth };
  return lookup;
}

/** A sentence naming the sources consulted for the registry, for error messages (no secrets). */
export function describeLookup(lookup: CredentialLookup): string {
  if (lookup.match) return `credentials for ${lookup.registry} from ${lookup.match.source} (key "${lookup.match.key}") were sent`;
  const looked = lookup.consulted.map((c) => `${c.source} (${OUTCOME_WORDS[c.outcome]})`);
  return `no credentials for ${lookup.registry} were found; looked in ${looked.join(', ')}`;
}

const OUTCOME_WORDS: Record<ConsultedSource['outcome'], string> = {
  matched: 'has other entries',
  'no-entry': 'no entry for it',
  'not-set': 'not set',
  'no-file': 'no such file',
  failed: 'unreadable',
};
