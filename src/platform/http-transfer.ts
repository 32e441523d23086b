// One HTTP GET or PUT of a binary body, for the distributed cache's presigned URLs. The URL's query
// string is a credential: nothing returned here repeats the URL, so no message built from a result
// can carry a signature. Failures before a response are told apart as http-get.ts does.

export type TransferResult =
  | { kind: 'response'; status: number; statusText: string; headers: Headers; body: Buffer }
  /** No answer: `timeout`, or `socket` (DNS, refused, reset, unreachable); `detail` is the error code. */
  | { kind: 'network'; reason: 'timeout' | 'socket'; detail: string }
  /** Anything else that failed before a response (a malformed address, a protocol error). */
  | { kind: 'failed'; detail: string };

export interface TransferRequest {
  method: 'GET' | 'PUT';
  url: string;
  body?: Buffer;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Aborts the transfer (job cancelled). */
  signal?: AbortSignal;
}

const SOCKET_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET']);

export async function httpTransfer(request: TransferRequest): Promise<TransferResult> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { kind: 'failed', detail: 'not a valid address' };
  }
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  try {
    // Presigned URLs are for one host; a redirect would be a request the signature does not cover.
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers ?? {},
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal,
      redirect: 'manual',
    });
    const body = Buffer.from(await response.arrayBuffer());
    return { kind: 'response', status: response.status, statusText: response.statusText, headers: response.headers, body };
  } catch (error) {
    if (timeout.aborted) return { kind: 'network', reason: 'timeout', detail: 'timeout' };
    if (request.signal?.aborted) return { kind: 'failed', detail: 'aborted' };
    const code = causeCode(error);
    if (code !== null && SOCKET_CODES.has(code)) return { kind: 'network', reason: 'socket', detail: code };
    // undici reports every connection-level failure as a TypeError ("fetch failed").
    if (error instanceof TypeError) return { kind: 'network', reason: 'socket', detail: code ?? 'connection failed' };
    return { kind: 'failed', detail: code ?? (error instanceof Error ? error.name : 'error') };
  }
}

function causeCode(error: unknown): string | null {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : null;
}
