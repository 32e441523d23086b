// [[runners.kubernetes.pod_spec]] patches of the three kinds on the job's pod spec.
import { describe, expect, it } from 'vitest';
import { jobPod, type PodInput } from '../../../src/executors/kubernetes/pod-manifest.js';
import { jsonPatch, mergePatch, patchPodSpec, strategicMergePatch } from '../../../src/executors/kubernetes/pod-spec-patch.js';
import { ExecutorError } from '../../../src/errors.js';
import type { KubernetesPodSpecPatch } from '../../../src/model/kubernetes.js';
import { podInput } from '../../support/pod-input.js';

const input: PodInput = podInput({ env: [{ name: 'A', value: '1' }], nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ key: 'ci', operator: 'Exists' }] });

const patch = (patchType: KubernetesPodSpecPatch['patchType'], body: unknown, name = 'p'): KubernetesPodSpecPatch => ({ name, patchType, patch: body });

describe('strategic merge patches', () => {
  it('merges containers by name, env by name and volumeMounts by mountPath; appends new ones', () => {
    const spec = jobPod({
      ...input,
      podSpecPatches: [
        patch('strategic', {
          containers: [{ name: 'build', env: [{ name: 'A', value: '2' }, { name: 'B', value: '3' }], volumeMounts: [{ name: 'scripts', mountPath: '/scripts-1-2', readOnly: true }] }, { name: 'sidecar', image: 'busybox' }],
          volumes: [{ name: 'extra', emptyDir: {} }],
          hostAliases: [{ ip: '10.0.0.1', hostnames: ['db'] }],
        }),
      ],
    }).spec;
    const build = spec?.containers.find((c) => c.name === 'build');
    expect(build?.env).toEqual([{ name: 'A', value: '2' }, { name: 'B', value: '3' }]);
    expect(build?.volumeMounts).toEqual([{ name: 'repo', mountPath: '/builds' }, { name: 'scripts', mountPath: '/scripts-1-2', readOnly: true }]);
    expect(build?.image).toBe('alpine:3.20');
    expect(spec?.containers.map((c) => c.name)).toEqual(['build', 'helper', 'sidecar']);
    expect(spec?.volumes?.map((v) => v.name)).toEqual(['repo', 'scripts', 'extra']);
    expect(spec?.hostAliases).toEqual([{ ip: '10.0.0.1', hostnames: ['db'] }]);
  });

  it('replaces lists Kubernetes does not merge (tolerations, command), deletes with null and $patch: delete', () => {
    const spec = patchPodSpec(jobPod(input), [
      patch('strategic', {
        tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
        nodeSelector: { 'kubernetes.io/os': null, pool: 'ci' },
        containers: [{ name: 'helper', $patch: 'delete' }, { name: 'build', command: ['/bin/sh'] }],
      }),
    ]).spec;
    expect(spec?.tolerations).toEqual([{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec?.nodeSelector).toEqual({ pool: 'ci' });
    expect(spec?.containers.map((c) => [c.name, c.command])).toEqual([['build', ['/bin/sh']]]);
  });

  it('replaces a whole list or map with $patch: replace', () => {
    expect(strategicMergePatch({ volumes: [{ name: 'a' }, { name: 'b' }] }, { volumes: [{ $patch: 'replace' }, { name: 'c' }] })).toEqual({ volumes: [{ name: 'c' }] });
    expect(strategicMergePatch({ securityContext: { runAsUser: 1, fsGroup: 2 } }, { securityContext: { $patch: 'replace', runAsUser: 5 } })).toEqual({ securityContext: { runAsUser: 5 } });
  });

  it('refuses a keyed list element without its key', () => {
    expect(() => patchPodSpec(jobPod(input), [patch('strategic', { containers: [{ image: 'x' }] }, 'no-name')])).toThrow(/pod_spec patch "no-name" \(patch_type "strategic"\).*has no "name"/);
  });
});

describe('JSON merge patches (RFC 7386)', () => {
  it('replaces lists whole and deletes keys set to null', () => {
    const spec = patchPodSpec(jobPod(input), [patch('merge', { nodeSelector: null, dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } })]).spec;
    expect(spec?.nodeSelector).toBeUndefined();
    expect(spec).toMatchObject({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } });
    expect(mergePatch({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { c: null } })).toEqual({ a: [3], b: { d: 2 } });
  });
});

describe('JSON patches (RFC 6902)', () => {
  it('applies add, replace, remove, copy, move and test in order', () => {
    const spec = patchPodSpec(jobPod(input), [
      patch('json', [
        { op: 'test', path: '/containers/0/name', value: 'build' },
        { op: 'add', path: '/containers/0/env/-', value: { name: 'B', value: '2' } },
        { op: 'replace', path: '/containers/1/image', value: 'busybox:1.36' },
        { op: 'remove', path: '/tolerations' },
        { op: 'copy', from: '/nodeSelector', path: '/containers/0/env/0/value' },
        { op: 'move', from: '/restartPolicy', path: '/priorityClassName' },
        { op: 'add', path: '/nodeSelector/a~1b', value: 'x' },
      ]),
    ]).spec;
    expect(spec?.containers[0]?.env).toEqual([{ name: 'A', value: { 'kubernetes.io/os': 'linux' } }, { name: 'B', value: '2' }]);
    expect(spec?.containers[1]?.image).toBe('busybox:1.36');
    expect(spec?.tolerations).toBeUndefined();
    expect(spec).toMatchObject({ priorityClassName: 'Never', nodeSelector: { 'kubernetes.io/os': 'linux', 'a/b': 'x' } });
    expect(spec?.restartPolicy).toBeUndefined();
  });

  it('fails the job with the patch\'s name when an operation does not apply', () => {
    const run = (ops: unknown[]) => () => patchPodSpec(jobPod(input), [patch('json', ops, 'bad')]);
    expect(run([{ op: 'remove', path: '/hostNetwork' }])).toThrow(/pod_spec patch "bad" \(patch_type "json"\) cannot be applied to the job's pod spec: "\/hostNetwork" does not exist/);
    expect(run([{ op: 'test', path: '/restartPolicy', value: 'Always' }])).toThrow(ExecutorError);
    expect(run([{ op: 'replace', path: '/containers/5/image', value: 'x' }])).toThrow(/index 5 is out of range/);
    expect(() => jsonPatch({}, { op: 'add' })).toThrow(/array of operations/);
  });

  it('applies patches one after another, each on the result of the last', () => {
    const spec = patchPodSpec(jobPod(input), [
      patch('merge', { hostname: 'first' }),
      patch('json', [{ op: 'replace', path: '/hostname', value: 'second' }]),
      patch('strategic', { subdomain: 'ci' }),
    ]).spec;
    expect(spec).toMatchObject({ hostname: 'second', subdomain: 'ci' });
  });
});
