// One HTTP GET or PUT of a binary body, for the distributed cache's presigned URLs. The URL's query
// string is a credential: nothing returned here repeats the URL, so no message built from a result
// can carry a signature. Bodies may be files (caches are often hundreds of MB): a PUT streams its file
// with a Content-Length, as S3's presigned PUT requires, and a successful GET streams into its file.
// node:http rather than fetch: fetch cannot send a stream with a fixed length.
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';

export type TransferResult =
  /** `body` holds the answer, except for a successful GET with `saveTo`, whose body went to that file. */
  | { kind: 'response'; status: number; statusText: string; headers: Headers; body: Buffer }
  /** No answer: `timeout`, or `socket` (DNS, refused, reset, unreachable); `detail` is the error code. */
  | { kind: 'network'; reason: 'timeout' | 'socket'; detail: string }
  /** Anything else that failed before a response (a malformed address, a protocol error). */
  | { kind: 'failed'; detail: string };

export interface TransferRequest {
  method: 'GET' | 'PUT';
  url: string;
  body?: Buffer;
  /** PUT: send this file as the body. */
  bodyFile?: string;
  /** GET: write a 2xx answer's body to this file. */
  saveTo?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Aborts the transfer (job cancelled). */
  signal?: AbortSignal;
}

const SOCKET_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED']);

class TimedOut extends Error {}
class Aborted extends Error {}

function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function exchange(url: URL, request: TransferRequest): Promise<TransferResult> {
  const headers: Record<string, string> = { ...request.headers };
  let size = request.body?.length;
  if (request.bodyFile !== undefined) size = (await stat(request.bodyFile)).size;
  if (request.method === 'PUT') headers['Content-Length'] = String(size ?? 0);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<TransferResult>((resolve, reject) => {
    const req = send(url, { method: request.method, headers });
    const fail = (error: Error) => {
      req.destroy(error);
      reject(error);
    };
    const timer = setTimeout(() => fail(new TimedOut('timeout')), request.timeoutMs);
    const onAbort = () => fail(new Aborted('aborted'));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    };
    req.on('error', (error) => {
      done();
      reject(error);
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const base = { kind: 'response' as const, status, statusText: res.statusMessage ?? '', headers: headersOf(res) };
      const saved = request.saveTo !== undefined && status >= 200 && status < 300;
      const body = saved ? pipeline(res, createWriteStream(request.saveTo as string)).then(() => Buffer.alloc(0)) : readAll(res);
      body.then(
        (data) => {
          done();
          resolve({ ...base, body: data });
        },
        (error: unknown) => {
          done();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
    if (request.bodyFile !== undefined) {
      const file = createReadStream(request.bodyFile);
      file.on('error', fail);
      file.pipe(req);
    } else {
      req.end(request.body);
    }
  });
}

export async function httpTransfer(request: TransferRequest): Promise<TransferResult> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { kind: 'failed', detail: 'not a valid address' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'failed', detail: `unsupported protocol ${url.protocol}` };
  try {
    // Presigned URLs are for one host: node:http follows no redirect, which the signature would not cover.
    return await exchange(url, request);
  } catch (error) {
    if (error instanceof TimedOut) return { kind: 'network', reason: 'timeout', detail: 'timeout' };
    if (error instanceof Aborted || request.signal?.aborted) return { kind: 'failed', detail: 'aborted' };
    const code = (error as NodeJS.ErrnoException).code ?? null;
    if (code !== null && SOCKET_CODES.has(code)) return { kind: 'network', reason: 'socket', detail: code };
    // Never the message: some name the URL, and its query is the signature.
    return { kind: 'failed', detail: code ?? (error instanceof Error ? error.name : 'error') };
  }
}
