// The distributed cache (runner-behavior.md §6.2-§6.4, §9.5): cache archives downloaded and uploaded
// through presigned S3 URLs under GitLab Runner's object names, so glci runners and GitLab Runners
// share one bucket. The object is GitLab Runner's zip (cache.zip's format); the local cache stays a tar.
// Log lines are GitLab Runner's cache-extractor / cache-archiver ones (commands/helpers/cache_*.go).
// Nothing here fails a job: every problem is a warning and the caller goes on.
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { CacheDefinition } from '../model/config.js';
import type { CacheS3Settings, CacheSettings } from '../model/cache-settings.js';
import { httpTransfer, type TransferRequest, type TransferResult } from '../platform/http-transfer.js';
import { zipFileToTar } from '../platform/zip-file-reader.js';
import { tarToZipFile } from '../platform/zip-file-writer.js';
import { presignObjectUrl, type PresignedObjectUrl, type S3Credentials } from './s3-presign.js';
import type { StageLogger } from './stage-log.js';
import { shortenRunnerToken } from '../variables/runner-token.js';

/** How the local tar becomes the uploaded object and back, file to file (caches can be large). */
export interface CacheArchiveCodec {
  /** The name GitLab Runner's log shows (`Uploading cache.zip to ...`). */
  fileName: string;
  /** Writes the object for `tarFile` to `objectFile`. */
  encode(tarFile: string, objectFile: string): Promise<void>;
  /** A tar stream of the downloaded object in `objectFile`. */
  decode(objectFile: string): Readable;
}

/** GitLab Runner's distributed-cache format: a zip (whatever the local file is called). */
export const ZIP_CODEC: CacheArchiveCodec = {
  fileName: 'cache.zip',
  encode: async (tarFile, objectFile) => void (await tarToZipFile(createReadStream(tarFile), objectFile)),
  decode: (objectFile) => zipFileToTar(objectFile),
};

/** GitLab's server-side key suffixes, for local runs (a runner gets the keys with them already). */
export interface GitlabKeySuffixes {
  /** The project's "Clear runner caches" counter (`-<index>`); unset: none. */
  cacheIndex?: number;
  /** "Use separate caches for protected branches" (GitLab's default: on). */
  separateProtected: boolean;
}

/** Where one job's caches go besides the local store. */
export interface RemoteCacheTarget {
  settings: CacheSettings;
  /** GitLab's project id; unset: the job's CI_PROJECT_ID (a local run's 0 means "none": local cache only). */
  projectId?: string;
  /** The runner's token; object names use only its short form (GitLab Runner's ShortenToken). */
  runnerToken: string;
  /** Keys get GitLab's `-<index>` and `-protected`/`-non_protected` here (local runs only). */
  gitlabKeys?: GitlabKeySuffixes;
  /** Presigned URLs' lifetime in seconds (GitLab Runner: the job's timeout); default 3600. */
  urlLifetimeSeconds?: number;
  /** Where AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN are read; default process.env. */
  environment?: Record<string, string | undefined>;
  codec?: CacheArchiveCodec;
  /** Tests: the HTTP call and the pause between retries (GitLab Runner: 1 s). */
  transfer?: (request: TransferRequest) => Promise<TransferResult>;
  retryDelayMs?: number;
}

/**
 * GitLab Runner's `generateObjectName`: `[Path/][runner/<short token>/]project/<id>/<key>`, cleaned as
 * Go's path.Join cleans; null when the key would leave the project's prefix (`../` in the key).
 */
export function cacheObjectName(settings: CacheSettings, runnerToken: string, projectId: string, key: string): string | null {
  if (key === '') return null;
  const namespace = settings.shared ? '' : posix.join('runner', shortenRunnerToken(runnerToken));
  const base = posix.join(settings.path, namespace, 'project', projectId);
  const full = posix.join(base, key);
  if (!full.startsWith(`${base}/`)) return null;
  // The S3 adapter trims leading slashes (a Path of "/team").
  return full.replace(/^\/+/, '');
}

