// The real JobServices the engine calls between executor steps: script text from script/, caches and
// artifacts from artifacts/. Kept here, in the composition root, so engine/ knows only the interface.
import type { JobServices, ScriptRequest, StageContext } from '../engine/index.js';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { exportArtifacts, restoreArtifacts, saveArtifacts } from '../artifacts/artifact-store.js';
import { resolveOrKeep, restoreCaches, saveCaches } from '../artifacts/cache.js';
import type { RemoteCacheTarget } from '../artifacts/remote-cache.js';
import type { JobEnvironment } from '../executors/executor.js';
import type { CacheDefinition } from '../model/config.js';
import type { PlannedJob } from '../model/plan.js';
import { generateStepScript, type ScriptStepName } from '../script/step-script.js';

export interface JobServicesOptions {
  stateDir: string;
  pipelineId: number;
  /** Files git tracks in the project, for `untracked: true` in cache and artifacts. */
  trackedFiles: readonly string[];
  /** `--artifacts-to-source`: also extract each job's artifacts into this directory (the user's project). */
  artifactsToSource?: string;
  /** The `pre_build_script` / `post_build_script` of the runner that takes the job. */
  runnerScripts?: (job: PlannedJob) => RunnerScripts | undefined;
  /** The distributed cache (`[runners.cache]`) of the runner that takes the job; unset: local cache only. */
  remoteCache?: (job: PlannedJob) => RemoteCacheTarget | undefined;
}

export interface RunnerScripts {
  preBuildScript?: string;
  postBuildScript?: string;
  preGetSourcesScript?: string;
  postGetSourcesScript?: string;
}

/**
 * step_script is pre_build_script + before_script + script + post_build_script in one shell, each runner
 * snippet echoed as one (multi-line) command (runner-behavior.md §1.3, gitlab-runner shells/abstract.go).
 */
function stepCommands(job: PlannedJob, runner: RunnerScripts | undefined): string[] {
  const pre = runner?.preBuildScript ? [runner.preBuildScript] : [];
  const post = runner?.postBuildScript ? [runner.postBuildScript] : [];
  return [...pre, ...job.beforeScript, ...job.script, ...post];
}

/**
 * The commands of a stage. Around the sources (runner-behavior.md §4.3): the runner's
 * pre_get_sources_script, then the job's `hooks:pre_get_sources_script`; after them the runner's
 * post_get_sources_script (the language has no post hook).
 */
function commandsFor(job: PlannedJob, stage: ScriptRequest['stage'], runner: RunnerScripts | undefined): readonly string[] {
  switch (stage) {
    case 'step_script':
      return stepCommands(job, runner);
    case 'after_script':
      return job.afterScript;
    case 'pre_get_sources_script':
      return [...(runner?.preGetSourcesScript ? [runner.preGetSourcesScript] : []), ...(job.hooks?.preGetSourcesScript ?? [])];
    case 'post_get_sources_script':
      return runner?.postGetSourcesScript ? [runner.postGetSourcesScript] : [];
    default:
      // `step_<name>`: one of the job's extra steps (runner mode's `release`).
      return job.extraSteps?.find((s) => `step_${s.name.toLowerCase()}` === stage)?.script ?? [];
  }
}

/** The script generator's name of each stage with commands; an extra `step_<name>` is a step like step_script. */
const STEP_NAMES: Partial<Record<ScriptRequest['stage'], ScriptStepName>> = {
  after_script: 'after_script',
  pre_get_sources_script: 'pre_get_sources',
  post_get_sources_script: 'post_get_sources',
};

function scriptFor(request: ScriptRequest, runner: RunnerScripts | undefined): string | null {
  const { job, stage } = request;
  const commands = commandsFor(job, stage, runner);
  if (commands.length === 0) return null;
  return generateStepScript({
    step: STEP_NAMES[stage] ?? 'step_script',
    commands,
    variables: request.variables,
    projectDir: request.projectDir,
    tmpDir: request.tmpDir,
    shell: 'bash',
    ...(stage === 'after_script' ? { jobStatus: request.jobStatus } : {}),
  });
}

export function createJobServices(options: JobServicesOptions): JobServices {
  const store: ArtifactStore = { stateDir: options.stateDir, pipelineId: options.pipelineId };
  const tracked = { trackedFiles: options.trackedFiles };
  const remoteOf = (ctx: StageContext) => {
    const remote = options.remoteCache?.(ctx.job);
    return remote ? { remote, signal: ctx.signal } : {};
  };
  // key:files is hashed once, before the job runs, as GitLab computes it at pipeline creation: a job
  // that rewrites its lock file still saves under the key it restored.
  const resolvedCaches = new WeakMap<JobEnvironment, readonly CacheDefinition[]>();
  const cachesOf = async (ctx: StageContext) => {
    let caches = resolvedCaches.get(ctx.env);
    if (!caches) {
      caches = await resolveOrKeep(ctx.env, ctx.job.cache, ctx.log);
      resolvedCaches.set(ctx.env, caches);
    }
    return caches;
  };
  return {
    generateScript: (request) => scriptFor(request, options.runnerScripts?.(request.job)),
    async restoreCaches(ctx: StageContext) {
      await restoreCaches(ctx.env, await cachesOf(ctx), ctx.variables, options.stateDir, ctx.log, remoteOf(ctx));
    },
    async restoreArtifacts(ctx: StageContext) {
      await restoreArtifacts(ctx.env, ctx.job.artifactSources, store, ctx.log);
    },
    async saveCaches(ctx: StageContext, outcome) {
      await saveCaches(ctx.env, await cachesOf(ctx), ctx.variables, options.stateDir, outcome === 'success', ctx.log, { ...tracked, ...remoteOf(ctx) });
    },
    async saveArtifacts(ctx: StageContext, outcome) {
      const saved = await saveArtifacts(ctx.env, ctx.job, ctx.variables, store, outcome === 'success', ctx.log, { ...tracked, jobId: ctx.jobId });
      if (options.artifactsToSource && (await exportArtifacts(store, ctx.job.name, options.artifactsToSource))) {
        ctx.log.print(`Copied the artifacts of ${ctx.job.name} into the project directory (--artifacts-to-source)`);
      }
      return { dotenv: saved.dotenv };
    },
  };
}
