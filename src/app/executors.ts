// The executor registry (DESIGN.md habit 2): one explicit map, no import side effects. The docker
// executor pulls in dockerode and the kubernetes one @kubernetes/client-node, so each is imported
// dynamically, and only when some job may run on it: `list`/`lint` (and shell-only runs) load neither.
import { cpus } from 'node:os';
import { UsageError } from '../errors.js';
import type { Executor } from '../executors/executor.js';
import type * as DockerModule from '../executors/docker/docker-executor.js';
import type { EngineProbe } from '../executors/docker/docker-executor.js';
import type * as KubernetesModule from '../executors/kubernetes/kubernetes-executor.js';
import type { KubernetesSettings } from '../model/kubernetes.js';
import { createShellExecutor, type PipelineCheckout } from '../executors/shell/shell-executor.js';
import type { PlannedJob } from '../model/plan.js';
import type { DockerSettings, RunnerSettings } from '../model/runner.js';
import { type Assignment, type ExecutorKind, type RequestedExecutor, chooseExecutorKind, mayUseDocker, mayUseKubernetes, routeJob } from './runner-routing.js';

type Env = Readonly<Record<string, string | undefined>>;
type DockerExecutorModule = typeof DockerModule;
export type KubernetesExecutorModule = typeof KubernetesModule;

export interface AssignOptions {
  ignoreTags: boolean;
  requested?: RequestedExecutor;
  env: Env;
  /** Loads the docker executor module; injectable so tests need no engine. */
  loadDocker?: () => Promise<DockerExecutorModule>;
}

/** Where kubernetes jobs go when config.toml does not say (`--kubeconfig`, `--kube-context`). */
export interface KubernetesAccessOptions {
  kubeconfig?: string;
  kubeContext?: string;
}

export interface Assignments {
  /** By job name. */
  jobs: Map<string, Assignment>;
  /** Set when a job may run on docker: the module is loaded by then, so executors are built synchronously. */
  docker: DockerExecutorModule | null;
  /** Set when a job runs on kubernetes, like `docker`. */
  kubernetes: KubernetesExecutorModule | null;
}

/** `--executor` as typed by the user. */
export function parseRequestedExecutor(name: string | undefined): RequestedExecutor | undefined {
  if (name === undefined) return undefined;
  if (name === 'shell' || name === 'docker' || name === 'kubernetes') return name;
  throw new UsageError(`unknown executor "${name}"`, 'use one of: shell, docker, kubernetes');
}

export function loadDockerExecutor(): Promise<DockerExecutorModule> {
  return import('../executors/docker/docker-executor.js');
}

export function loadKubernetesExecutor(): Promise<KubernetesExecutorModule> {
  return import('../executors/kubernetes/kubernetes-executor.js');
}

/**
 * Routes every job to a runner and picks its executor. The Docker engine is probed only when some job
 * may run on docker, once per distinct engine (runners naming the same host share one probe).
 */
export async function assignExecutors(jobs: readonly PlannedJob[], runners: readonly RunnerSettings[], options: AssignOptions): Promise<Assignments> {
  const routed = jobs.map((job) => ({ job, route: routeJob(job, runners, { ignoreTags: options.ignoreTags }) }));
  const dockerRunners = new Set<RunnerSettings>();
  for (const { job, route } of routed) {
    if ('runner' in route && mayUseDocker(job, route.runner, options.requested)) dockerRunners.add(route.runner);
  }
  const docker = dockerRunners.size > 0 ? await (options.loadDocker ?? loadDockerExecutor)() : null;
  const kubernetes = routed.some(({ route }) => 'runner' in route && mayUseKubernetes(route.runner, options.requested)) ? await loadKubernetesExecutor() : null;
  const probes = docker ? await probeEngines([...dockerRunners], (settings) => docker.probeDockerEngine(settings, options.env)) : new Map<RunnerSettings, EngineProbe>();
  const assigned = new Map<string, Assignment>();
  for (const { job, route } of routed) {
    if ('stuck' in route) {
      assigned.set(job.name, { kind: 'stuck', reason: route.stuck });
      continue;
    }
    const requested = options.requested ? { requested: options.requested } : {};
    const choice = chooseExecutorKind(job, route.runner, { ...requested, docker: probes.get(route.runner) ?? null });
    assigned.set(job.name, { kind: 'run', runner: route.runner, executor: choice.kind, reason: choice.reason });
  }
  return { jobs: assigned, docker, kubernetes };
}

