// The HTTP server behind config.toml's `listen_address`: GET /metrics answers the Prometheus text
// exposition the caller renders. GitLab Runner also serves pprof and job lists under /debug/; glci
// has neither, so /debug/ answers 404 like any other path.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GlciError } from '../errors.js';

/** GitLab Runner's port when `listen_address` names none (allocated to it by Prometheus). */
export const DEFAULT_METRICS_PORT = 9252;
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class MetricsServerError extends GlciError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super('config', 'METRICS_LISTEN', message, hint, options);
  }
}

export interface MetricsServer {
  /** Where it listens, `HOST:PORT` (`[HOST]:PORT` for IPv6), with the port the system chose for `:0`. */
  address: string;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * `listen_address` as GitLab Runner reads it: `[host]:port`, `host:port`, `:port` or a bare host
 * (port 9252). GitLab Runner takes `:9252` as every interface; glci binds 127.0.0.1 for an empty
 * host instead, so the unauthenticated endpoint is never exposed by omission: write `0.0.0.0:9252`
 * (or `[::]:9252`) to listen on every interface. Symbolic ports (`http`) are not looked up.
 */
export function parseListenAddress(address: string): ListenAddress {
  const text = address.trim();
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0 && text.indexOf(':') !== colon) throw listenError(address, 'an IPv6 address needs brackets: [ADDRESS]:PORT');
    host = colon >= 0 ? text.slice(0, colon) : text;
    portText = colon >= 0 ? text.slice(colon + 1) : undefined;
  }
  const port = portText === undefined || portText === '' ? DEFAULT_METRICS_PORT : Number(portText);
  if (!/^\d*$/.test(portText ?? '') || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw listenError(address, 'the port must be a number from 0 to 65535');
  }
  return { host: host === '' ? '127.0.0.1' : host, port };
}

function listenError(address: string, why: string): MetricsServerError {
  return new MetricsServerError(`listen_address ${JSON.stringify(address)} is not [HOST]:PORT: ${why}`, 'for example listen_address = "127.0.0.1:9252"');
}

function answer(render: () => string, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics') {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return;
  }
  let body: string;
  try {
    body = render();
  } catch (error) {
    res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`rendering the metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return;
  }
  res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function formatAddress(info: AddressInfo): string {
  return info.family === 'IPv6' ? `[${info.address}]:${info.port}` : `${info.address}:${info.port}`;
}

/** Starts serving `render()` on `address` (config.toml's `listen_address`); rejects when it cannot listen. */
export function startMetricsServer(address: string, render: () => string): Promise<MetricsServer> {
  const { host, port } = parseListenAddress(address);
  const server = createServer((req, res) => answer(render, req, res));
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRINUSE' ? 'another process listens there: choose another listen_address' : undefined;
      reject(new MetricsServerError(`cannot serve metrics on ${address}: ${error.message}`, hint, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve({
        address: formatAddress(server.address() as AddressInfo),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
