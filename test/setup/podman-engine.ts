import { fileURLToPath } from 'node:url';
import { createDockerClient } from '../../src/executors/docker/client.js';
import { parseEngineUrl } from '../../src/executors/docker/engine-address.js';
import { runSetupOnce, runSetupScript, setupError, type SetupResult } from './setup-script.js';

/** The idempotent, lock-protected setup script this module runs (see its header). */
export const ensurePodmanScript = fileURLToPath(new URL('./ensure-podman.sh', import.meta.url));

/** Installing podman on a fresh machine includes `apt-get update` and several downloads. */
const setupTimeoutMs = 15 * 60_000;
/** The script's exit status for "podman cannot run in this environment" (not an error: tests skip). */
const UNAVAILABLE_EXIT_CODE = 3;

export type PodmanEngine = { available: true; url: string } | { available: false; reason: string };

/**
 * Make sure podman's Docker-compatible API answers on glci's own socket, installing, configuring
 * (netavark) and starting it when needed; resolves to its `unix://` URL, or to the reason podman
 * cannot run here. Runs the setup script at most once per process; concurrent callers share that
 * run, and a failed run is forgotten so a later call can try again.
 */
export function ensurePodmanEngine(): Promise<PodmanEngine> {
  return runSetupOnce(ensurePodmanScript, setupTimeoutMs, engineOf);
}

function engineOf(result: SetupResult): PodmanEngine {
  if (result.exitCode === UNAVAILABLE_EXIT_CODE) {
    const reason = /UNAVAILABLE: (.*)/.exec(result.stderr)?.[1] ?? result.stderr.trim();
    return { available: false, reason };
  }
  const url = result.stdout.trim().split('\n').pop() ?? '';
  if (result.failed || !url.startsWith('unix://')) throw podmanError('podman engine setup', result);
  return { available: true, url };
}

/**
 * Copy test images (references as `ensureImage` returns them, already in the Docker engine) into
 * podman's storage, once per content hash. Then check each reference through the docker executor's
 * own client: that lookup is exactly what the executor does, so a reference podman stored under a
 * different name (it prefixes `localhost/`) fails here rather than inside a test.
 */
export async function ensurePodmanImages(url: string, references: string[]): Promise<void> {
  const result = await runSetupScript(ensurePodmanScript, ['load', ...references], setupTimeoutMs);
  if (result.failed) throw podmanError(`loading ${references.join(', ')} into podman`, result);
  const client = createDockerClient(parseEngineUrl(url, 'podman test engine', false, undefined));
  for (const reference of references) {
    if ((await client.inspectImage(reference)) === null) {
      throw new Error(`podman at ${url} holds ${reference} but its Docker API does not find it by that reference`);
    }
  }
}

function podmanError(what: string, result: SetupResult): Error {
  return setupError(what, ensurePodmanScript, setupTimeoutMs, result, `${result.stderr}\n${result.stdout}`);
}
