// One PodInput for the tests of the pure pod translation (pod-manifest.ts and the modules it applies):
// job 2 of pipeline 1, image alpine, helper busybox, nothing configured; any field overridden.
import type { PodInput } from '../../src/executors/kubernetes/pod-manifest.js';

export function podInput(overrides: Partial<PodInput> = {}): PodInput {
  return {
    name: 'runner-glci-1-2-abcdef12',
    image: 'alpine:3.20',
    helperImage: 'busybox:1.37',
    buildsDir: '/builds',
    scriptsDir: '/scripts-1-2',
    pipelineId: 1,
    jobId: 2,
    jobName: 'test',
    projectName: 'group/app',
    env: [],
    labels: {},
    annotations: {},
    resources: { build: {}, helper: {} },
    nodeSelector: {},
    tolerations: [],
    imagePullSecrets: [],
    ...overrides,
  };
}

/** Job 3 of pipeline 7, `unit tests`, with IfNotPresent: the manifest tests' job. */
export function unitTestsPodInput(overrides: Partial<PodInput> = {}): PodInput {
  return podInput({ name: 'runner-glci-7-3-0a1b2c3d', imagePullPolicy: 'IfNotPresent', scriptsDir: '/scripts-7-3', pipelineId: 7, jobId: 3, jobName: 'unit tests', ...overrides });
}