/** Probes each distinct engine of `runners` once, in parallel. */
export async function probeEngines(
  runners: readonly RunnerSettings[],
  probe: (settings: DockerSettings | undefined) => Promise<EngineProbe>,
): Promise<Map<RunnerSettings, EngineProbe>> {
  const byEngine = new Map<string, Promise<EngineProbe>>();
  const engineOf = (runner: RunnerSettings) => {
    const key = engineKey(runner.docker);
    let answer = byEngine.get(key);
    if (!answer) {
      answer = probe(runner.docker);
      byEngine.set(key, answer);
    }
    return answer;
  };
  const answers = await Promise.all(runners.map(engineOf));
  return new Map(runners.map((runner, i) => [runner, answers[i] as EngineProbe]));
}

/** Settings that name one engine; unset ones resolve through the same environment, so they compare equal. */
function engineKey(docker: DockerSettings | undefined): string {
  return JSON.stringify([docker?.host ?? null, docker?.tlsVerify ?? false, docker?.tlsCertPath ?? null]);
}

export interface RegistryOptions {
  env: Env;
  shellInPlace: boolean;
  /** The loaded docker executor module (see Assignments.docker); null when no job runs on docker. */
  docker: DockerExecutorModule | null;
  /** `[runners.docker]` defaults for a runner without that table (a shell runner run with `--executor docker`). */
  dockerDefaults: DockerSettings;
  /** The loaded kubernetes executor module; null when no job runs on kubernetes. */
  kubernetes?: KubernetesExecutorModule | null;
  /** `[runners.kubernetes]` defaults for a runner without that table (`--executor kubernetes`). */
  kubernetesDefaults?: () => KubernetesSettings;
  kubernetesAccess?: KubernetesAccessOptions;
  /** What every shell job of the pipeline copies, found once (app/pipeline-checkout.ts). */
  checkout?: PipelineCheckout;
}

/** Executors are created on first use and once per (runner, kind): jobs of one runner share them. */
export function createExecutorRegistry(options: RegistryOptions): (runner: RunnerSettings, kind: ExecutorKind) => Executor {
  const built = new Map<RunnerSettings, Map<ExecutorKind, Executor>>();
  const create = (runner: RunnerSettings, kind: ExecutorKind): Executor => {
    if (kind === 'shell') return createShellExecutor({ inPlace: options.shellInPlace, ...(options.checkout ? { checkout: options.checkout } : {}) });
    if (kind === 'kubernetes') {
      if (!options.kubernetes || !options.kubernetesDefaults) throw new Error('the kubernetes executor module was not loaded before the pipeline started');
      return options.kubernetes.createKubernetesExecutor({ runner, kubernetes: runner.kubernetes ?? options.kubernetesDefaults(), ...options.kubernetesAccess });
    }
    if (!options.docker) throw new Error('the docker executor module was not loaded before the pipeline started');
    return options.docker.createDockerExecutor({ runner, docker: runner.docker ?? options.dockerDefaults, env: options.env });
  };
  return (runner, kind) => {
    const perRunner = built.get(runner) ?? new Map<ExecutorKind, Executor>();
    built.set(runner, perRunner);
    let executor = perRunner.get(kind);
    if (!executor) {
      executor = create(runner, kind);
      perRunner.set(kind, executor);
    }
    return executor;
  };
}

export function defaultConcurrency(): number {
  return Math.max(1, cpus().length);
}
