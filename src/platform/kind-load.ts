// `kind load docker-image`: copies an image from the local Docker engine into the nodes of a kind
// cluster, so pods can start it without a registry (https://kind.sigs.k8s.io/docs/user/quick-start/#loading-an-image-into-your-cluster).
import { spawn } from 'node:child_process';

export interface KindLoadResult {
  image: string;
  ok: boolean;
  /** kind's own words when it failed (e.g. `image: "x" not present locally`). */
  message: string;
}

/** Loads each image in turn; a failure is reported, not thrown, so the node may still pull that image. */
export async function kindLoadImages(cluster: string, images: readonly string[], kind = 'kind'): Promise<KindLoadResult[]> {
  const results: KindLoadResult[] = [];
  for (const image of images) results.push(await loadOne(kind, cluster, image));
  return results;
}

function loadOne(kind: string, cluster: string, image: string): Promise<KindLoadResult> {
  return new Promise((resolve) => {
    const child = spawn(kind, ['load', 'docker-image', '--name', cluster, image], { stdio: ['ignore', 'pipe', 'pipe'] });
    const text: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => text.push(c));
    child.stderr.on('data', (c: Buffer) => text.push(c));
    child.once('error', (error) => resolve({ image, ok: false, message: `cannot run ${kind}: ${error.message}` }));
    child.once('close', (code) => {
      const output = Buffer.concat(text).toString().trim();
      const last = output.split('\n').filter(Boolean).at(-1) ?? '';
      resolve({ image, ok: code === 0, message: code === 0 ? last : last || `${kind} exited with ${code}` });
    });
  });
}
