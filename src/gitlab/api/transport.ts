// One HTTP exchange with GitLab over node:http/node:https. Buffered answers for the JSON and trace
// calls; a streamed answer for artifact downloads, which alone follow redirects (GitLab sends those to
// object storage). No retries here: retry.ts decides what to send again.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Readable } from 'node:stream';
import { TransportError } from './errors.js';

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer | Readable;
  /** Per phase: connect to the response headers, then (buffered) the headers to the last body byte. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** https only: CA certificates (PEM) trusted besides the system's, and a client certificate. */
  tls?: HttpTls;
}

export interface HttpTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpStreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

const MAX_REDIRECTS = 10;

/** Sends one request and reads the whole answer. */
export async function sendRequest(req: HttpRequest): Promise<HttpResponse> {
  const res = await open(req);
  try {
    const body = await readAll(res, req);
    return { status: res.statusCode ?? 0, headers: res.headers, body };
  } finally {
    res.destroy();
  }
}

/** Sends a GET-like request and hands back the body as a stream, following up to 10 redirects. */
export async function openStream(req: HttpRequest): Promise<HttpStreamResponse> {
  let current = req;
  for (let hop = 0; ; hop++) {
    const res = await open(current);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (!isRedirect(status) || !location || hop >= MAX_REDIRECTS) return { status, headers: res.headers, body: res };
    res.resume();
    current = redirected(current, new URL(location, current.url));
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** The follow-up request: a GET; the job token stays on GitLab's host, never sent to object storage. */
function redirected(req: HttpRequest, target: URL): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'content-type') continue;
    if (target.host !== req.url.host && (lower === 'job-token' || lower === 'runner-token' || lower === 'private-token' || lower === 'authorization')) continue;
    headers[name] = value;
  }
  const next: HttpRequest = { method: 'GET', url: target, headers, timeoutMs: req.timeoutMs };
  if (req.signal) next.signal = req.signal;
  if (req.tls) next.tls = req.tls;
  return next;
}

function open(req: HttpRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(new TransportError('aborted', `${req.method} ${req.url.pathname}: aborted`));
      return;
    }
    const isHttps = req.url.protocol === 'https:';
    const options = { method: req.method, headers: req.headers, ...(isHttps && req.tls ? tlsOptions(req.tls) : {}) };
    const client = (isHttps ? httpsRequest : httpRequest)(req.url, options);
    const fail = guard(req, client.destroy.bind(client), reject);
    client.on('error', (err) => fail.error(err));
    client.on('response', (res) => {
      fail.clear();
      resolve(res);
    });
    writeBody(client, req.body, (err) => fail.error(err));
  });
}

/** node's `ca` replaces the system's CAs: the extra ones are added to them, as Go's pool does in GitLab Runner. */
function tlsOptions(tls: HttpTls): { ca?: Array<string | Buffer>; cert?: Buffer; key?: Buffer } {
  return {
    ...(tls.ca ? { ca: [...rootCertificates, tls.ca] } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
  };
}

function writeBody(client: NodeJS.WritableStream & { end(chunk?: Buffer): void }, body: Buffer | Readable | undefined, onError: (err: Error) => void): void {
  if (body === undefined) {
    client.end();
  } else if (Buffer.isBuffer(body)) {
    client.end(body);
  } else {
    body.on('error', onError);
    body.pipe(client);
  }
}

/** node's codes for a server certificate it does not trust (openssl's verify errors, the host name check). */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** TLS failures that no retry mends: GitLab's certificate untrusted, or its refusal of our client certificate. */
function isCertificateError(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return UNTRUSTED_CERTIFICATE.has(code) || /^ERR_SSL_.*(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA)$/.test(code);
}

/** Timeout and abort handling shared by the request and the body read. */
function guard(req: HttpRequest, destroy: (err?: Error) => void, reject: (err: Error) => void) {
  let settled = false;
  const where = `${req.method} ${req.url.pathname}`;
  const settle = (err: TransportError): void => {
    if (settled) return;
    settled = true;
    cleanup();
    destroy(err);
    reject(err);
  };
  const timer = setTimeout(() => settle(new TransportError('timeout', `${where}: no answer within ${req.timeoutMs} ms`)), req.timeoutMs);
  const onAbort = (): void => settle(new TransportError('aborted', `${where}: aborted`));
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const cleanup = (): void => {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  };
  return {
    error: (err: Error): void => {
      if (err instanceof TransportError) settle(err);
      else if (isCertificateError(err)) settle(new TransportError('certificate', `${where}: ${err.message}`, { cause: err }));
      else settle(new TransportError('connection', `${where}: ${err.message}`, { cause: err }));
    },
    clear: (): void => {
      if (settled) return;
      settled = true;
      cleanup();
    },
  };
}

function readAll(res: IncomingMessage, req: HttpRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const fail = guard(req, res.destroy.bind(res), reject);
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', (err) => fail.error(err));
    res.on('close', () => {
      if (!res.complete) fail.error(new Error('connection closed before the answer was complete'));
    });
    res.on('end', () => {
      fail.clear();
      resolve(Buffer.concat(chunks));
    });
  });
}
