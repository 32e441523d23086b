// Which kind cluster, if any, a kubernetes runner's jobs go to (`glci run --kind-load`). kind names the
// kubeconfig context of cluster X `kind-X` (https://kind.sigs.k8s.io/docs/user/quick-start/#interacting-with-your-cluster);
// a runner with its own `host` talks to an API server directly and is never taken for one.
import type { KubernetesSettings } from '../../model/kubernetes.js';
import { loadKubeConfig } from './client.js';

export interface KindLookup {
  kubernetes: KubernetesSettings;
  kubeconfig?: string;
  kubeContext?: string;
}

const KIND_CONTEXT = /^kind-(.+)$/;

/** The kind cluster's name (`kind` for context `kind-kind`), or null when the context is not kind's. */
export function kindClusterName(lookup: KindLookup, env: NodeJS.ProcessEnv = process.env): string | null {
  if (lookup.kubernetes.host) return null;
  const context = lookup.kubeContext ?? lookup.kubernetes.context;
  const config = loadKubeConfig({ ...(context ? { context } : {}), ...(lookup.kubeconfig ? { kubeconfig: lookup.kubeconfig } : {}) }, env);
  return KIND_CONTEXT.exec(config.getCurrentContext())?.[1] ?? null;
}
