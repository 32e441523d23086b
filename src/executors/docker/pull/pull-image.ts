// One `docker pull` with progress and GitLab Runner's retry of network-transient failures
// (up to 3 attempts, 2–10 s jittered backoff; runner-behavior.md §3.2).
import type { RunnerLineKind } from '../../../log/runner-lines.js';
import type { DockerClient, PullProgress, RegistryAuth } from '../client.js';
import { engineFailure, isTransient } from './pull-errors.js';

export const PULL_ATTEMPTS = 3;

/** The pause before attempt `attempt + 1`, in ms: 2 s doubling per attempt, capped at 10 s, with jitter. */
export function defaultRetryDelayMs(attempt: number): number {
  const ceiling = Math.min(10_000, 2_000 * 2 ** attempt);
  return 2_000 + Math.random() * (ceiling - 2_000);
}

/**
 * Turns the engine's progress stream into runner lines: one per layer each time its status changes
 * (`<layer>: Pulling fs layer`, `Download complete`, `Pull complete`), never one per byte-count tick.
 * Every event still reaches `onProgress`.
 */
export function progressPrinter(log: (kind: RunnerLineKind, message: string) => void, onProgress?: (p: PullProgress) => void): (p: PullProgress) => void {
  const lastStatus = new Map<string, string>();
  return (progress) => {
    onProgress?.(progress);
    if (progress.status === '') return;
    if (progress.id === undefined) {
      log('print', progress.status);
      return;
    }
    if (lastStatus.get(progress.id) === progress.status) return;
    lastStatus.set(progress.id, progress.status);
    log('print', `${progress.id}: ${progress.status}`);
  };
}

export interface PullRequest {
  client: DockerClient;
  /** The reference sent to the engine (`:latest` already appended). */
  reference: string;
  auth: RegistryAuth | undefined;
  platform?: string;
  log: (kind: RunnerLineKind, message: string) => void;
  onProgress?: (p: PullProgress) => void;
  retryDelayMs?: (attempt: number) => number;
  signal?: AbortSignal;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Pulls `reference`, retrying transient failures; rejects with a PullFailure. */
export async function pullWithRetry(request: PullRequest): Promise<void> {
  const printer = progressPrinter(request.log, request.onProgress);
  const delay = request.retryDelayMs ?? defaultRetryDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    request.signal?.throwIfAborted();
    try {
      await request.client.pullImage(request.reference, request.auth, printer, request.platform);
      return;
    } catch (error) {
      const failure = engineFailure(error, request.client.address);
      if (!isTransient(failure) || attempt >= PULL_ATTEMPTS) throw failure;
      const ms = Math.round(delay(attempt));
      request.log('print', `Pulling ${request.reference} failed (attempt ${attempt} of ${PULL_ATTEMPTS}): ${failure.message}; retrying in ${(ms / 1000).toFixed(1)}s ...`);
      await sleep(ms, request.signal);
    }
  }
}
