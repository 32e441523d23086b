// Docker credential helpers (`credsStore`, `credHelpers`): `docker-credential-<name>` programs on PATH
// that speak the docker-credential-helpers protocol — `get` reads a server URL on stdin and prints
// `{ServerURL, Username, Secret}`, `list` prints `{serverURL: username}`.
// https://github.com/docker/docker-credential-helpers#development
// node:child_process rather than execa: execa belongs to executors/shell and platform only.
import { execFile } from 'node:child_process';
import { basename } from 'node:path';

/** Runs one helper action; resolves with stdout, rejects with the helper's own message. */
export type HelperRunner = (program: string, action: 'get' | 'list', input: string, env: Readonly<Record<string, string | undefined>>) => Promise<string>;

/** What a helper returns for one registry; `username` `<token>` means `secret` is an identity token. */
export interface HelperCredential {
  username: string;
  secret: string;
}

/** A helper name that would escape the `docker-credential-` prefix (GitLab refuses these). */
export class PathTraversalError extends Error {
  constructor(readonly helper: string) {
    super('path traversal is not allowed');
  }
}

/** docker-credential-helpers' fixed "not found" answer, which is an empty result rather than a failure. */
const NOT_FOUND = /credentials not found/i;
const HELPER_TIMEOUT_MS = 30_000;

export function helperProgram(name: string): string {
  if (name === '' || name !== basename(name) || name.includes('\\') || name === '.' || name === '..') throw new PathTraversalError(name);
  return `docker-credential-${name}`;
}

/** The real runner: the program is found on `env.PATH`, stdin gets `input`, a non-zero exit rejects. */
export const runHelperProcess: HelperRunner = (program, action, input, env) =>
  new Promise((resolve, reject) => {
    const child = execFile(
      program,
      [action],
      { env: definedOnly(env), encoding: 'utf8', timeout: HELPER_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const said = `${stdout}`.trim() || `${stderr}`.trim();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new Error(`${program}: executable file not found in $PATH`));
        reject(new Error(said ? `${program} ${action}: ${said}` : `${program} ${action}: ${error.message}`));
      },
    );
    child.stdin?.on('error', () => undefined); // a helper that exits without reading stdin is not our failure
    child.stdin?.end(input);
  });

function definedOnly(env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/** `get` for one server URL; null when the helper has no credentials for it. */
export async function helperGet(
  name: string,
  serverUrl: string,
  env: Readonly<Record<string, string | undefined>>,
  run: HelperRunner = runHelperProcess,
): Promise<HelperCredential | null> {
  const program = helperProgram(name);
  let stdout: string;
  try {
    stdout = await run(program, 'get', serverUrl, env);
  } catch (error) {
    if (NOT_FOUND.test((error as Error).message)) return null;
    throw error;
  }
  const parsed = parseJson(stdout, `${program} get`);
  if (parsed === null || typeof parsed !== 'object') throw new Error(`${program} get: expected a JSON object`);
  const { Username, Secret } = parsed as { Username?: unknown; Secret?: unknown };
  if (typeof Secret !== 'string' || Secret === '') return null;
  return { username: typeof Username === 'string' ? Username : '', secret: Secret };
}

/** `list`: the server URLs the helper stores credentials for. */
export async function helperList(name: string, env: Readonly<Record<string, string | undefined>>, run: HelperRunner = runHelperProcess): Promise<string[]> {
  const program = helperProgram(name);
  const parsed = parseJson(await run(program, 'list', '', env), `${program} list`);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${program} list: expected a JSON object`);
  return Object.keys(parsed);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${what}: the output is not JSON`);
  }
}
