// JobServices for a job GitLab handed out (runner mode): scripts and caches as in local runs, but the
// artifacts of the jobs it depends on come from GitLab (`GET jobs/:id/artifacts` with each dependency's
// token) and its own go to GitLab (`POST jobs/:id/artifacts`): the `archive` as zip, each report in the
// format the payload asks for (runner-behavior.md §7, §8.7). The files are selected exactly as local
// runs select them (the local store's tar), then converted.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import type { JobServices, StageContext } from '../engine/index.js';
import { ExecutorError } from '../errors.js';
import type { ArtifactUpload, RunnerApi } from '../gitlab/api/runner-api.js';
import type { PayloadArtifact, PayloadDependency } from '../model/job-payload.js';
import { readArchiveFiles } from '../platform/archive.js';
import { zipFileToTar } from '../platform/zip-file-reader.js';
import { tarToZipFile } from '../platform/zip-file-writer.js';
import { jobArtifactsDir } from '../artifacts/state-paths.js';
import { createJobServices, type JobServicesOptions } from './job-services.js';

export interface RunnerJobServicesOptions extends JobServicesOptions {
  api: RunnerApi;
  jobId: number;
  jobToken: string;
  dependencies: readonly PayloadDependency[];
  /** The payload's `artifacts[]`: format and expiry of each type. */
  artifacts: readonly PayloadArtifact[];
  /** Pause before another try of a failed upload (default 1 s; tests shorten it). */
  uploadRetryDelayMs?: number;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** `download_artifacts`: every dependency with an artifacts file, in the payload's order. */
async function downloadDependencies(options: RunnerJobServicesOptions, ctx: StageContext): Promise<void> {
  for (const dependency of options.dependencies) {
    if (!dependency.artifacts_file) continue;
    ctx.log.info(`Downloading artifacts for ${dependency.name} (${dependency.id})...`);
    const stream = await options.api.downloadArtifacts(dependency.id, dependency.token, ctx.signal);
    if (stream === null) {
      throw new ExecutorError('ARTIFACTS_DOWNLOAD', `Downloading artifacts from coordinator... not found  id=${dependency.id} responseStatus=404 Not Found`);
    }
    // Saved to a file and read from there: artifacts can be many GiB.
    const dir = await mkdtemp(join(tmpdir(), 'glci-artifacts-'));
    try {
      const file = join(dir, 'artifacts.zip');
      await pipeline(stream, createWriteStream(file));
      ctx.log.print(`Downloading artifacts from coordinator... ok  id=${dependency.id} responseStatus=200 OK`);
      await ctx.env.copyIn(zipFileToTar(file), '.');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** A report's files as GitLab Runner's gzip format holds them: one gzip member per file, concatenated. */
function gzipMembers(files: Map<string, Buffer>): Buffer {
  return Buffer.concat([...files.values()].map((data) => gzipSync(data)));
}

/** What to send; `open` gives a fresh body for each try. */
interface PreparedUpload {
  type: string;
  format: ArtifactUpload['format'];
  filename: string;
  expireIn: string | undefined;
  size: number;
  open: () => Readable;
}

function fromBuffer(type: string, format: string, body: Buffer, expireIn: string | undefined, filename: string): PreparedUpload {
  const kind = format === 'gzip' || format === 'raw' ? format : 'zip';
  return { type, format: kind, filename, expireIn, size: body.length, open: () => Readable.from([body]) };
}

/** A zip of a tar written to a file beside it (streamed: archives may be many GiB). */
async function zipFile(tarFile: string, type: string, expireIn: string | undefined, filename: string): Promise<PreparedUpload> {
  const file = `${tarFile}.zip`;
  const { bytes } = await tarToZipFile(createReadStream(tarFile), file);
  return { type, format: 'zip', filename, expireIn, size: bytes, open: () => createReadStream(file) };
}

/** GitLab Runner's artifact uploader tries 3 times when GitLab cannot be reached or answers 5xx. */
const UPLOAD_ATTEMPTS = 3;

async function send(options: RunnerJobServicesOptions, ctx: StageContext, prepared: PreparedUpload): Promise<void> {
  let result: Awaited<ReturnType<RunnerApi['uploadArtifact']>>;
  for (let attempt = 1; ; attempt++) {
    const upload: ArtifactUpload = { type: prepared.type, format: prepared.format, filename: prepared.filename, body: prepared.open(), size: prepared.size, ...(prepared.expireIn ? { expireIn: prepared.expireIn } : {}) };
    result = await options.api.uploadArtifact(options.jobId, options.jobToken, upload);
    upload.body.destroy();
    if (result.kind !== 'failed' || (result.status !== 0 && result.status < 500) || attempt >= UPLOAD_ATTEMPTS || ctx.signal.aborted) break;
    ctx.log.warn(`Uploading artifacts as "${prepared.type}" to coordinator... failed  id=${options.jobId} responseStatus=${result.status} status=${result.message}`);
    ctx.log.warn('Retrying...');
    await new Promise((resolve) => setTimeout(resolve, options.uploadRetryDelayMs ?? 1_000));
  }
  if (result.kind === 'ok') {
    ctx.log.print(`Uploading artifacts as "${prepared.type}" to coordinator... 201 Created  id=${options.jobId} responseStatus=201 Created`);
    return;
  }
  // GitLab Runner's words for a 413 ("too large archive"), which users search for; its status as a field.
  const line = result.kind === 'too-large' ? `too large archive  id=${options.jobId} responseStatus=413 Request Entity Too Large` : `${result.status} ${result.message}  id=${options.jobId}`;
  ctx.log.error(`Uploading artifacts as "${prepared.type}" to coordinator... ${line}`);
  const what = result.kind === 'too-large' ? '413 Request Entity Too Large' : `${result.status} ${result.message}`;
  throw new ExecutorError('ARTIFACTS_UPLOAD', `cannot upload the ${prepared.type} artifacts: ${what}`);
}

/** The stored archive and reports of this job (written by the local store), sent to GitLab. */
async function uploadStored(options: RunnerJobServicesOptions, ctx: StageContext, dir: string): Promise<void> {
  const archive = join(dir, 'artifacts.tar');
  const formatOf = (type: string) => options.artifacts.find((a) => a.artifact_type === type);
  if (await exists(archive)) await send(options, ctx, await zipFile(archive, 'archive', formatOf('archive')?.expire_in, 'artifacts.zip'));
  for (const entry of options.artifacts) {
    if (entry.artifact_type === 'archive') continue;
    const file = join(dir, 'reports', `${entry.artifact_type}.tar`);
    if (!(await exists(file))) continue;
    if (entry.artifact_format === 'zip') {
      await send(options, ctx, await zipFile(file, entry.artifact_type, entry.expire_in, `${entry.artifact_type}.zip`));
      continue;
    }
    const files = await readArchiveFiles(createReadStream(file), (e) => e.type === 'file');
    const body = entry.artifact_format === 'raw' ? ([...files.values()][0] ?? Buffer.alloc(0)) : gzipMembers(files);
    const name = entry.artifact_format === 'raw' ? ([...files.keys()][0] ?? entry.artifact_type) : `${entry.artifact_type}.gz`;
    // Reports sent as gzip or raw are small text files (junit, dotenv, ...): converted in memory.
    await send(options, ctx, fromBuffer(entry.artifact_type, entry.artifact_format, body, entry.expire_in, name.split('/').pop() ?? name));
  }
}

export function createRunnerJobServices(options: RunnerJobServicesOptions): JobServices {
  const local = createJobServices(options);
  return {
    ...local,
    restoreArtifacts: (ctx) => downloadDependencies(options, ctx),
    async saveArtifacts(ctx, outcome) {
      const dir = jobArtifactsDir(options.stateDir, options.pipelineId, ctx.job.name);
      // The local store writes GitLab Runner's "found N matching files" lines and the archives; its
      // "Saving ... in the local artifact store" lines are not true here and are left out.
      const base = ctx.log; // a class instance (the engine's JobLog): delegate, do not spread
      const log = {
        print: (message: string) => (message.startsWith('Saving artifacts') ? undefined : base.print(message)),
        info: (message: string) => base.info(message),
        warn: (message: string) => base.warn(message),
        error: (message: string) => base.error(message),
      };
      try {
        const saved = await local.saveArtifacts({ ...ctx, log }, outcome);
        await uploadStored(options, ctx, dir);
        return saved;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
