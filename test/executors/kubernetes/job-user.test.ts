// image:kubernetes:user picks the build container's user and group as GitLab Runner picks them
// (executors/kubernetes getContainerUIDGID): the runner's security contexts win, allowed_users and
// allowed_groups limit the ids (root only when listed), and every refusal is said in the job log.
import { describe, expect, it } from 'vitest';
import { jobPod } from '../../../src/executors/kubernetes/pod-manifest.js';
import { jobUserIds, podSecurity } from '../../../src/executors/kubernetes/pod-security.js';
import { kubernetesSettings } from '../../support/runner-settings.js';
import { podInput } from '../../support/pod-input.js';

function ids(user: string, overrides: Parameters<typeof kubernetesSettings>[0] = {}) {
  const lines: string[] = [];
  const result = jobUserIds(kubernetesSettings(overrides), user, (kind, message) => lines.push(`${kind}: ${message}`));
  return { result, lines };
}

describe('image:kubernetes:user', () => {
  it('sets the build container\'s user and group, and only its', () => {
    expect(ids('1000:2000')).toEqual({ result: { runAsUser: 1000, runAsGroup: 2000 }, lines: [] });
    expect(ids('1000').result).toEqual({ runAsUser: 1000 });
    expect(ids('').result).toEqual({});
    const settings = kubernetesSettings();
    const pod = jobPod({ ...podInput({ services: [{ name: 'svc-0', image: 'redis:7' }] }), security: podSecurity(settings, ids('1000:2000').result) });
    const byName = Object.fromEntries((pod.spec?.containers ?? []).map((c) => [c.name, c.securityContext]));
    expect(byName.build).toMatchObject({ runAsUser: 1000, runAsGroup: 2000 });
    expect(byName.helper?.runAsUser).toBeUndefined();
    expect(byName['svc-0']?.runAsUser).toBeUndefined();
  });

  it('keeps to allowed_users and allowed_groups, and allows root only when listed', () => {
    expect(ids('1000:2000', { allowedUsers: ['1000'], allowedGroups: ['3000'] })).toEqual({
      result: { runAsUser: 1000 },
      lines: ['warn: Error parsing \'gid\' from image options for container "build", using the configured security context: validating GID: group "2000" is not in the allowed list: [3000]'],
    });
    expect(ids('0').lines).toEqual(['warn: Error parsing \'uid\' from image options for container "build", using the configured security context: validating UID: user "0" is not in the allowed list: []']);
    expect(ids('0', { allowedUsers: ['0'] }).result).toEqual({ runAsUser: 0 });
    expect(ids('root').lines[0]).toContain('failed to parse UID: strconv.ParseInt: parsing "root": invalid syntax');
    expect(ids('-5').lines[0]).toContain('failed to parse UID: negative values not allowed');
  });

  it('gives way to an id the runner\'s build container or pod security context sets, saying so', () => {
    expect(ids('1000:2000', { buildContainerSecurityContext: { runAsUser: 500 }, podSecurityContext: { runAsGroup: 600, supplementalGroups: [] } })).toEqual({
      result: {},
      lines: [
        'print: Overriding user for container "build" to "1000" is not allowed: user is set to 500 in container security context',
        'print: Overriding group for container "build" to "2000" is not allowed: group is set to 600 in pod security context',
      ],
    });
  });
});
