// --kind-load against a stand-in `kind` binary (kind needs its node containers, which this machine
// cannot start): a script on PATH that records its arguments and refuses images the "engine" lacks,
// as `kind load docker-image` does. The kubeconfig is a real file read by the real library.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobImages, loadImagesIntoKind } from '../../src/app/kind-load.js';
import { kindClusterName } from '../../src/executors/kubernetes/kind-cluster.js';
import { plannedJob, variable } from '../support/planned-job.js';
import { kubernetesSettings } from '../support/runner-settings.js';

let dir = '';
let kubeconfig = '';
let kind = '';

const context = (name: string, cluster: string) => `- name: ${name}\n  context: { cluster: ${cluster}, user: u }`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'glci-kind-'));
  kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: kind-dev',
      'clusters:',
      '- name: kind-dev\n  cluster: { server: "https://127.0.0.1:6443" }',
      '- name: team\n  cluster: { server: "https://127.0.0.1:7443" }',
      'contexts:',
      context('kind-dev', 'kind-dev'),
      context('team', 'team'),
      'users:',
      '- name: u\n  user: { token: t }',
      '',
    ].join('\n'),
  );
  kind = join(dir, 'kind');
  writeFileSync(kind, `#!/bin/sh\necho "$@" >> ${dir}/calls\ncase "$5" in missing*) echo "ERROR: image: \\"$5\\" not present locally" >&2; exit 1;; esac\necho "Image: \\"$5\\" with ID \\"sha256:1\\" not yet present on node \\"dev-control-plane\\", loading..."\n`);
  chmodSync(kind, 0o755);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('--kind-load', () => {
  it('takes a kind-* context for kind cluster *, and no other context or a runner host', () => {
    const kubernetes = kubernetesSettings();
    expect(kindClusterName({ kubernetes, kubeconfig })).toBe('dev');
    expect(kindClusterName({ kubernetes, kubeconfig, kubeContext: 'team' })).toBeNull();
    expect(kindClusterName({ kubernetes: kubernetesSettings({ context: 'team' }), kubeconfig })).toBeNull();
    expect(kindClusterName({ kubernetes: kubernetesSettings({ host: 'https://127.0.0.1:6443' }), kubeconfig })).toBeNull();
  });

  it('lists the job image, the helper and every service image as the runner expands them', () => {
    const job = plannedJob('t', {
      image: { name: 'app:$TAG' },
      services: [{ name: 'postgres:16', aliases: [] }],
      variables: [variable('TAG', '1.2')],
    });
    expect(jobImages(job, kubernetesSettings({ helperImage: 'helper:1', services: [{ name: 'redis:7', aliases: [], command: [], entrypoint: [], environment: [] }] }))).toEqual([
      'app:1.2',
      'helper:1',
      'postgres:16',
      'redis:7',
    ]);
  });

  it('loads each image once per cluster and reports the ones the engine lacks without failing', async () => {
    const lines: string[] = [];
    const kubernetes = kubernetesSettings({ helperImage: 'helper:1' });
    const jobs = [
      { job: plannedJob('a', { image: { name: 'app:1' } }), kubernetes },
      { job: plannedJob('b', { image: { name: 'missing:1' } }), kubernetes },
      { job: plannedJob('c', { image: { name: 'app:1' } }), kubernetes: kubernetesSettings({ context: 'team' }) },
    ];
    await loadImagesIntoKind(jobs, { kubeconfig, kind, stderr: { write: (t: string) => lines.push(t) } });
    expect(readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n')).toEqual([
      'load docker-image --name dev app:1',
      'load docker-image --name dev helper:1',
      'load docker-image --name dev missing:1',
    ]);
    expect(lines).toEqual([
      '--kind-load: job c does not run on a kind cluster (no kind-* kubeconfig context): nothing loaded for it\n',
      '--kind-load: loaded app:1 into kind cluster dev\n',
      '--kind-load: loaded helper:1 into kind cluster dev\n',
      '--kind-load: missing:1 not loaded into kind cluster dev (ERROR: image: "missing:1" not present locally); the node pulls it\n',
    ]);
  });
});
