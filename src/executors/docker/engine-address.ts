// Which Docker engine to talk to, in the order GitLab Runner and the docker CLI use
// (runner-behavior.md §5, helpers/docker/credentials.go): `[runners.docker] host` with `tls_verify` /
// `tls_cert_path`; else DOCKER_HOST with DOCKER_TLS_VERIFY / DOCKER_CERT_PATH; else the current docker
// context (DOCKER_CONTEXT, then `currentContext` of ~/.docker/config.json); else the local socket.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ExecutorError } from '../../errors.js';

export interface EngineAddress {
  /** As the user would write it: `unix:///var/run/docker.sock`, `tcp://host:2376`. */
  url: string;
  /** Where the URL came from, for messages. */
  source: string;
  socketPath?: string;
  host?: string;
  port?: number;
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
}

export interface EngineAddressInput {
  host?: string;
  tlsVerify?: boolean;
  tlsCertPath?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Home directory holding `.docker/` (default: the user's). */
  home?: string;
}

const DEFAULT_SOCKET = 'unix:///var/run/docker.sock';

function readTls(dir: string, source: string): EngineAddress['tls'] {
  try {
    return { ca: readFileSync(join(dir, 'ca.pem')), cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
  } catch (error) {
    throw new ExecutorError('DOCKER_TLS', `cannot read the TLS client certificates in ${dir} (${source}): ${(error as Error).message}`, 'the folder needs ca.pem, cert.pem and key.pem');
  }
}

/** Parses an engine URL; TLS material is read from `certDir` when `tls` is true. */
export function parseEngineUrl(url: string, source: string, tls: boolean, certDir: string | undefined): EngineAddress {
  if (url.startsWith('unix://')) return { url, source, socketPath: url.slice('unix://'.length) };
  if (url.startsWith('/')) return { url: `unix://${url}`, source, socketPath: url };
  const match = /^(tcp|http|https):\/\/\[?([^\]/]+?)\]?(?::(\d+))?\/?$/.exec(url);
  if (!match) {
    throw new ExecutorError('DOCKER_HOST_INVALID', `cannot use the Docker engine address "${url}" (${source})`, 'use unix:///path/to/docker.sock or tcp://HOST:PORT');
  }
  const secure = tls || match[1] === 'https';
  const port = match[3] ? Number(match[3]) : secure ? 2376 : 2375;
  const address: EngineAddress = { url, source, host: match[2] as string, port };
  if (secure) address.tls = readTls(certDir ?? join(homedir(), '.docker'), source);
  return address;
}

/** The docker CLI turns TLS verification on for any non-empty DOCKER_TLS_VERIFY, "0" and "false" included. */
const tlsVerifyFromEnv = (value: string | undefined): boolean => (value ?? '') !== '';

interface ContextMeta {
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

/** The docker CLI's current context, when it is not `default`. */
function contextAddress(env: EngineAddressInput['env'], home: string): EngineAddress | null {
  const dockerDir = env.DOCKER_CONFIG ?? join(home, '.docker');
  let name = env.DOCKER_CONTEXT;
  if (!name) {
    try {
      name = (JSON.parse(readFileSync(join(dockerDir, 'config.json'), 'utf8')) as { currentContext?: string }).currentContext;
    } catch {
      return null;
    }
  }
  if (!name || name === 'default') return null;
  const id = createHash('sha256').update(name).digest('hex');
  let meta: ContextMeta;
  try {
    meta = JSON.parse(readFileSync(join(dockerDir, 'contexts', 'meta', id, 'meta.json'), 'utf8')) as ContextMeta;
  } catch {
    throw new ExecutorError('DOCKER_CONTEXT', `the docker context "${name}" has no metadata under ${join(dockerDir, 'contexts')}`, 'run `docker context ls`, or set DOCKER_HOST');
  }
  const host = meta.Endpoints?.docker?.Host;
  if (!host) return null;
  const tlsDir = join(dockerDir, 'contexts', 'tls', id, 'docker');
  const hasTls = !host.startsWith('unix://') && !meta.Endpoints?.docker?.SkipTLSVerify && safeExists(join(tlsDir, 'ca.pem'));
  return parseEngineUrl(host, `docker context "${name}"`, hasTls, tlsDir);
}

function safeExists(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

export function resolveEngineAddress(input: EngineAddressInput): EngineAddress {
  const { env } = input;
  if (input.host) {
    return parseEngineUrl(input.host, '[runners.docker] host', input.tlsVerify ?? false, input.tlsCertPath ?? env.DOCKER_CERT_PATH);
  }
  if (env.DOCKER_HOST) {
    return parseEngineUrl(env.DOCKER_HOST, 'DOCKER_HOST', tlsVerifyFromEnv(env.DOCKER_TLS_VERIFY), env.DOCKER_CERT_PATH);
  }
  const fromContext = contextAddress(env, input.home ?? homedir());
  if (fromContext) return fromContext;
  return parseEngineUrl(DEFAULT_SOCKET, 'the default socket', false, undefined);
}
