// Pull policies per container, allowed_images, and the delete-and-recreate fallback, on a fake API.
import { describe, expect, it } from 'vitest';
import type { KubeClient, Pod } from '../../../src/executors/kubernetes/client.js';
import { containerPullPolicies, pullFailureOf, startPod, verifyJobImage, type KubePullPolicy } from '../../../src/executors/kubernetes/pod-start.js';
import type { RunnerLineKind } from '../../../src/log/runner-lines.js';
import { kubernetesSettings } from '../../support/runner-settings.js';

function recorder() {
  const lines: string[] = [];
  return { lines, log: (kind: RunnerLineKind, message: string) => lines.push(`${kind}: ${message}`) };
}

describe('containerPullPolicies', () => {
  it('leaves the policy to the cluster when nothing is configured', () => {
    const { lines, log } = recorder();
    expect(containerPullPolicies([{ container: 'build' }], kubernetesSettings(), log)).toEqual({ build: [''] });
    expect(lines).toEqual(['print: Using effective pull policy of [] for container build']);
  });

  it('uses the YAML list over pull_policy, limited to allowed_pull_policies in the requested order', () => {
    const { lines, log } = recorder();
    const settings = kubernetesSettings({ pullPolicy: ['always'], allowedPullPolicies: ['never', 'if-not-present', 'always'] });
    expect(containerPullPolicies([{ container: 'build', yaml: ['never', 'if-not-present'] }, { container: 'helper' }], settings, log)).toEqual({
      build: ['Never', 'IfNotPresent'],
      helper: ['Always'],
    });
    expect(lines).toEqual(['print: Using effective pull policy of [Never IfNotPresent] for container build', 'print: Using effective pull policy of [Always] for container helper']);
  });

  it('allows only pull_policy when allowed_pull_policies is unset, with GitLab\'s error naming the source', () => {
    const { log } = recorder();
    const settings = kubernetesSettings({ pullPolicy: ['if-not-present'] });
    expect(() => containerPullPolicies([{ container: 'build', yaml: ['always'] }], settings, log)).toThrow(
      'invalid pull policy for container "build": pull_policy ([Always]) defined in GitLab pipeline config is not one of the allowed_pull_policies ([IfNotPresent])',
    );
    expect(() => containerPullPolicies([{ container: 'build', yaml: ['never'] }], kubernetesSettings(), log)).toThrow(
      'pull_policy ([Never]) defined in GitLab pipeline config is not one of the allowed_pull_policies ([])',
    );
    expect(() => containerPullPolicies([{ container: 'build' }], kubernetesSettings({ pullPolicy: ['always'], allowedPullPolicies: ['never'] }), log)).toThrow(
      'pull_policy ([Always]) defined in Runner config is not one of the allowed_pull_policies ([Never])',
    );
  });
});

describe('verifyJobImage', () => {
  it('refuses an image allowed_images does not list, with GitLab\'s lines, and lets internal images through', () => {
    const { lines, log } = recorder();
    const settings = kubernetesSettings({ allowedImages: ['registry.example.com/*'] });
    expect(() => verifyJobImage('alpine:3', settings, ['busybox:1.37'], log)).toThrow('disallowed image');
    expect(lines).toContain('error: The "alpine:3" image is not present on list of allowed images:');
    expect(lines).toContain('print: - registry.example.com/*');
    expect(() => verifyJobImage('registry.example.com/app', settings, [], log)).not.toThrow();
    expect(() => verifyJobImage('busybox:1.37', settings, ['busybox:1.37'], log)).not.toThrow();
  });
});

const waiting = (name: string, reason: string, message: string) => ({ name, image: 'img', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason, message } } });

describe('pullFailureOf', () => {
  it('finds the container waiting on an image pull, and nothing else', () => {
    const pod: Pod = { spec: { containers: [{ name: 'build', image: 'app:1' }] }, status: { containerStatuses: [waiting('build', 'ErrImagePull', 'not found')] } };
    expect(pullFailureOf(pod)).toEqual({ container: 'build', image: 'app:1', message: 'image pull failed: not found' });
    expect(pullFailureOf({ status: { containerStatuses: [waiting('build', 'CreateContainerConfigError', 'x')] } })).toBeNull();
  });
});