/** The cache definition with GitLab's server-side suffixes on its key and fallback keys (app/models/ci/build.rb#cache). */
export function withGitlabSuffixes(cache: CacheDefinition, suffixes: GitlabKeySuffixes, refProtected: boolean): CacheDefinition {
  const index = suffixes.cacheIndex !== undefined ? `-${suffixes.cacheIndex}` : '';
  const type = suffixes.separateProtected ? (refProtected && !cache.unprotect ? '-protected' : '-non_protected') : '';
  const suffix = (key: string) => `${key}${index}${type}`;
  if (suffix('') === '' || cache.key.kind !== 'literal') return cache;
  return { ...cache, key: { kind: 'literal', value: suffix(cache.key.value) }, fallbackKeys: cache.fallbackKeys.map(suffix) };
}

/** GitLab Runner's S3 credentials: the file's keys (`access-key`), else the environment (`iam`). */
export function s3Credentials(s3: CacheS3Settings, env: Record<string, string | undefined>): S3Credentials | null {
  const iam = s3.authenticationType === 'iam' || (s3.authenticationType === '' && (s3.serverAddress === '' || s3.accessKey === '' || s3.secretKey === ''));
  if (!iam) return { accessKey: s3.accessKey, secretKey: s3.secretKey, ...(s3.sessionToken ? { sessionToken: s3.sessionToken } : {}) };
  const accessKey = env.AWS_ACCESS_KEY_ID ?? '';
  const secretKey = env.AWS_SECRET_ACCESS_KEY ?? '';
  if (accessKey === '' || secretKey === '') return null;
  return { accessKey, secretKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

/** One object of one job: its presigned URLs and how to move it. */
export interface RemoteCacheObject {
  /** Downloads the object into `saveTo`; false (after the warnings) when there is none to use. */
  download(saveTo: string, log: StageLogger, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  upload(tarFile: string, mtime: Date, log: StageLogger, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  codec: CacheArchiveCodec;
}

/**
 * The object of `key` for a job of `projectId`, or null when the job has no URL (GitLab Runner then
 * says "No URL provided" and uses the local copy): no credentials, or a key outside the project.
 */
export function remoteCacheObject(target: RemoteCacheTarget, projectId: string, key: string, log: StageLogger): RemoteCacheObject | null {
  const s3 = target.settings.s3;
  if (target.settings.type !== 's3' || !s3 || s3.bucketName === '') return null;
  const objectName = cacheObjectName(target.settings, target.runnerToken, projectId, key);
  if (objectName === null) {
    log.warn('computed cache path outside of project bucket. Please remove `../` from cache key');
    return null;
  }
  const credentials = s3Credentials(s3, target.environment ?? process.env);
  if (credentials === null) {
    log.warn('no S3 credentials: [runners.cache.s3] has no AccessKey/SecretKey and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set');
    return null;
  }
  const endpoint = { serverAddress: s3.serverAddress, insecure: s3.insecure, bucketName: s3.bucketName, bucketLocation: s3.bucketLocation };
  const presign = (method: 'GET' | 'PUT') =>
    presignObjectUrl(endpoint, objectName, method, credentials, { expiresSeconds: target.urlLifetimeSeconds ?? 3600 });
  const codec = target.codec ?? ZIP_CODEC;
  const mover = new Transfers(target.transfer ?? httpTransfer, target.retryDelayMs ?? 1000);
  return {
    codec,
    download: (saveTo, log2, timeoutMs, signal) => mover.download(presign('GET'), saveTo, log2, timeoutMs, signal),
    upload: async (tarFile, mtime, log2, timeoutMs, signal) => {
      const objectFile = `${tarFile}.${codec.fileName}`;
      try {
        await codec.encode(tarFile, objectFile);
        const size = (await stat(objectFile)).size;
        const limit = target.settings.maxUploadedArchiveSize;
        if (limit > 0 && size > limit) {
          log2.print(`Cache archive size (${size}) is too big (Limit is set to ${limit}). Cache will be stored only locally.`);
          return;
        }
        await mover.upload(presign('PUT'), codec.fileName, objectFile, { mtime, timeoutMs, ...(signal ? { signal } : {}) }, log2);
      } finally {
        await rm(objectFile, { force: true });
      }
    },
  };
}

/** A failure GitLab Runner's helpers retry: no answer, or a 5xx. */
interface Attempt {
  ok: boolean;
  retryable: boolean;
  message: string;
  result?: Extract<TransferResult, { kind: 'response' }>;
}

class Transfers {
  constructor(
    private readonly send: (request: TransferRequest) => Promise<TransferResult>,
    private readonly retryDelayMs: number,
  ) {}

  /** GitLab Runner's doRetry: the first try and two more for retryable failures, a pause before each. */
  private async withRetries(request: TransferRequest, display: string, log: StageLogger): Promise<Attempt> {
    let attempt = describe(await this.send(request), request.method, display);
    for (let retry = 1; retry <= 2 && attempt.retryable; retry++) {
      await new Promise((r) => setTimeout(r, this.retryDelayMs));
      log.warn(`Retrying...  error=${attempt.message}`);
      attempt = describe(await this.send(request), request.method, display);
    }
    return attempt;
  }

  async download(url: PresignedObjectUrl, saveTo: string, log: StageLogger, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const request: TransferRequest = { method: 'GET', url: url.url, saveTo, timeoutMs, ...(signal ? { signal } : {}) };
    const attempt = await this.withRetries(request, url.displayUrl, log);
    if (!attempt.ok || !attempt.result) {
      log.warn(attempt.result?.status === 404 ? 'file does not exist' : attempt.message);
      return false;
    }
    const etag = attempt.result.headers.get('etag');
    log.print(`Downloading cache from ${url.displayUrl}${etag ? `  ETag=${etag}` : ''}`);
    return true;
  }

  async upload(url: PresignedObjectUrl, fileName: string, objectFile: string, options: { mtime: Date; timeoutMs: number; signal?: AbortSignal }, log: StageLogger): Promise<void> {
    log.print(`Uploading ${fileName} to ${url.displayUrl}`);
    const headers = { 'Content-Type': 'application/octet-stream', 'Last-Modified': options.mtime.toUTCString() };
    const { mtime: _, ...transfer } = options;
    const attempt = await this.withRetries({ method: 'PUT', url: url.url, bodyFile: objectFile, headers, ...transfer }, url.displayUrl, log);
    if (!attempt.ok) throw new Error(attempt.message);
  }
}

/** Go's wording: `received: 403 Forbidden`; `Get "URL": ...` (the URL without its signature). */
function describe(result: TransferResult, method: string, display: string): Attempt {
  const verb = method === 'GET' ? 'Get' : 'Put';
  if (result.kind === 'response') {
    const ok = result.status >= 200 && result.status < 300;
    return { ok, retryable: result.status >= 500, message: `received: ${result.status} ${result.statusText}`.trimEnd(), result };
  }
  if (result.kind === 'network') {
    const what = result.reason === 'timeout' ? 'timeout awaiting response' : socketWords(result.detail);
    return { ok: false, retryable: true, message: `${verb} "${display}": ${what}` };
  }
  return { ok: false, retryable: false, message: `${verb} "${display}": ${result.detail}` };
}

function socketWords(code: string): string {
  const words: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused', ENOTFOUND: 'no such host', EAI_AGAIN: 'no such host (temporary failure)',
    ECONNRESET: 'connection reset by peer', EHOSTUNREACH: 'no route to host', ENETUNREACH: 'network is unreachable',
  };
  return words[code] ?? code;
}

export { shortenRunnerToken };
