// The pure translation of a job into its pod, against expected manifests.
import { describe, expect, it } from 'vitest';
import { containerResources, jobPod, labelValue, type PodInput } from '../../../src/executors/kubernetes/pod-manifest.js';
import { unitTestsPodInput } from '../../support/pod-input.js';

const input: PodInput = unitTestsPodInput({
  env: [{ name: 'CI_JOB_NAME', value: 'unit tests' }],
  labels: { team: 'infra' },
  resources: { build: { cpuRequest: '500m', memoryLimit: '1Gi' }, helper: {} },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'ci', operator: 'Exists' }],
});

describe('jobPod', () => {
  it('lays out build and helper sharing the builds and scripts volumes', () => {
    const mounts = [
      { name: 'repo', mountPath: '/builds' },
      { name: 'scripts', mountPath: '/scripts-7-3' },
    ];
    expect(jobPod(input)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'runner-glci-7-3-0a1b2c3d',
        labels: { team: 'infra', 'app.kubernetes.io/managed-by': 'glci', 'job.glci.dev/pipeline': '7', 'job.glci.dev/id': '3' },
        annotations: { 'job.glci.dev/name': 'unit tests', 'project.glci.dev/name': 'group/app' },
      },
      spec: {
        restartPolicy: 'Never',
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'ci', operator: 'Exists' }],
        volumes: [
          { name: 'repo', emptyDir: {} },
          { name: 'scripts', emptyDir: {} },
        ],
        containers: [
          {
            name: 'build',
            image: 'alpine:3.20',
            command: ['sh'],
            imagePullPolicy: 'IfNotPresent',
            stdin: true,
            env: [{ name: 'CI_JOB_NAME', value: 'unit tests' }],
            resources: { requests: { cpu: '500m' }, limits: { memory: '1Gi' } },
            volumeMounts: mounts,
          },
          { name: 'helper', image: 'busybox:1.37', command: ['sh'], imagePullPolicy: 'IfNotPresent', stdin: true, resources: {}, volumeMounts: mounts },
        ],
      },
    });
  });

  it('keeps the image entrypoint only when asked (FF_KUBERNETES_HONOR_ENTRYPOINT), passing the shell as its arguments', () => {
    const build = jobPod({ ...input, entrypoint: ['/entry.sh'] }).spec?.containers[0];
    expect(build?.command).toBeUndefined();
    expect(build?.args).toEqual(['sh']);
  });

  it('sets the deadline one second past the job timeout, and the service account and pull secrets', () => {
    const spec = jobPod({ ...input, timeoutSeconds: 3600, serviceAccount: 'ci', imagePullSecrets: ['regcred'] }).spec;
    expect(spec?.activeDeadlineSeconds).toBe(3601);
    expect(spec?.serviceAccountName).toBe('ci');
    expect(spec?.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });
});

describe('containerResources and labelValue', () => {
  it('maps every quantity and leaves unset ones to the cluster', () => {
    expect(containerResources({ ephemeralStorageLimit: '2Gi', cpuLimit: '1' })).toEqual({ limits: { cpu: '1', 'ephemeral-storage': '2Gi' } });
    expect(containerResources({})).toEqual({});
  });

  it('turns any job name into a valid label value', () => {
    expect(labelValue('build: linux/amd64 [1/2]')).toBe('build_linux_amd64_1_2');
    expect(labelValue('x'.repeat(80))).toHaveLength(63);
  });
});
