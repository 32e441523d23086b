// The executor contract suite on the kubernetes executor with GitLab Runner's legacy exec strategy
// (FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY=true in the runner's feature flags): each step is a
// pods/exec of sh with the script on stdin. kubernetes.test.ts runs the same suite with the default,
// the attach strategy, so both ways of running a step stay covered.
import { beforeAll } from 'vitest';
import { createKubernetesExecutor } from '../../src/executors/kubernetes/kubernetes-executor.js';
import { ensureKubeCluster, kubeSetupTimeoutMs, loadImages } from '../setup/kube-cluster.js';
import { kubernetesSettings, runnerSettings } from '../support/runner-settings.js';
import { runExecutorContract } from './contract.js';

let busybox = '';
let kubeconfig = '';
beforeAll(async () => {
  kubeconfig = (await ensureKubeCluster()).kubeconfig;
  [busybox] = (await loadImages(['busybox'])) as [string];
}, kubeSetupTimeoutMs);

runExecutorContract('kubernetes (legacy exec strategy)', async () =>
  createKubernetesExecutor({
    runner: runnerSettings({ featureFlags: { FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY: true } }),
    kubernetes: kubernetesSettings({ image: busybox, helperImage: busybox, pullPolicy: ['never'] }),
    kubeconfig,
    killGraceMs: 500,
  }),
);
