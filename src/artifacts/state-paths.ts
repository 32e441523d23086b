// Layout of glci's state directory, in one place so executors and the artifact/cache store agree:
//   <stateDir>/builds/<pipelineId>/<job dir>/<project name>       the job's checkout copy (CI_PROJECT_DIR)
//   <stateDir>/builds/<pipelineId>/<job dir>/<project name>.tmp   file variables, GITLAB_ENV
//   <stateDir>/pipelines/<pipelineId>/artifacts/<job dir>/        stored artifacts and reports
//   <stateDir>/pipelines/<pipelineId>/events.ndjson               the run's events (json reporter records, masked)
//   <stateDir>/pipelines/<pipelineId>/report.html                 `glci report`'s page, by default
//   <stateDir>/cache/<sanitised cache key>/cache.tar              local cache archives
//   <stateDir>/git/shallow/<sha>-depth-<N>                        shallow repositories for container checkouts
//   <stateDir>/runs/<pipelineId>.json                             the pid of a live run (glci clean spares it)
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { slugify } from '../variables/index.js';

/**
 * Folder name for one job of a pipeline: its slug (readable) plus 8 hex digits of the exact name, so
 * `build a` and `build:a` (same slug) never share a folder while running side by side.
 */
export function jobDirName(jobName: string): string {
  const hash = createHash('sha1').update(jobName).digest('hex').slice(0, 8);
  return `${slugify(jobName) || 'job'}-${hash}`;
}

/** Folder holding everything one job of one pipeline creates on the host (build copy and temp files). */
export function jobBuildRoot(stateDir: string, pipelineId: number, jobName: string): string {
  return join(stateDir, 'builds', String(pipelineId), jobDirName(jobName));
}

/** Folder holding the stored artifacts, reports and metadata of one job of one pipeline. */
export function jobArtifactsDir(stateDir: string, pipelineId: number, jobName: string): string {
  return join(stateDir, 'pipelines', String(pipelineId), 'artifacts', jobDirName(jobName));
}

/** Folder of one cache key; the key is sanitised first, so it cannot leave `<stateDir>/cache`. */
export function cacheKeyDir(stateDir: string, sanitizedKey: string): string {
  return join(stateDir, 'cache', sanitizedKey);
}

/** The NDJSON event record of one run (the `--json` reporter's records, masked), read by `glci report`. */
export function pipelineEventsFile(stateDir: string, pipelineId: number | string): string {
  return join(stateDir, 'pipelines', String(pipelineId), 'events.ndjson');
}
