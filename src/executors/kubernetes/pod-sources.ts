// get_sources for the kubernetes executor: the same checkout the docker executor ships (the working
// tree plus a shallow repository at the pipeline's commit, platform/checkout-archive.ts), streamed
// by tar over exec into the helper container, which shares the builds emptyDir with `build`.
import type { RunnerLineKind } from '../../log/runner-lines.js';
import { checkoutArchive } from '../../platform/checkout-archive.js';
import type { PrepareOptions } from '../executor.js';
import type { PodEnvironment } from './pod-environment.js';

/** GitLab's project default for `git_depth`. */
const DEFAULT_GIT_DEPTH = 20;

export interface PodSourcesInput {
  pod: PodEnvironment;
  prepare: PrepareOptions;
  projectDir: string;
  /** GIT_STRATEGY: clone, fetch, none or empty. */
  strategy: string;
  variable: (key: string) => string | undefined;
  log: (kind: RunnerLineKind, message: string) => void;
  signal: AbortSignal;
}

export async function deliverPodSources(input: PodSourcesInput): Promise<void> {
  const { pod, prepare, projectDir, strategy, variable, log, signal } = input;
  if (strategy === 'none' || strategy === 'empty') {
    await pod.exec('helper', ['mkdir', '-p', projectDir, `${projectDir}.tmp`]);
    return log('print', strategy === 'none' ? 'Skipping Git repository setup' : 'Skipping Git repository setup and creating an empty build directory');
  }
  const depth = Number(variable('GIT_DEPTH') ?? DEFAULT_GIT_DEPTH);
  const gitDepth = Number.isInteger(depth) && depth >= 0 ? depth : DEFAULT_GIT_DEPTH;
  log('info', gitDepth > 0 ? `Fetching changes with git depth set to ${gitDepth}...` : 'Fetching changes...');
  const sha = variable('CI_COMMIT_SHA');
  const refName = variable('CI_COMMIT_REF_NAME');
  const remoteUrl = variable('CI_REPOSITORY_URL');
  const archive = await checkoutArchive({
    sourceDir: prepare.sourceDir,
    stateDir: prepare.stateDir,
    prefix: projectDir.slice(1),
    depth: gitDepth,
    // Containers of a pod run as the image's user unless a security context says otherwise; files
    // owned by root stay readable and, for root images, writable.
    owner: { uid: 0, gid: 0 },
    signal,
    ...(sha && !/^0+$/.test(sha) ? { commit: sha } : {}),
    ...(refName ? { ref: { name: refName, kind: variable('CI_COMMIT_TAG') ? 'tag' : 'branch' } } : {}),
    ...(remoteUrl ? { remoteUrl } : {}),
  });
  await pod.copyIn(archive.stream, '/');
  if (archive.sha) {
    log('print', `Initialized empty Git repository in ${projectDir}/.git/`);
    log('print', 'Created fresh repository.');
    log('print', `Checking out ${archive.sha.slice(0, 8)} as detached HEAD (ref is ${refName ?? 'HEAD'})...`);
  } else {
    log('print', 'Skipping Git checkout');
  }
  log('print', 'Skipping Git submodules setup');
}
