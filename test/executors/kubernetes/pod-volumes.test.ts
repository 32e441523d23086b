// [runners.kubernetes.volumes] → pod volumes and mounts, against expected manifests.
import { describe, expect, it } from 'vitest';
import { jobPod, type PodInput } from '../../../src/executors/kubernetes/pod-manifest.js';
import { applyVolumes, podVolumes, replacesBuildsVolume } from '../../../src/executors/kubernetes/pod-volumes.js';
import type { KubernetesVolume } from '../../../src/model/kubernetes.js';
import { podInput } from '../../support/pod-input.js';

const base = { readOnly: false } as const;

const volumes: KubernetesVolume[] = [
  { ...base, kind: 'empty_dir', name: 'scratch', mountPath: '/scratch', medium: 'Memory', sizeLimit: '64Mi' },
  { ...base, kind: 'pvc', name: 'cache-$CI_RUNNER_ID', mountPath: '/cache', subPath: 'proj-$PROJECT', mountPropagation: 'HostToContainer' },
  { ...base, kind: 'config_map', name: 'settings', mountPath: '/etc/app', readOnly: true, items: { 'app.conf': 'conf/app.conf' } },
  { ...base, kind: 'secret', name: 'tokens', mountPath: '/run/tokens', readOnly: true, items: {}, mountPropagation: 'Bidirectional' },
  { ...base, kind: 'host_path', name: 'docker', mountPath: '/var/run/docker.sock', hostPath: '/var/run/docker.sock', mountPropagation: 'HostToContainer' },
  { ...base, kind: 'pvc', name: 'cache-$CI_RUNNER_ID', mountPath: '/cache2' },
];

const expand = (text: string) => text.replace('$CI_RUNNER_ID', '7').replace('$PROJECT', 'app');

describe('podVolumes', () => {
  it('gives each kind its volume source and mount, in GitLab Runner\'s order of kinds', () => {
    expect(podVolumes(volumes, expand)).toEqual({
      volumes: [
        { name: 'docker', hostPath: { path: '/var/run/docker.sock' } },
        { name: 'tokens', secret: { secretName: 'tokens' } },
        { name: 'cache-7', persistentVolumeClaim: { claimName: 'cache-7' } },
        { name: 'settings', configMap: { name: 'settings', items: [{ key: 'app.conf', path: 'conf/app.conf' }] } },
        { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      ],
      mounts: [
        { name: 'docker', mountPath: '/var/run/docker.sock', mountPropagation: 'HostToContainer' },
        // Secrets and config maps take no mount propagation in GitLab Runner.
        { name: 'tokens', mountPath: '/run/tokens', readOnly: true },
        { name: 'cache-7', mountPath: '/cache', subPath: 'proj-app', mountPropagation: 'HostToContainer' },
        { name: 'cache-7', mountPath: '/cache2' },
        { name: 'settings', mountPath: '/etc/app', readOnly: true },
        { name: 'scratch', mountPath: '/scratch' },
      ],
    });
  });

  it('mounts an empty_dir writable even when read_only is set, as GitLab Runner does', () => {
    const { mounts } = podVolumes([{ kind: 'empty_dir', name: 'tmp', mountPath: '/tmp/x', readOnly: true }]);
    expect(mounts).toEqual([{ name: 'tmp', mountPath: '/tmp/x' }]);
  });

  it('expands job variables in mount paths', () => {
    const { mounts } = podVolumes([{ ...base, kind: 'host_path', name: 'h', mountPath: '/data/$PROJECT', hostPath: '/srv' }], expand);
    expect(mounts[0]?.mountPath).toBe('/data/app');
  });
});

const input: PodInput = podInput();

describe('volumes in the job pod', () => {
  it('mounts the configured volumes into build, helper and every service container, after their own', () => {
    const config = podVolumes([{ ...base, kind: 'empty_dir', name: 'scratch', mountPath: '/scratch' }]);
    const pod = jobPod({ ...input, volumes: config, services: [{ name: 'svc-0', image: 'redis:7' }] });
    expect(pod.spec?.volumes).toEqual([
      { name: 'repo', emptyDir: {} },
      { name: 'scripts', emptyDir: {} },
      { name: 'scratch', emptyDir: {} },
    ]);
    for (const container of pod.spec?.containers ?? []) {
      expect(container.volumeMounts, container.name).toEqual([
        { name: 'repo', mountPath: '/builds' },
        { name: 'scripts', mountPath: '/scripts-1-2' },
        { name: 'scratch', mountPath: '/scratch' },
      ]);
    }
    expect(pod.spec?.containers.map((c) => c.name)).toEqual(['build', 'helper', 'svc-0']);
  });

  it('drops the repo emptyDir when a configured volume is mounted exactly at the builds dir', () => {
    const config = podVolumes([{ ...base, kind: 'pvc', name: 'builds', mountPath: '/builds/' }]);
    expect(replacesBuildsVolume(config, '/builds')).toBe(true);
    const pod = jobPod({ ...input, volumes: config });
    expect(pod.spec?.volumes?.map((v) => v.name)).toEqual(['scripts', 'builds']);
    expect(pod.spec?.containers[0]?.volumeMounts).toEqual([
      { name: 'scripts', mountPath: '/scripts-1-2' },
      { name: 'builds', mountPath: '/builds/' },
    ]);
  });

  it('keeps the repo emptyDir for a volume below the builds dir', () => {
    const config = podVolumes([{ ...base, kind: 'empty_dir', name: 'deps', mountPath: '/builds/deps' }]);
    expect(replacesBuildsVolume(config, '/builds')).toBe(false);
    expect(jobPod({ ...input, volumes: config }).spec?.volumes?.map((v) => v.name)).toEqual(['repo', 'scripts', 'deps']);
  });

  it('leaves a pod alone when nothing is configured', () => {
    const pod = jobPod(input);
    expect(applyVolumes(structuredClone(pod), podVolumes([]), '/builds')).toEqual(pod);
  });
});
