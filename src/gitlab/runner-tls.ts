// The TLS files a runner uses towards its GitLab, found as GitLab Runner finds them
// (runner-behavior.md §8.1; its docs "Self-signed certificates or custom Certification Authorities"):
// `tls-ca-file`, `tls-cert-file` and `tls-key-file` of the [[runners]] entry, else `<host>.crt`,
// `<host>.auth.crt` and `<host>.auth.key` in the certificate directory (`certs/` beside config.toml,
// where GitLab Runner keeps it beside its own). The same files serve the API client, the runner's git
// fetch, and the job, which gets them as CI_SERVER_TLS_CA_FILE, CI_SERVER_TLS_CERT_FILE and
// CI_SERVER_TLS_KEY_FILE (file variables), as GitLab Runner hands them on.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { PayloadVariable } from '../model/job-payload.js';

export interface RunnerTlsFiles {
  /** PEM CA certificates trusted besides the system's. */
  caFile?: string;
  /** PEM client certificate and its key, for a GitLab that asks for one. */
  certFile?: string;
  keyFile?: string;
}

export interface RunnerTlsSettings {
  url: string;
  tlsCaFile?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

/** GitLab Runner's certificate directory, beside its config.toml. */
export function runnerCertsDir(configFile: string): string {
  return join(dirname(configFile), 'certs');
}

/** The configured files, each missing one taken from `certsDir` when the file for the URL's host is there. */
export function runnerTlsFiles(settings: RunnerTlsSettings, certsDir: string | undefined, exists: (path: string) => boolean = existsSync): RunnerTlsFiles {
  let host = '';
  try {
    host = new URL(settings.url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    // Not a URL: the API client says so; there is no host to look a certificate up for.
  }
  const fromDir = (name: string): string | undefined => {
    if (!certsDir || host === '') return undefined;
    const path = join(certsDir, name);
    return exists(path) ? path : undefined;
  };
  const files: RunnerTlsFiles = {};
  const caFile = settings.tlsCaFile ?? fromDir(`${host}.crt`);
  const certFile = settings.tlsCertFile ?? fromDir(`${host}.auth.crt`);
  const keyFile = settings.tlsKeyFile ?? fromDir(`${host}.auth.key`);
  if (caFile) files.caFile = caFile;
  if (certFile) files.certFile = certFile;
  if (keyFile) files.keyFile = keyFile;
  return files;
}

/** What is wrong with the files: one that cannot be read, or a certificate without its key. */
export function tlsFilesProblem(files: RunnerTlsFiles, exists: (path: string) => boolean = existsSync): string | undefined {
  for (const [key, path] of [['tls-ca-file', files.caFile], ['tls-cert-file', files.certFile], ['tls-key-file', files.keyFile]] as const) {
    if (path !== undefined && !exists(path)) return `${key} ${path} does not exist`;
  }
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) return 'tls-cert-file and tls-key-file go together: set both or neither';
  return undefined;
}

function read(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${key} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'point it at a readable PEM file, or remove it from the [[runners]] entry');
  }
}

/** The files' contents, for node:https. */
export function readTlsFiles(files: RunnerTlsFiles): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  return {
    ...(files.caFile ? { ca: read('tls-ca-file', files.caFile) } : {}),
    ...(files.certFile ? { cert: read('tls-cert-file', files.certFile) } : {}),
    ...(files.keyFile ? { key: read('tls-key-file', files.keyFile) } : {}),
  };
}

/** The job's CI_SERVER_TLS_* file variables, to go before the payload's own (which may override them). */
export function tlsJobVariables(files: RunnerTlsFiles): PayloadVariable[] {
  const contents = readTlsFiles(files);
  const variable = (key: string, value: Buffer | undefined): PayloadVariable[] =>
    value ? [{ key, value: value.toString('utf8'), public: true, file: true, masked: false, raw: true }] : [];
  return [...variable('CI_SERVER_TLS_CA_FILE', contents.ca), ...variable('CI_SERVER_TLS_CERT_FILE', contents.cert), ...variable('CI_SERVER_TLS_KEY_FILE', contents.key)];
}
