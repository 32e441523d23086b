// One `[[runners]]` entry → RunnerSettings (runner-behavior.md §9.2,
// https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-runners-section).
import type { KubernetesSettings } from '../model/kubernetes.js';
import type { DockerSettings, RunnerSettings } from '../model/runner.js';
import { readDocker, readEnvironment } from './docker-section.js';
import { readKubernetes } from './kubernetes-section.js';
import { DOCKER_SCHEMA, GITLAB_EXECUTORS, GLCI_EXECUTORS, RUNNER_SCHEMA, SHELLS } from './schema.js';
import { Section } from './section.js';
import { didYouMean } from './suggest.js';

/** `index`: 1-based position in the file (0 for the built-in default runner). */
export function readRunner(s: Section, index: number): RunnerSettings {
  s.checkKeys(RUNNER_SCHEMA, { schema: DOCKER_SCHEMA, table: '[runners.docker]' });
  // Read in the order `glci config show` lists them.
  const name = s.string('name');
  if (name === undefined) s.setOrigin('name', 'glci-default');
  const url = s.string('url') ?? '';
  const token = s.string('token') ?? '';
  const executor = readExecutor(s);
  const tags = s.strings('tags');
  const runUntagged = s.optionalBoolean('run_untagged');
  const runner: RunnerSettings = {
    name: name ?? `runner-${index}`,
    url,
    token,
    executor,
    environment: readEnvironment(s, 'environment'),
    buildsDir: s.string('builds_dir'),
    cacheDir: s.string('cache_dir'),
    shell: readShell(s),
    preBuildScript: s.string('pre_build_script'),
    postBuildScript: s.string('post_build_script'),
    limit: readLimit(s),
    featureFlags: s.booleanMap('feature_flags'),
    tags,
    // GitLab's default: a runner without tags picks up untagged jobs, one with tags does not.
    runUntagged: runUntagged ?? tags.length === 0,
    index,
  };
  const docker = readDockerTable(s, executor);
  if (docker) runner.docker = docker;
  const kubernetes = readKubernetesTable(s, executor);
  if (kubernetes) runner.kubernetes = kubernetes;
  return runner;
}

function readExecutor(s: Section): string {
  const path = s.keyPath('executor');
  const executor = s.string('executor');
  if (executor === undefined) {
    if (!s.has('executor')) s.error(s.path, `${s.path} needs an executor (glci runs ${GLCI_EXECUTORS.join(', ')})`);
    return '';
  }
  if (!(GITLAB_EXECUTORS as readonly string[]).includes(executor)) {
    s.error(path, `${path} "${executor}" is not a GitLab Runner executor${didYouMean(executor, GITLAB_EXECUTORS)}`);
  } else if (!(GLCI_EXECUTORS as readonly string[]).includes(executor)) {
    s.warn(path, `${path} "${executor}" is not supported by glci, which runs ${GLCI_EXECUTORS.join(', ')}: this runner cannot run jobs`);
  }
  return executor;
}

function readShell(s: Section): string | undefined {
  const shell = s.string('shell');
  if (shell !== undefined && !(SHELLS as readonly string[]).includes(shell)) {
    const path = s.keyPath('shell');
    s.error(path, `${path} "${shell}" is not a shell GitLab Runner knows (${SHELLS.join(', ')})${didYouMean(shell, SHELLS)}`);
  }
  return shell;
}

function readLimit(s: Section): number {
  const limit = s.integer('limit', 0);
  if (limit < 0) s.error(s.keyPath('limit'), `${s.keyPath('limit')} must be 0 (no limit) or more, not ${limit}`);
  return limit;
}

/**
 * `[runners.docker]`, read whatever the executor (docker+machine and docker-autoscaler use it too).
 * GitLab Runner refuses a docker runner without the table; glci uses the defaults and says so.
 */
function readDockerTable(s: Section, executor: string): DockerSettings | undefined {
  const table = s.child('docker');
  if (table) return readDocker(table);
  if (executor !== 'docker' || s.has('docker')) return undefined;
  s.warn(s.path, `${s.path} uses the docker executor but has no [runners.docker] table: glci uses GitLab Runner's defaults`);
  return readDocker(new Section(s.ctx, {}, s.keyPath('docker'), `${s.modelPath}.docker`));
}

/** `[runners.kubernetes]`, read whatever the executor, like `[runners.docker]`; defaults when a kubernetes runner has none. */
function readKubernetesTable(s: Section, executor: string): KubernetesSettings | undefined {
  const table = s.child('kubernetes');
  if (table) return readKubernetes(table);
  if (executor !== 'kubernetes' || s.has('kubernetes')) return undefined;
  s.warn(s.path, `${s.path} uses the kubernetes executor but has no [runners.kubernetes] table: glci uses GitLab Runner's defaults`);
  return readKubernetes(new Section(s.ctx, {}, s.keyPath('kubernetes'), `${s.modelPath}.kubernetes`));
}
