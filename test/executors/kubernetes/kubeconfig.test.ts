// Where the kubernetes executor finds its cluster when config.toml names no host: the errors a laptop
// without a kubeconfig gets, before any request (no cluster needed).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../../src/executors/kubernetes/client.js';

const home = mkdtempSync(join(tmpdir(), 'glci-kubeconfig-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('loadKubeConfig', () => {
  it('refuses to guess http://localhost:8080 when there is no kubeconfig at all', () => {
    expect(() => loadKubeConfig({}, { HOME: home })).toThrow('kubernetes: no cluster configured: KUBECONFIG is unset and ~/.kube/config does not exist');
    expect(() => loadKubeConfig({ kubeconfig: join(home, 'nope') }, { HOME: home })).toThrow(`kubernetes: the kubeconfig ${join(home, 'nope')} does not exist`);
  });

  it('takes the context asked for, and names the others when it is missing', () => {
    const file = join(home, 'config');
    const contexts = ['a', 'b'].map((n) => `- name: ${n}\n  context: { cluster: ${n}, user: u }`).join('\n');
    const clusters = ['a', 'b'].map((n, i) => `- name: ${n}\n  cluster: { server: "https://127.0.0.1:${6443 + i}" }`).join('\n');
    writeFileSync(file, `apiVersion: v1\nkind: Config\ncurrent-context: a\nclusters:\n${clusters}\ncontexts:\n${contexts}\nusers:\n- name: u\n  user: { token: t }\n`);
    expect(loadKubeConfig({ kubeconfig: file }, { HOME: home }).getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(loadKubeConfig({ kubeconfig: file, context: 'b' }, { HOME: home }).getCurrentCluster()?.server).toBe('https://127.0.0.1:6444');
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'c' }, { HOME: home })).toThrow('kubernetes: no context "c" in the kubeconfig');
    expect(loadKubeConfig({}, { HOME: home, KUBECONFIG: `${join(home, 'missing')}:${file}` }).getCurrentContext()).toBe('a');
    expect(() => loadKubeConfig({}, { HOME: home, KUBECONFIG: join(home, 'missing') })).toThrow(`none of the files KUBECONFIG names (${join(home, 'missing')}) exists`);
  });
});
