// One Docker `config.json` document (DOCKER_AUTH_CONFIG's content, ~/.docker/config.json, the legacy
// ~/.dockercfg) turned into credentials per registry key. Within a document `auths` come first, then
// `credsStore`, then `credHelpers`, each overriding the one before for the same key, as the docker CLI
// and GitLab Runner do (runner-behavior.md §3.4).
import type { RegistryAuth } from './registry-auth.js';
import { helperGet, helperList, helperProgram, type HelperCredential, type HelperRunner } from './credential-helpers.js';
import { credentialKey } from './image-reference.js';

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

/** The parts of a config.json that hold credentials. */
export interface AuthDocument {
  auths: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers: Record<string, string>;
}

/** Credentials for one registry key as found in a document. */
export interface DocumentCredential {
  /** The key as written (`https://index.docker.io/v1/`, `registry.example.com:5000`). */
  key: string;
  /** `credentialKey(key)`: what image paths are matched against. */
  path: string;
  auth: RegistryAuth;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringField(entry: Record<string, unknown>, name: string): string | undefined {
  const value = entry[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function authEntries(raw: unknown, where: string): Record<string, AuthEntry> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new Error(`${where} is not an object`);
  const entries: Record<string, AuthEntry> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!isRecord(value)) throw new Error(`${where}["${key}"] is not an object`);
    const entry: AuthEntry = {};
    for (const field of ['auth', 'username', 'password', 'identitytoken'] as const) {
      const text = stringField(value, field);
      if (text !== undefined) entry[field] = text;
    }
    entries[key] = entry;
  }
  return entries;
}

/**
 * Parses a document; null for an empty one (nothing configured, not an error). `legacy` reads the
 * old `.dockercfg` shape, whose top level is the `auths` map itself.
 */
export function parseAuthDocument(text: string, legacy = false): AuthDocument | null {
  if (text.trim() === '') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (error) {
    // Only the position: V8's message quotes the text around the error, which may be a secret.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new Error(`the content is not valid JSON${position ? ` (at position ${position})` : ''}`);
  }
  if (!isRecord(raw)) throw new Error('the content is not a JSON object');
  if (legacy && !('auths' in raw)) return { auths: authEntries(raw, 'the document'), credHelpers: {} };
  const helpers = raw.credHelpers;
  if (helpers !== undefined && helpers !== null && !isRecord(helpers)) throw new Error('"credHelpers" is not an object');
  const credHelpers: Record<string, string> = {};
  for (const [key, value] of Object.entries(helpers ?? {})) {
    if (typeof value !== 'string') throw new Error(`"credHelpers"["${key}"] is not a string`);
    credHelpers[key] = value;
  }
  const store = raw.credsStore;
  if (store !== undefined && typeof store !== 'string') throw new Error('"credsStore" is not a string');
  return { auths: authEntries(raw.auths, '"auths"'), credHelpers, ...(store ? { credsStore: store } : {}) };
}

/** `auth` (base64 `user:password`) wins over `username`/`password`, as in the docker CLI. Null when empty. */
export function entryAuth(key: string, entry: AuthEntry): RegistryAuth | null {
  let { username, password } = entry;
  if (entry.auth !== undefined) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw new Error(`the "auth" value for "${key}" is not base64 of user:password`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (!username && !password && !entry.identitytoken) return null; // a placeholder entry (credentials live in a store)
  return {
    serveraddress: key,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(entry.identitytoken ? { identitytoken: entry.identitytoken } : {}),
  };
}

function helperAuth(key: string, credential: HelperCredential): RegistryAuth {
  // The helper protocol's convention for OAuth identity tokens.
  if (credential.username === '<token>') return { serveraddress: key, identitytoken: credential.secret };
  return { serveraddress: key, username: credential.username, password: credential.secret };
}

export interface DocumentOptions {
  /** Only keys whose lookup path is one of these are read from helpers (helpers are slow processes). */
  wanted: ReadonlySet<string>;
  env: Readonly<Record<string, string | undefined>>;
  runHelper?: HelperRunner;
}

/** The credentials a document holds for the wanted paths; a failing helper fails the whole document. */
export async function documentCredentials(document: AuthDocument, options: DocumentOptions): Promise<DocumentCredential[]> {
  const found = new Map<string, DocumentCredential>();
  const keep = (key: string, auth: RegistryAuth | null) => {
    const path = credentialKey(key);
    if (auth && options.wanted.has(path)) found.set(path, { key, path, auth });
  };
  for (const [key, entry] of Object.entries(document.auths)) keep(key, entryAuth(key, entry));
  if (document.credsStore !== undefined) {
    helperProgram(document.credsStore); // refuse a traversing name before running anything
    const keys = await helperList(document.credsStore, options.env, options.runHelper);
    for (const key of keys.filter((k) => options.wanted.has(credentialKey(k)))) {
      const credential = await helperGet(document.credsStore, key, options.env, options.runHelper);
      if (credential) keep(key, helperAuth(key, credential));
    }
  }
  for (const name of Object.values(document.credHelpers)) helperProgram(name);
  for (const [key, helper] of Object.entries(document.credHelpers)) {
    if (!options.wanted.has(credentialKey(key))) continue;
    const credential = await helperGet(helper, key, options.env, options.runHelper);
    if (credential) keep(key, helperAuth(key, credential));
  }
  return [...found.values()];
}
