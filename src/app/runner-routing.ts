// Which `[[runners]]` entry of config.toml takes a job, and which executor runs it there. Pure: the
// Docker engine probe is done by the caller and handed in.
//
// GitLab picks a runner whose tags include every tag of the job; a job without tags goes to a runner
// that runs untagged jobs (https://docs.gitlab.com/ci/yaml/#tags, https://docs.gitlab.com/ci/runners/configure_runners/#use-tags-to-control-which-jobs-a-runner-can-run).
// Locally the runners are tried in file order, so the first matching entry wins.
import { ExecutorError } from '../errors.js';
import type { PlannedJob } from '../model/plan.js';
import type { RunnerSettings } from '../model/runner.js';
import type { EngineProbe } from '../executors/docker/docker-executor.js';

export type RouteResult = { runner: RunnerSettings } | { stuck: string };

export interface RouteOptions {
  /** `--ignore-tags`: the first runner takes every job. */
  ignoreTags: boolean;
}

/**
 * Executors glci runs (the loader warns that a runner naming another one "cannot run jobs"): such a
 * runner is as good as offline and takes no job.
 */
const RUNNABLE_EXECUTORS = new Set(['shell', 'docker', 'kubernetes']);

/** The runner that takes `job`, or GitLab's "stuck" message (with the runners' tags and a hint). */
export function routeJob(job: PlannedJob, runners: readonly RunnerSettings[], options: RouteOptions): RouteResult {
  const online = runners.filter((r) => RUNNABLE_EXECUTORS.has(r.executor));
  const first = online[0];
  if (!first) {
    const why = runners.length === 0 ? 'config.toml has no [[runners]] entry' : 'no [[runners]] entry names an executor glci runs (shell, docker, kubernetes)';
    return { stuck: `This job is stuck because the project doesn't have any runners online assigned to it: ${why}.` };
  }
  if (options.ignoreTags) return { runner: first };
  const tags = job.tags;
  const found = tags.length === 0 ? online.find((r) => r.runUntagged) : online.find((r) => tags.every((t) => r.tags.includes(t)));
  if (found) return { runner: found };
  // GitLab's wording (the job page's "stuck" notice), then what glci knows that GitLab's page does not show.
  const why = tags.length === 0
    ? "This job is stuck because you don't have any active runners that can run this job."
    : `This job is stuck because you don't have any active runners online or available with any of these tags assigned to them: ${tags.join(', ')}.`;
  const listed = runners.map((r) => `${r.name} [${runnerTags(r)}]`).join(', ');
  return { stuck: `${why} Runners: ${listed}; --ignore-tags runs every job on the first runner.` };
}

/** A runner's tags as the stuck message shows them. */
function runnerTags(runner: RunnerSettings): string {
  if (!RUNNABLE_EXECUTORS.has(runner.executor)) return `executor "${runner.executor}", which glci does not run (it scales through the kubernetes executor instead)`;
  if (runner.tags.length === 0) return runner.runUntagged ? 'untagged only' : 'no tags, runs no untagged job';
  return runner.runUntagged ? `${runner.tags.join(', ')}; also untagged` : runner.tags.join(', ');
}

export type ExecutorKind = 'shell' | 'docker' | 'kubernetes';
export type RequestedExecutor = 'shell' | 'docker' | 'kubernetes';

export interface ExecutorKindChoice {
  kind: ExecutorKind;
  /** Why, worded so the jobs sharing it can be counted in one line: `Using the <kind> executor for N job(s) (<reason>)`. */
  reason: string;
}

export interface ExecutorKindOptions {
  /** `--executor`, when given. */
  requested?: RequestedExecutor;
  /** The answer of the runner's Docker engine; null when it was not probed. */
  docker: EngineProbe | null;
}

/** Whether a job on this runner could go to the docker executor, so the engine is worth probing. */
export function mayUseDocker(job: PlannedJob, runner: RunnerSettings, requested: RequestedExecutor | undefined): boolean {
  if (requested !== undefined) return requested === 'docker';
  return runner.executor === 'docker' && imageOf(job, runner) !== undefined;
}

/** The job's image (its own or `default:`'s, merged by the planner) or the runner's default image. */
function imageOf(job: PlannedJob, runner: RunnerSettings): string | undefined {
  return job.image?.name ?? runner.docker?.image;
}

/**
 * The executor for `job` on `runner`. `--executor` wins; else a shell runner runs shell and a kubernetes
 * runner kubernetes (the cluster answers, or not, when the job's pod is created); a docker runner runs a
 * job with an image on docker when the engine answers, and on shell otherwise (GitLab Runner's shell
 * executor ignores `image:` too). Throws for `--executor docker` when the engine does not answer.
 */
