// The executor contract suite on the kubernetes executor with GitLab Runner's legacy exec strategy
// (FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY=true in the runner's feature flags): each step is a
// pods/exec of sh with the script on stdin.
import { runKubernetesContract } from './kubernetes-contract.js';

runKubernetesContract('kubernetes (legacy exec strategy)', { featureFlags: { FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY: true } });
