// The executor contract suite on the kubernetes executor, against the test bed's real API server and
// kubelet (containerd): the job image and the helper are the offline-built busybox, loaded into the
// node as `kind load docker-image` would. One file per strategy, so the two suites run side by side.
import { beforeAll } from 'vitest';
import { createKubernetesExecutor } from '../../src/executors/kubernetes/kubernetes-executor.js';
import type { RunnerSettings } from '../../src/model/runner.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, loadImages } from '../setup/kube-cluster.js';
import { kubernetesSettings, runnerSettings } from '../support/runner-settings.js';
import { runExecutorContract } from './contract.js';

export function runKubernetesContract(name: string, runner: Partial<RunnerSettings> = {}): void {
  let busybox = '';
  let kubeconfig = '';
  beforeAll(async () => {
    kubeconfig = (await ensureKubeCluster()).kubeconfig;
    [busybox] = (await loadImages(['busybox'])) as [string];
  }, kubeSetupTimeoutMs);

  runExecutorContract(name, async () =>
    createKubernetesExecutor({
      runner: runnerSettings(runner),
      kubernetes: kubernetesSettings({ image: busybox, helperImage: busybox, pullPolicy: ['never'] }),
      kubeconfig,
      killGraceMs: 500,
    }),
  );
}
