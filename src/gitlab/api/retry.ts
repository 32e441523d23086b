// GitLab Runner's retrying requester (runner-behavior.md §8.1, network/retry_requester.go): 408, 429,
// 500, 502, 503, 504 and requests that got no answer (connection dropped, timeout) are sent again, up
// to 5 attempts in all, pausing 500 ms doubling to 2 s, or as long as GitLab asks with `Retry-After`
// (seconds or an HTTP date) or `RateLimit-ResetTime` (an HTTP date).
import type { IncomingHttpHeaders } from 'node:http';
import { TransportError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all (1 = no retry). */
  attempts: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, minDelayMs: 500, maxDelayMs: 2000 };

export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** A server-requested pause longer than this is cut short: a runner must not hang on one header. */
export const MAX_SERVER_DELAY_MS = 10 * 60 * 1000;

export interface RetryHooks {
  signal?: AbortSignal;
  /** Test seam; default setTimeout (ends early when `signal` aborts). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** The pause before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1));
}

/** The wait GitLab asked for, in ms, or undefined. */
export function serverDelay(headers: IncomingHttpHeaders, now: number): number | undefined {
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (retryAfter.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return clampServer(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return clampServer(date - now);
  }
  const reset = headerValue(headers, 'ratelimit-resettime');
  if (reset !== undefined) {
    const date = Date.parse(reset);
    if (!Number.isNaN(date)) return clampServer(date - now);
  }
  return undefined;
}

function clampServer(ms: number): number {
  return Math.max(0, Math.min(MAX_SERVER_DELAY_MS, ms));
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Runs `attempt` until it yields a non-retryable answer or the attempts are used up. The last answer is
 * returned even when retryable (the caller maps it); the last TransportError is thrown. An abort is
 * never retried.
 */
export async function withRetry<T extends { status: number; headers: IncomingHttpHeaders }>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  hooks: RetryHooks = {},
  /** Called with an answer that will be retried, so streamed bodies can be drained. */
  discard?: (answer: T) => void,
): Promise<T> {
  const sleep = hooks.sleep ?? defaultSleep;
  const now = hooks.now ?? Date.now;
  const attempts = Math.max(1, policy.attempts);
  for (let n = 1; ; n++) {
    let delay: number;
    try {
      const answer = await attempt(n);
      if (!RETRY_STATUSES.has(answer.status) || n >= attempts) return answer;
      delay = serverDelay(answer.headers, now()) ?? backoffDelay(policy, n);
      discard?.(answer);
    } catch (err) {
      if (!(err instanceof TransportError) || err.reason === 'aborted' || err.reason === 'certificate' || n >= attempts) throw err;
      delay = backoffDelay(policy, n);
    }
    await sleep(delay, hooks.signal);
    if (hooks.signal?.aborted) throw new TransportError('aborted', 'aborted while waiting to retry');
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
