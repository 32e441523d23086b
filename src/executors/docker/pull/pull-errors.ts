// What went wrong with one pull, in the engine's words and in glci's terms. The message keeps the
// daemon's text the way GitLab Runner's job log shows it (`Error response from daemon: …`); the kind
// decides the error code, whether a retry can help, and which hint to give
// (GitLab Runner common/classify_image_pull_failure.go makes the same split for failure reasons).
import { engineMessage, statusCodeOf } from '../client.js';

export type PullFailureKind = 'denied' | 'not-found' | 'missing' | 'network' | 'engine-unreachable' | 'config' | 'failed';

const CODES: Record<PullFailureKind, string> = {
  denied: 'DOCKER_PULL_DENIED',
  'not-found': 'DOCKER_IMAGE_NOT_FOUND',
  missing: 'DOCKER_IMAGE_MISSING',
  network: 'DOCKER_PULL_NETWORK',
  'engine-unreachable': 'DOCKER_ENGINE_UNREACHABLE',
  config: 'DOCKER_PULL_CONFIG',
  failed: 'DOCKER_PULL_FAILED',
};

/** One policy's failure; `detail` and `hint` go into the final error only, never into the warning line. */
export class PullFailure extends Error {
  readonly code: string;

  constructor(
    readonly kind: PullFailureKind,
    message: string,
    readonly detail?: string,
    readonly hint?: string,
    code?: string,
  ) {
    super(message);
    this.code = code ?? CODES[kind];
  }
}

const DENIED = /unauthorized|authentication required|no basic auth credentials|pull access denied|\bdenied\b|access forbidden|incorrect username or password/i;
const NOT_FOUND = /not found|manifest unknown|name unknown|no such image|repository does not exist/i;
// GitLab Runner retries these (dial, timeouts, resets, TLS handshakes, gateway errors).
const TRANSIENT = /dial tcp|i\/o timeout|connection refused|connection reset|tls handshake|handshake timeout|no such host|server misbehaving|temporary failure|unexpected EOF|\b50[234]\b|request canceled|context deadline exceeded|network is unreachable/i;
const SOCKET_ERRORS = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** The daemon's message without dockerode's `(HTTP code 500) server error - ` wrapper. */
export function daemonText(error: unknown): string {
  return engineMessage(error).replace(/^\(HTTP code \d+\)\s+[^-]*-\s+/, '').trim();
}

/** True when the engine itself did not answer (no HTTP status: the socket or TCP connection failed). */
function engineUnreachable(error: unknown): boolean {
  if (statusCodeOf(error) !== undefined) return false;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && SOCKET_ERRORS.has(code);
}

export function classifyPullText(text: string): PullFailureKind {
  if (DENIED.test(text)) return 'denied';
  if (NOT_FOUND.test(text)) return 'not-found';
  if (TRANSIENT.test(text)) return 'network';
  return 'failed';
}

/** A failed `pullImage` (or `inspectImage`) call as a PullFailure naming the engine. */
export function engineFailure(error: unknown, address: string): PullFailure {
  if (error instanceof PullFailure) return error;
  if (engineUnreachable(error)) {
    return new PullFailure(
      'engine-unreachable',
      `Cannot connect to the Docker daemon at ${address}. Is the docker daemon running?`,
      engineMessage(error),
      'start the Docker engine, or point DOCKER_HOST or [runners.docker] host at one that runs',
    );
  }
  const text = daemonText(error);
  const status = statusCodeOf(error);
  const kind = status === 404 && !DENIED.test(text) ? 'not-found' : classifyPullText(text);
  return new PullFailure(kind, `Error response from daemon: ${text}`);
}

/** Whether another attempt of the same pull can help. */
export function isTransient(failure: PullFailure): boolean {
  return failure.kind === 'network';
}