export function chooseExecutorKind(job: PlannedJob, runner: RunnerSettings, options: ExecutorKindOptions): ExecutorKindChoice {
  const { requested, docker } = options;
  if (requested === 'kubernetes') return { kind: 'kubernetes', reason: '--executor kubernetes' };
  if (requested === 'shell') return { kind: 'shell', reason: '--executor shell' };
  if (requested === 'docker') {
    if (docker && !docker.ok) throw engineDown(docker);
    return { kind: 'docker', reason: `--executor docker${engineText(docker)}` };
  }
  if (runner.executor === 'shell') return { kind: 'shell', reason: `runner "${runner.name}" uses the shell executor` };
  if (runner.executor === 'kubernetes') return { kind: 'kubernetes', reason: `runner "${runner.name}" uses the kubernetes executor` };
  if (runner.executor !== 'docker') {
    return { kind: 'shell', reason: `runner "${runner.name}" uses the ${runner.executor} executor, which glci does not run (it scales through the kubernetes executor instead)` };
  }
  if (imageOf(job, runner) === undefined) {
    return {
      kind: 'shell',
      reason: `runner "${runner.name}": no image (job, default: or [runners.docker] image); GitLab Runner would fail such jobs with "no Docker image specified", glci runs them on the shell executor`,
    };
  }
  if (docker && !docker.ok) {
    return {
      kind: 'shell',
      reason: `runner "${runner.name}": the Docker engine at ${docker.address} does not answer (${docker.reason}); the jobs name an image, which the shell executor ignores as GitLab Runner does`,
    };
  }
  return { kind: 'docker', reason: `runner "${runner.name}"${engineText(docker)}` };
}

/** Whether a job on this runner goes to the kubernetes executor, so its module is worth loading. */
export function mayUseKubernetes(runner: RunnerSettings, requested: RequestedExecutor | undefined): boolean {
  return requested !== undefined ? requested === 'kubernetes' : runner.executor === 'kubernetes';
}

function engineText(docker: EngineProbe | null): string {
  return docker?.ok ? `, engine ${docker.address}, Docker ${docker.version}` : '';
}

function engineDown(docker: Extract<EngineProbe, { ok: false }>): ExecutorError {
  return new ExecutorError(
    'DOCKER_UNAVAILABLE',
    `--executor docker: the Docker engine at ${docker.address} does not answer (${docker.reason})`,
    'start the Docker engine or point DOCKER_HOST (or [runners.docker] host) at a running one; --executor shell runs the jobs on this machine',
  );
}

/** Where one job runs, decided before the pipeline starts. */
export type Assignment =
  | { kind: 'run'; runner: RunnerSettings; executor: ExecutorKind; reason: string }
  | { kind: 'stuck'; reason: string };

/** One line per (executor, reason), in order of first use: `Using the docker executor for 3 job(s) (…)`. */
export function describeAssignments(assignments: Iterable<Assignment>): string[] {
  const groups = new Map<string, { executor: ExecutorKind; reason: string; count: number }>();
  for (const a of assignments) {
    if (a.kind !== 'run') continue;
    const key = `${a.executor}\n${a.reason}`;
    const group = groups.get(key) ?? { executor: a.executor, reason: a.reason, count: 0 };
    group.count++;
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => `Using the ${g.executor} executor for ${g.count} job(s) (${g.reason})`);
}

/** Runner names as the job log header and the per-runner limit know them; a repeated name gets its position. */
export function runnerLabels(runners: readonly RunnerSettings[]): Map<RunnerSettings, string> {
  const counts = new Map<string, number>();
  for (const r of runners) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
  return new Map(runners.map((r) => [r, (counts.get(r.name) ?? 0) > 1 ? `${r.name} #${r.index}` : r.name]));
}

/** Set by the runner after its `environment` entries (runner-behavior.md §8.4 step 2), so those cannot override them. */
const SET_AFTER_RUNNER_ENVIRONMENT = new Set(['CI_BUILDS_DIR', 'CI_PROJECT_DIR', 'CI_CONCURRENT_ID', 'CI_CONCURRENT_PROJECT_ID', 'CI_SERVER', 'CI_JOB_STATUS', 'CI_JOB_TIMEOUT']);

/**
 * The job as the runner receives it: `[[runners]] environment` entries come before every variable of
 * the job payload (predefined, project, YAML, user), so those win on the same key (runner-behavior.md
 * §8.4, §9.2); GitLab's `CI_RUNNER_DESCRIPTION` and `CI_RUNNER_TAGS` follow, as the server sends them.
 */
export function withRunnerVariables(job: PlannedJob, runner: RunnerSettings | undefined): PlannedJob {
  if (!runner) return job;
  const variable = (key: string, value: string) => ({ key, value, public: true, masked: false, file: false, raw: false });
  const environment = runner.environment.filter((e) => !SET_AFTER_RUNNER_ENVIRONMENT.has(e.key)).map((e) => variable(e.key, e.value));
  // GitLab sends Ruby's Array#to_s of the tags: `["a", "b"]`.
  const tags = `[${runner.tags.map((t) => JSON.stringify(t)).join(', ')}]`;
  const identity = [{ ...variable('CI_RUNNER_DESCRIPTION', runner.name), raw: true }, { ...variable('CI_RUNNER_TAGS', tags), raw: true }];
  return { ...job, variables: [...environment, ...identity, ...job.variables] };
}
