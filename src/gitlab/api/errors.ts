// Errors of the runner API client. Messages and hints end up in logs and terminal output, so every
// token a request carried (runner `glrt-`/`glrtr-` tokens, legacy registration tokens, `glcbt-` job
// tokens, and the exact strings the client was given) is redacted before it reaches a message.
import { GlciError } from '../../errors.js';

/** Known GitLab token shapes: prefixed tokens and legacy registration tokens (`GR1348941…`). */
const TOKEN_PATTERNS: RegExp[] = [
  /\b(glrtr-|glrt-|glcbt-|glpat-|glptt-|gldt-)[A-Za-z0-9._=-]+/g,
  /\bGR1348941[A-Za-z0-9_-]+/g,
  /(gitlab-ci-token:)[^@\s]+@/g,
];

/** Replaces every token in `text` with `[MASKED]`; `secrets` are exact strings to hide as well. */
export function redactTokens(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[MASKED]');
  }
  out = out.replace(TOKEN_PATTERNS[0] as RegExp, '$1[MASKED]');
  out = out.replace(TOKEN_PATTERNS[1] as RegExp, 'GR1348941[MASKED]');
  out = out.replace(TOKEN_PATTERNS[2] as RegExp, '$1[MASKED]@');
  return out;
}

export type RunnerApiErrorCode =
  /** GitLab answered with a status the call does not expect. */
  | 'RUNNER_API_STATUS'
  /** No answer: connection refused/reset, DNS, TLS, timeout (after retries). */
  | 'RUNNER_API_UNREACHABLE'
  /** The caller's AbortSignal ended the request. */
  | 'RUNNER_API_ABORTED'
  /** The configured URL is not http(s). */
  | 'RUNNER_API_URL'
  /** 403 on register/verify/reset: the token is not valid. */
  | 'RUNNER_TOKEN_FORBIDDEN'
  /** 410 on legacy register: this GitLab has registration tokens disabled. */
  | 'RUNNER_REGISTRATION_DISABLED'
  /** The answer is not the JSON the endpoint documents. */
  | 'RUNNER_API_RESPONSE';

export class RunnerApiError extends GlciError {
  /** HTTP status when GitLab answered, else undefined. */
  readonly status: number | undefined;
  /** GitLab Runner's endpoint name (`request_job`, ...). */
  readonly endpoint: string;

  constructor(
    code: RunnerApiErrorCode,
    endpoint: string,
    message: string,
    options: { status?: number; hint?: string; cause?: unknown; secrets?: readonly string[] } = {},
  ) {
    const secrets = options.secrets ?? [];
    const hint = options.hint === undefined ? undefined : redactTokens(options.hint, secrets);
    super('system', code, redactTokens(message, secrets), hint, { cause: options.cause });
    this.status = options.status;
    this.endpoint = endpoint;
  }
}

/** A request got no HTTP answer; `retryable` tells the retry layer whether to try again. */
export class TransportError extends Error {
  /** `certificate`: TLS refused GitLab's certificate, or GitLab refused (or missed) ours; sending again cannot help. */
  readonly reason: 'timeout' | 'connection' | 'aborted' | 'certificate';

  constructor(reason: 'timeout' | 'connection' | 'aborted' | 'certificate', message: string, options?: { cause?: unknown }) {
    super(redactTokens(message), options);
    this.name = 'TransportError';
    this.reason = reason;
  }
}
