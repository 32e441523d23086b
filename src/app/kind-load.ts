// `--kind-load`: before the pipeline starts, the images of the jobs that run on a kind cluster are
// copied into it from the local Docker engine (`kind load docker-image`), so a laptop's own images
// start without a registry. Images the engine does not have are left to the node's pull, as GitLab
// Runner would: a note says so.
import type { KubernetesSettings } from '../model/kubernetes.js';
import type { PlannedJob } from '../model/plan.js';
import { kindLoadImages } from '../platform/kind-load.js';
import { expandRunnerValue, expandRunnerVariables } from '../variables/runner-expansion.js';
import type { KubernetesAccessOptions } from './executors.js';

export interface KindJob {
  job: PlannedJob;
  kubernetes: KubernetesSettings;
}

export interface KindLoadOptions extends KubernetesAccessOptions {
  stderr: { write(text: string): unknown };
  env?: NodeJS.ProcessEnv;
  /** The kind binary (tests); default `kind` on PATH. */
  kind?: string;
}

/** The job's image (or the runner's default) and its services' images, as the runner expands them. */
export function jobImages(job: PlannedJob, kubernetes: KubernetesSettings): string[] {
  const variables = expandRunnerVariables(job.variables);
  const names = [job.image?.name ?? kubernetes.image, kubernetes.helperImage, ...job.services.map((s) => s.name), ...kubernetes.services.map((s) => s.name)];
  return names.filter((n): n is string => Boolean(n)).map((n) => expandRunnerValue(n, variables));
}

/** Loads the jobs' images into their kind cluster; jobs on a cluster that is not kind's are left alone. */
export async function loadImagesIntoKind(jobs: readonly KindJob[], options: KindLoadOptions): Promise<void> {
  const { kindClusterName } = await import('../executors/kubernetes/kind-cluster.js');
  const byCluster = new Map<string, Set<string>>();
  for (const { job, kubernetes } of jobs) {
    const access = { kubernetes, ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), ...(options.kubeContext ? { kubeContext: options.kubeContext } : {}) };
    const cluster = kindClusterName(access, options.env);
    if (cluster === null) {
      options.stderr.write(`--kind-load: job ${job.name} does not run on a kind cluster (no kind-* kubeconfig context): nothing loaded for it\n`);
      continue;
    }
    const images = byCluster.get(cluster) ?? new Set<string>();
    for (const image of jobImages(job, kubernetes)) images.add(image);
    byCluster.set(cluster, images);
  }
  for (const [cluster, images] of byCluster) {
    for (const result of await kindLoadImages(cluster, [...images], options.kind)) {
      options.stderr.write(
        result.ok
          ? `--kind-load: loaded ${result.image} into kind cluster ${cluster}\n`
          : `--kind-load: ${result.image} not loaded into kind cluster ${cluster} (${result.message}); the node pulls it\n`,
      );
    }
  }
}
