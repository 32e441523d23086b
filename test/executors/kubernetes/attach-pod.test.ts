// The attach strategy's part of the job pod (runner-behavior.md §11.2): the logs emptyDir in every
// container and the init-permissions container that makes output.log, only when a logs directory is
// given (the legacy exec strategy gives none).
import { describe, expect, it } from 'vitest';
import { logsDirOf, useLegacyExecStrategy } from '../../../src/executors/kubernetes/attach-steps.js';
import { jobPod, type PodInput } from '../../../src/executors/kubernetes/pod-manifest.js';
import { podSecurity } from '../../../src/executors/kubernetes/pod-security.js';
import { kubernetesSettings } from '../../support/runner-settings.js';
import { unitTestsPodInput } from '../../support/pod-input.js';

const input: PodInput = unitTestsPodInput({ resources: { build: {}, helper: { cpuLimit: '200m' } }, services: [{ name: 'db', image: 'postgres:16' }] });

describe('the attach strategy in the pod', () => {
  it('mounts the logs volume in build, helper and services, and creates output.log world-writable first', () => {
    const spec = jobPod({ ...input, logsDir: logsDirOf({ pipelineId: 7, jobId: 3 }) }).spec;
    expect(spec?.volumes).toContainEqual({ name: 'logs', emptyDir: {} });
    for (const container of spec?.containers ?? []) {
      expect(container.volumeMounts, container.name).toContainEqual({ name: 'logs', mountPath: '/logs-7-3' });
    }
    expect(spec?.initContainers).toEqual([
      {
        name: 'init-permissions',
        image: 'busybox:1.37',
        command: ['sh', '-c', "touch '/logs-7-3/output.log' && chmod 777 '/logs-7-3/output.log'"],
        imagePullPolicy: 'IfNotPresent',
        resources: { limits: { cpu: '200m' } },
        volumeMounts: [
          { name: 'repo', mountPath: '/builds' },
          { name: 'scripts', mountPath: '/scripts-7-3' },
          { name: 'logs', mountPath: '/logs-7-3' },
        ],
      },
    ]);
  });

  it('gives the init container the pull policy a fallback chose for it, else the helper’s', () => {
    const named = jobPod({ ...input, logsDir: '/logs-7-3', pullPolicies: { helper: 'Never', 'init-permissions': 'Always' } }).spec?.initContainers?.[0];
    expect(named?.imagePullPolicy).toBe('Always');
    const helpers = jobPod({ ...input, logsDir: '/logs-7-3', pullPolicies: { helper: 'Never' } }).spec?.initContainers?.[0];
    expect(helpers?.imagePullPolicy).toBe('Never');
  });

  it('is there before the security contexts are set, so it gets init_permissions_container_security_context', () => {
    const security = podSecurity(kubernetesSettings({ initPermissionsContainerSecurityContext: { runAsUser: 0 }, helperContainerSecurityContext: { runAsUser: 5 } }));
    const spec = jobPod({ ...input, logsDir: '/logs-7-3', security }).spec;
    expect(spec?.initContainers?.[0]?.securityContext).toMatchObject({ runAsUser: 0 });
    expect(spec?.containers.find((c) => c.name === 'helper')?.securityContext).toMatchObject({ runAsUser: 5 });
  });

  it('leaves the pod as it was without a logs directory (legacy exec strategy)', () => {
    const spec = jobPod(input).spec;
    expect(spec?.initContainers).toBeUndefined();
    expect(spec?.volumes?.map((v) => v.name)).toEqual(['repo', 'scripts']);
    expect(spec?.containers.flatMap((c) => c.volumeMounts ?? []).some((m) => m.name === 'logs')).toBe(false);
  });
});

describe('useLegacyExecStrategy', () => {
  it('reads the runner’s feature flags first, then the job variable (GitLab Runner’s order); attach by default', () => {
    const none = () => undefined;
    expect(useLegacyExecStrategy(none, {})).toBe(false);
    expect(useLegacyExecStrategy(none, { FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY: true })).toBe(true);
    expect(useLegacyExecStrategy(() => 'false', { FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY: true })).toBe(true);
    expect(useLegacyExecStrategy(() => 'true', { FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY: false })).toBe(false);
    for (const value of ['true', '1', 'TRUE', 't']) expect(useLegacyExecStrategy((k) => (k === 'FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY' ? value : undefined), {})).toBe(true);
    expect(useLegacyExecStrategy(() => 'yes', {})).toBe(false);
  });
});
