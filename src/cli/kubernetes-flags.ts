// Flags of the commands that run jobs (run, exec): where kubernetes jobs go when config.toml's
// `[runners.kubernetes]` names no `host`, and `--kind-load` for a kind cluster at a laptop.
import { Flags } from '@oclif/core';

export const kubernetesFlags = {
  kubeconfig: Flags.string({
    description: 'Kubernetes: the kubeconfig file for runners whose [runners.kubernetes] names no host (default: KUBECONFIG, then ~/.kube/config; in a pod, its service account)',
    env: 'GLCI_KUBECONFIG',
  }),
  'kube-context': Flags.string({
    description: 'Kubernetes: the kubeconfig context to use (overrides context in [runners.kubernetes]; default: the current context)',
    env: 'GLCI_KUBE_CONTEXT',
  }),
  'kind-load': Flags.boolean({
    description: 'Kubernetes: when the context is a kind cluster (kind-*), first copy the jobs\' images (job, services, helper) from the local Docker engine into it with `kind load docker-image`',
    env: 'GLCI_KIND_LOAD',
  }),
};

/** The run options the kubernetes flags give. */
export function kubernetesOptionsFrom(flags: { kubeconfig?: string | undefined; 'kube-context'?: string | undefined; 'kind-load'?: boolean | undefined }): {
  kubeconfig?: string;
  kubeContext?: string;
  kindLoad?: boolean;
} {
  return {
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags['kube-context'] ? { kubeContext: flags['kube-context'] } : {}),
    ...(flags['kind-load'] ? { kindLoad: true } : {}),
  };
}
