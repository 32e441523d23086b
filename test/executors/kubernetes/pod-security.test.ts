// Security contexts and pod-level fields of [runners.kubernetes], against expected manifests.
import { describe, expect, it } from 'vitest';
import { jobPod, type PodInput } from '../../../src/executors/kubernetes/pod-manifest.js';
import { applySecurity, containerSecurityContext, podLevelFields, podSecurity, runnerCapabilities } from '../../../src/executors/kubernetes/pod-security.js';
import { kubernetesSettings } from '../../support/runner-settings.js';
import { podInput } from '../../support/pod-input.js';

const input: PodInput = podInput({ services: [{ name: 'svc-0', image: 'redis:7' }] });

const contexts = (settings = kubernetesSettings()) =>
  Object.fromEntries((jobPod({ ...input, security: podSecurity(settings) }).spec?.containers ?? []).map((c) => [c.name, c.securityContext]));

describe('container security contexts', () => {
  it('by default only drops NET_RAW, in every container, and makes nothing privileged', () => {
    const expected = { capabilities: { drop: ['NET_RAW'] } };
    expect(contexts()).toEqual({ build: expected, helper: expected, 'svc-0': expected });
  });

  it('makes every container privileged with privileged = true, and passes allow_privilege_escalation', () => {
    const all = contexts(kubernetesSettings({ privileged: true, allowPrivilegeEscalation: false }));
    for (const name of ['build', 'helper', 'svc-0']) expect(all[name]).toMatchObject({ privileged: true, allowPrivilegeEscalation: false });
  });

  it('lets a container table override privileged and the capabilities it names', () => {
    const settings = kubernetesSettings({
      privileged: true,
      capAdd: ['SYS_TIME'],
      buildContainerSecurityContext: { privileged: false, runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { add: [], drop: ['ALL'] }, procMount: 'Unmasked', seLinuxType: 'container_t' },
      helperContainerSecurityContext: { capabilities: { add: ['CHOWN'], drop: [] } },
    });
    const all = contexts(settings);
    expect(all.build).toEqual({
      capabilities: { add: ['SYS_TIME'], drop: ['ALL'] },
      privileged: false,
      runAsGroup: 1000,
      runAsNonRoot: true,
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      procMount: 'Unmasked',
      seLinuxOptions: { type: 'container_t' },
    });
    expect(all.helper).toEqual({ capabilities: { add: ['CHOWN'], drop: ['NET_RAW'] }, privileged: true });
    expect(all['svc-0']).toEqual({ capabilities: { add: ['SYS_TIME'], drop: ['NET_RAW'] }, privileged: true });
  });

  it('uses service_container_security_context for services only', () => {
    const all = contexts(kubernetesSettings({ serviceContainerSecurityContext: { runAsUser: 999 } }));
    expect(all['svc-0']).toEqual({ capabilities: { drop: ['NET_RAW'] }, runAsUser: 999 });
    expect(all.build).toEqual({ capabilities: { drop: ['NET_RAW'] } });
  });

  it('gives an init container init_permissions_container_security_context', () => {
    const settings = kubernetesSettings({ initPermissionsContainerSecurityContext: { runAsUser: 0 }, helperContainerSecurityContext: { runAsUser: 5 } });
    const pod = applySecurity({ spec: { initContainers: [{ name: 'init-permissions' }], containers: [{ name: 'helper' }] } }, podSecurity(settings));
    expect(pod.spec?.initContainers?.[0]?.securityContext).toEqual({ capabilities: { drop: ['NET_RAW'] }, runAsUser: 0 });
    expect(pod.spec?.containers[0]?.securityContext).toEqual({ capabilities: { drop: ['NET_RAW'] }, runAsUser: 5 });
  });
});

describe('runnerCapabilities', () => {
  it('drops a capability that both cap_add and cap_drop name (GitLab reads the drops last)', () => {
    expect(runnerCapabilities(['NET_ADMIN', 'SYS_PTRACE'], ['NET_RAW', 'SYS_PTRACE'])).toEqual({ add: ['NET_ADMIN'], drop: ['NET_RAW', 'SYS_PTRACE'] });
  });

  it('adds NET_RAW when cap_add names it (the config reader leaves it out of the default drop then)', () => {
    expect(runnerCapabilities(['NET_RAW'], [])).toEqual({ add: ['NET_RAW'] });
    expect(containerSecurityContext(kubernetesSettings({ capAdd: [], capDrop: [] }))).toEqual({});
  });
});

describe('pod-level fields', () => {
  it('sets each configured field and nothing else', () => {
    const settings = kubernetesSettings({
      podSecurityContext: { fsGroup: 2000, runAsUser: 1000, runAsNonRoot: true, supplementalGroups: [3000], fsGroupChangePolicy: 'OnRootMismatch' },
      runtimeClassName: 'gvisor',
      schedulerName: 'ci-scheduler',
      priorityClassName: 'ci-low',
      dnsPolicy: 'cluster-first-with-host-net',
      automountServiceAccountToken: false,
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['ci'] }] }] } } },
      pod: { cpuLimit: '2', memoryRequest: '1Gi' },
    });
    const spec = jobPod({ ...input, security: podSecurity(settings) }).spec;
    expect(spec).toMatchObject({
      securityContext: { fsGroup: 2000, runAsUser: 1000, runAsNonRoot: true, supplementalGroups: [3000], fsGroupChangePolicy: 'OnRootMismatch' },
      runtimeClassName: 'gvisor',
      schedulerName: 'ci-scheduler',
      priorityClassName: 'ci-low',
      dnsPolicy: 'ClusterFirstWithHostNet',
      automountServiceAccountToken: false,
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['ci'] }] }] } } },
      resources: { requests: { memory: '1Gi' }, limits: { cpu: '2' } },
    });
  });

  it('leaves every pod-level field to the cluster by default', () => {
    expect(podLevelFields(kubernetesSettings())).toEqual({});
    expect(podLevelFields(kubernetesSettings({ podSecurityContext: { supplementalGroups: [] }, affinity: {} }))).toEqual({});
  });
});
