// One HTTP GET for includes (remote files, the GitLab API) with a timeout, and the one place that
// tells "the network is not there" (DNS, refused or reset connections, timeouts: glci then falls
// back to its include cache) from any other failure. Headers given here (a token) never appear in
// what is returned, so no message built from a result can carry them.

export type HttpResult =
  | { kind: 'response'; status: number; body: string; headers: Headers }
  /** No answer at all: `timeout`, or `socket` (DNS, refused, reset, unreachable); `detail` is the error code. */
  | { kind: 'network'; reason: 'timeout' | 'socket'; detail: string }
  /** Anything else that failed before a response (a malformed address, a protocol error). */
  | { kind: 'failed'; detail: string };

const SOCKET_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE']);

const MAX_REDIRECTS = 5;

/**
 * With `headers` (a token), redirects are followed only within the same origin: fetch drops just
 * `Authorization` on a cross-origin redirect and would hand PRIVATE-TOKEN to the other host.
 */
export async function httpGet(url: string, options: { timeoutMs: number; headers?: Record<string, string> }): Promise<HttpResult> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return { kind: 'failed', detail: `not a valid address: ${url}` };
  }
  const signal = AbortSignal.timeout(options.timeoutMs);
  const guarded = options.headers !== undefined && Object.keys(options.headers).length > 0;
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(current, { headers: options.headers ?? {}, signal, redirect: guarded ? 'manual' : 'follow' });
      const location = response.headers.get('location');
      if (guarded && response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel();
        const next = new URL(location, current);
        if (next.origin !== current.origin) return { kind: 'failed', detail: `redirected to ${next.origin}, where glci does not send the token` };
        if (hop >= MAX_REDIRECTS) return { kind: 'failed', detail: 'too many redirects' };
        current = next;
        continue;
      }
      const body = await response.text();
      return { kind: 'response', status: response.status, body, headers: response.headers };
    }
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { kind: 'network', reason: 'timeout', detail: 'timeout' };
    const code = causeCode(error);
    if (code !== null && SOCKET_CODES.has(code)) return { kind: 'network', reason: 'socket', detail: code };
    // undici reports every connection-level failure as a TypeError ("fetch failed").
    if (error instanceof TypeError) return { kind: 'network', reason: 'socket', detail: code ?? describe(error) };
    return { kind: 'failed', detail: code ?? describe(error) };
  }
}

/** `host[:port]` of a URL, lower case; the URL itself when it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

function causeCode(error: unknown): string | null {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : null;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