/** A fake API server: the build container gets its image only with the policies in `works`. */
function fakeCluster(works: readonly KubePullPolicy[]) {
  const pods = new Map<string, Pod>();
  const created: Pod[] = [];
  const deleted: string[] = [];
  const client = {
    async createPod(_ns: string, pod: Pod) {
      created.push(pod);
      const policy = (pod.spec?.containers.find((c) => c.name === 'build')?.imagePullPolicy ?? '') as KubePullPolicy;
      const stored = structuredClone(pod);
      stored.status = works.includes(policy)
        ? { phase: 'Running' }
        : { phase: 'Pending', containerStatuses: [waiting('build', policy === 'Never' ? 'ErrImageNeverPull' : 'ErrImagePull', `policy ${policy || 'default'} failed`)] };
      pods.set(pod.metadata?.name ?? '', stored);
      return stored;
    },
    async readPod(_ns: string, name: string) {
      return pods.get(name) ?? null;
    },
    async deletePod(_ns: string, name: string) {
      deleted.push(name);
      pods.delete(name);
    },
    async podEvents() {
      return [{ metadata: {}, involvedObject: {}, type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' }];
    },
  } as unknown as KubeClient;
  return { client, created, deleted };
}

function attempt(cluster: ReturnType<typeof fakeCluster>, policies: Record<string, KubePullPolicy[]>) {
  const { lines, log } = recorder();
  let n = 0;
  const started = startPod({
    client: cluster.client,
    namespace: 'default',
    policies,
    manifest: (current) => ({
      metadata: { name: `pod-${++n}` },
      spec: { containers: [{ name: 'build', image: 'absent:1', ...(current.build ? { imagePullPolicy: current.build } : {}) }, { name: 'helper', image: 'busybox' }] },
    }),
    pollIntervalMs: 10,
    pollTimeoutMs: 2000,
    signal: new AbortController().signal,
    log,
  });
  return { started, lines };
}

describe('startPod', () => {
  it('deletes the pod and creates a new one with the next policy after a pull failure', async () => {
    const cluster = fakeCluster(['IfNotPresent']);
    const { started, lines } = attempt(cluster, { build: ['Never', 'IfNotPresent'], helper: ['Never', 'IfNotPresent'] });
    expect(await started).toBe('pod-2');
    expect(cluster.created.map((p) => p.spec?.containers[0]?.imagePullPolicy)).toEqual(['Never', 'IfNotPresent']);
    expect(cluster.deleted).toEqual(['pod-1']);
    expect(lines).toEqual([
      'warn: Failed to pull image "absent:1" for container "build" with policy "Never": image pull failed: policy Never failed',
      'info: Attempt #2: Trying "IfNotPresent" pull policy for "absent:1" image for container "build"',
    ]);
  });

  it('throws the last error with the pod\'s events once every policy failed, leaving no pod', async () => {
    const cluster = fakeCluster([]);
    const { started, lines } = attempt(cluster, { build: ['Never', 'IfNotPresent'] });
    await expect(started).rejects.toThrow(/pod default\/pod-2 cannot start: container build: ErrImagePull: policy IfNotPresent failed\npod events:\n {2}Failed: Error: ErrImagePull/);
    expect(cluster.deleted).toEqual(['pod-1', 'pod-2']);
    expect(lines.at(-1)).toBe('warn: Failed to pull image "absent:1" for container "build" with policy "IfNotPresent": image pull failed: policy IfNotPresent failed');
  });

  it('does not retry a container that has no other policy', async () => {
    const cluster = fakeCluster([]);
    const { started } = attempt(cluster, { build: [''] });
    await expect(started).rejects.toThrow(/ErrImagePull/);
    expect(cluster.created).toHaveLength(1);
  });
});
