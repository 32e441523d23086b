// A namespace of one test file's own on the test bed, and a committed project for the CLI tests:
// test files run at the same time, so a file that checks "no pod of glci is left" looks only at its
// own namespace.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeClient } from '../../src/executors/kubernetes/client.js';
import { git } from '../acceptance/fixture-git.js';
import { kubectl, type KubeCluster } from '../setup/kube-cluster.js';
import { eventually } from '../support/eventually.js';

/** Creates the namespace and waits for its `default` service account, without which admission refuses pods. */
export async function createOwnNamespace(cluster: KubeCluster, client: KubeClient, namespace: string): Promise<void> {
  await client.createNamespace(namespace, {});
  await eventually(`service account ${namespace}/default`, 60_000, async () => ((await kubectl(cluster, ['-n', namespace, 'get', 'serviceaccount', 'default'])).exitCode === 0 ? true : undefined));
}

/** Waits until no pod of glci is left in the namespace (the check), then deletes it whatever the outcome. */
export async function removeOwnNamespace(client: KubeClient, namespace: string): Promise<void> {
  try {
    // Pods are deleted with a grace period of 0, and gone from the API server shortly after.
    await eventually(`no pod of glci left in ${namespace}`, 30_000, async () => ((await client.listPods(namespace, 'app.kubernetes.io/managed-by=glci')).length === 0 ? true : undefined));
  } finally {
    await client.deleteNamespace(namespace);
  }
}

/** A git repository at `dir` with `files` committed on main. */
export async function committedProject(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await git(dir, ['init', '-q', '-b', 'main']);
  await git(dir, ['add', '.']);
  await git(dir, ['commit', '-q', '-m', 'init']);
}
